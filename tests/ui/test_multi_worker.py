"""Two backend workers behind nginx, Postgres and Redis, as a host runs Hearth: a run driven by
one worker is followed, stopped and seen ended from a tab on the other; when the driving worker
is killed, the run expires with its text kept and Retry answers on the surviving worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.fakes.openai_server import Call, FakeOpenAI, Turn
from tests.support.cluster import Cluster, start_cluster
from tests.ui.chat_page import ChatPage, watch_for_csp_violations

pytestmark = pytest.mark.browser

STORY = [f"Sentence number {i}. " for i in range(400)]


@pytest.fixture(scope="module")
def cluster(model: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    env = {
        **model.app_env(),
        "HEARTH_RUN_STALE_AFTER_S": "3",
        "HEARTH_SWEEP_INTERVAL_S": "1",
    }
    with ExitStack() as stack:
        yield start_cluster(tmp_path_factory.mktemp("cluster"), stack, ("a", "b"), env)


def _tab_on(browser: Browser, cluster: Cluster, worker: str, storage=None) -> ChatPage:
    """A browser context whose requests nginx sends to one worker (by cookie)."""
    context: BrowserContext = browser.new_context(
        viewport={"width": 1280, "height": 860}, storage_state=storage
    )
    context.add_cookies([{"name": "hearth_worker", "value": worker, "url": cluster.url}])
    context.set_default_timeout(20_000)
    return ChatPage(context.new_page(), cluster.url)


def _worker_pid(tab: ChatPage) -> int:
    return tab.page.evaluate("async () => (await (await fetch('/api/health')).json()).worker")


def _thread_titles(tab: ChatPage) -> list[str]:
    return tab.threads.get_by_role("link").all_inner_texts()


def test_pages_through_nginx_run_under_the_csp_and_the_websocket_takes_the_proxys_origin(
    browser: Browser, cluster: Cluster, model: FakeOpenAI
) -> None:
    """nginx serves the built pages with the CSP of that build; the app behind it sees the
    browser's Host (with its port), so its own pages may open the websocket."""
    page = httpx.get(cluster.url + "/login")
    assert "'sha256-" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    tab = _tab_on(browser, cluster, "a")
    violations = watch_for_csp_violations(tab.page)
    try:
        tab.sign_up()
        tab.open_new_thread()
        model.script(Turn(text=["Fine, ", "thanks."]))
        expect(tab.ask("how are you?")).to_contain_text("Fine, thanks.")
        assert violations == [], violations
    finally:
        tab.page.context.close()


def test_a_tab_moved_to_the_other_worker_follows_each_turn_there(
    browser: Browser, cluster: Cluster, model: FakeOpenAI
) -> None:
    """A reload can put a tab's socket on the other worker while its watcher on the first still
    waits for a change: that watcher must leave the tab alone (it used to take the next turn
    there, where no one showed it), and the new one shows each turn, even one sent the moment
    the page has loaded."""
    sender = _tab_on(browser, cluster, "a")
    sender.sign_up()
    thread = sender.open_new_thread()
    mover = _tab_on(browser, cluster, "a", storage=sender.page.context.storage_state())
    try:
        mover.page.goto(f"{cluster.url}/chat/{thread}")
        expect(mover.page.get_by_text("What can I do for your home?")).to_be_visible()
        for turn, worker in enumerate(("b", "a", "b", "a")):
            mover.page.context.add_cookies(
                [{"name": "hearth_worker", "value": worker, "url": cluster.url}]
            )
            mover.page.reload()
            expect(mover.composer).to_be_editable()
            model.script(Turn(text=[f"Answer {turn}."]))
            sender.send(f"question {turn}")
            expect(mover.user_messages.last).to_have_text(f"question {turn}")
            expect(mover.assistant_messages.last).to_have_text(f"Answer {turn}.")
            expect(sender.assistant_messages.last).to_have_text(f"Answer {turn}.")
            expect(sender.page.get_by_role("button", name="Send")).to_be_visible()
    finally:
        sender.page.context.close()
        mover.page.context.close()


