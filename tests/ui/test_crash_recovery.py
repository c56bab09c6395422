"""A real model provider (the fake OpenAI server) in the running app, and a server killed
mid-reply: after the restart the run is expired, its text kept, and Retry answers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.openai_server import FakeOpenAI, Turn
from tests.support.app_server import (
    free_port,
    separate_web_dir,
    start_app,
    stop_app,
    worker_pids,
)
from tests.ui.chat_page import ChatPage

pytestmark = pytest.mark.browser

STORY = [f"Sentence number {i}. " for i in range(300)]


@pytest.fixture(scope="module")
def app_env(model: FakeOpenAI) -> dict[str, str]:
    return {
        **model.app_env(),
        "HEARTH_RUN_STALE_AFTER_S": "2",
        "HEARTH_SWEEP_INTERVAL_S": "1",
    }


def test_a_killed_server_leaves_the_reply_expired_and_retry_works(
    page: Page, model: FakeOpenAI, app_env: dict[str, str], tmp_path: Path
) -> None:
    port, web_dir = free_port(), separate_web_dir("crash-recovery")
    url, proc = start_app(tmp_path, app_env, port=port, web_dir=web_dir)
    try:
        chat = ChatPage(page, url)
        chat.sign_up()
        chat.open_new_thread()
        model.script(Turn(text=STORY, delay_s=0.03))
        chat.send("tell me a long story")
        live = page.locator(".live-text .hearth-stream-text")
        expect(live).to_contain_text("Sentence number 40.", timeout=30_000)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        stop_app(proc)

    url, proc = start_app(tmp_path, app_env, port=port, web_dir=web_dir)
    try:
        page.reload()
        reply = chat.assistant_messages.last
        expect(reply).to_contain_text(
            "The worker running this reply stopped; the text so far was kept.", timeout=30_000
        )
        kept = reply.locator(".markdown").inner_text()
        assert kept.startswith("Sentence number 0. Sentence number 1.")
        assert "Sentence number 299." not in kept

        model.script(Turn(text=["The ", "end."]))
        reply.get_by_role("button", name="Retry").click()
        answer = chat.wait_until_answered()
        expect(answer.locator(".markdown")).to_have_text("The end.")
        expect(chat.user_messages).to_have_count(1)  # asked again in place, not re-sent
        assert model.requests[-1]["body"]["messages"][-1] == {
            "role": "user",
            "content": "tell me a long story",
        }
    finally:
        stop_app(proc)


def test_a_killed_worker_is_replaced_and_the_open_page_recovers(
    page: Page, model: FakeOpenAI, tmp_path: Path
) -> None:
    """`kill -9` of the workers under `make run` (the default settings): granian starts
    others, the page reconnects by itself, the reply is expired within 15 s with its text,
    and Retry answers, with no restart by hand."""
    url, proc = start_app(tmp_path, model.app_env(), web_dir=separate_web_dir("worker-kill"))
    try:
        chat = ChatPage(page, url)
        chat.sign_up()
        chat.open_new_thread()
        model.script(Turn(text=STORY, delay_s=0.03))
        chat.send("tell me a long story")
        live = page.locator(".live-text .hearth-stream-text")
        expect(live).to_contain_text("Sentence number 40.", timeout=30_000)
        # Every worker (two in the hosted configuration): whichever drives the reply dies.
        workers = worker_pids(proc.pid)
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        reply = chat.assistant_messages.last
        expect(reply).to_contain_text(
            "The worker running this reply stopped; the text so far was kept.", timeout=20_000
        )
        assert time.monotonic() - killed_at <= 15
        assert reply.locator(".markdown").inner_text().startswith("Sentence number 0.")
        assert worker_pids(proc.pid) and not set(worker_pids(proc.pid)) & set(workers)

        model.script(Turn(text=["The ", "end."]))
        reply.get_by_role("button", name="Retry").click()
        expect(chat.wait_until_answered().locator(".markdown")).to_have_text("The end.")
    finally:
        stop_app(proc)