def test_two_workers_share_runs_through_redis_and_survive_a_killed_worker(
    browser: Browser, cluster: Cluster, model: FakeOpenAI
) -> None:
    a = _tab_on(browser, cluster, "a")
    a.sign_up()
    thread = a.open_new_thread()
    b = _tab_on(browser, cluster, "b", storage=a.page.context.storage_state())
    b.page.goto(f"{cluster.url}/chat/{thread}")
    expect(b.page.get_by_text("What can I do for your home?")).to_be_visible()
    pid_a, pid_b = _worker_pid(a), _worker_pid(b)
    assert pid_a != pid_b, "both tabs reached the same worker"

    try:
        # 1. A run driven by worker a, followed live from worker b (nothing done in b: it
        # shows the new turn as it starts), stopped from b.
        model.script(Turn(text=STORY, delay_s=0.03))
        a.send("tell me a long story")
        expect(b.user_messages.last).to_have_text("tell me a long story")
        live_b = b.page.locator(".live-text .hearth-stream-text")
        expect(live_b).to_contain_text("Sentence number 20.", timeout=30_000)
        expect(b.page.get_by_role("button", name="Stop")).to_be_visible()
        b.page.get_by_role("button", name="Stop").click()
        for tab in (a, b):
            reply = tab.assistant_messages.last
            expect(reply).to_contain_text("Stopped. The text so far was kept.", timeout=15_000)
            expect(tab.page.get_by_role("button", name="Send")).to_be_visible()
        kept_a = a.assistant_messages.last.locator(".markdown").inner_text()
        kept_b = b.assistant_messages.last.locator(".markdown").inner_text()
        assert kept_a == kept_b and kept_a.startswith("Sentence number 0.")
        assert "Sentence number 399." not in kept_a

        # 2. The thread list agrees: the title came from the first message, on both workers
        # (b's list followed by itself).
        expect(a.threads).to_contain_text("tell me a long story")
        expect(b.threads).to_contain_text("tell me a long story")
        assert _thread_titles(a) == _thread_titles(b)

        # A turn that changes the home, sent on a: b shows its cards and its Rooms panel
        # follows, with nothing done in b.
        target = 18 if a.room_celsius("kitchen") != 18 else 19
        model.script(
            Turn(
                calls=[
                    Call(
                        "set_room_temperature", f'{{"room": "kitchen", "celsius": {target}}}', "c1"
                    )
                ]
            ),
            Turn(text=["Done."]),
        )
        a.send(f"set the kitchen to {target}")
        expect(b.user_messages.last).to_have_text(f"set the kitchen to {target}")
        expect(b.assistant_messages.last.locator(".effect-card")).to_contain_text("kitchen")
        expect(b.page.locator('[data-room="kitchen"] .room-celsius')).to_have_text(f"{target} °C")
        expect(b.assistant_messages.last).to_contain_text("Done.")

        # 3. Worker a dies mid-reply: the run expires, its text is kept, Retry answers on b.
        model.script(Turn(text=STORY, delay_s=0.03))
        a.send("and another one")
        b.page.goto(f"{cluster.url}/chat/{thread}")
        expect(live_b).to_contain_text("Sentence number 30.", timeout=30_000)
        cluster.backends["a"].kill()
        reply = b.assistant_messages.last
        expect(reply).to_contain_text(
            "The worker running this reply stopped; the text so far was kept.", timeout=30_000
        )
        kept = reply.locator(".markdown").inner_text()
        assert kept.startswith("Sentence number 0. Sentence number 1.")
        assert "Sentence number 399." not in kept

        model.script(Turn(text=["Here ", "it ", "is."]))
        reply.get_by_role("button", name="Retry").click()
        answer = b.wait_until_answered()
        expect(answer.locator(".markdown")).to_have_text("Here it is.")
        assert model.requests[-1]["body"]["messages"][-1] == {
            "role": "user",
            "content": "and another one",
        }
        assert _worker_pid(b) == pid_b
    finally:
        a.page.context.close()
        b.page.context.close()
