"""How soon every screen shows what happened on another one, across workers.

Hearth as a host runs it (tests/support/cluster.py: two backend workers behind nginx, Postgres,
Redis), headless Chromium, each page pinned to a worker:

- **A new turn in a second tab.** Tab A (worker a) sends "/say ..."; tab B of the same person
  (worker b) shows the same thread and is never touched. Measured from the Enter in A to the
  question on B's screen, and to the reply's first words on B's (beside A's own first words).
- **A change to the home.** An admin on worker a presses Set on the board; measured from the
  press to the new value in an open chat's Rooms panel and on a second admin's board, both on
  worker b.

Times come from one clock (the browsers run here), taken at the DOM change by a
MutationObserver. `--workers 1` runs the default configuration instead (SQLite, one worker).

    python bench/live_latency.py [--turns 10] [--changes 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from tests.support.app_server import start_app, stop_app  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.cluster import start_cluster  # noqa: E402
from tests.ui.chat_page import PASSWORD, ChatPage  # noqa: E402

APP_ENV = {"HEARTH_PROVIDER_FACTORY": "tests.fakes.echo_provider:build"}

# `window.__when(selector, text)`: a promise of the moment (ms since the epoch) the last element
# `selector` matches first contains `text`, seen by a MutationObserver (at once if it does).
_WHEN = """
window.__when = (selector, text) => new Promise((resolve) => {
  const seen = () => {
    const all = document.querySelectorAll(selector);
    return all.length > 0 && all[all.length - 1].textContent.includes(text);
  };
  if (seen()) return resolve(Date.now());
  const observer = new MutationObserver(() => {
    if (seen()) { observer.disconnect(); resolve(Date.now()); }
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
});
"""


def _arm(page: Page, name: str, selector: str, text: str) -> None:
    page.evaluate(
        "([name, selector, text]) => { window[name] = window.__when(selector, text); }",
        [name, selector, text],
    )


def _landed(page: Page, name: str) -> float:
    return float(page.evaluate(f"window[{name!r}]"))


def _tab(browser: Browser, url: str, worker: str | None, storage=None) -> ChatPage:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, storage_state=storage)
    if worker is not None:
        context.add_cookies([{"name": "hearth_worker", "value": worker, "url": url}])
    context.set_default_timeout(30_000)
    context.add_init_script(_WHEN)
    return ChatPage(context.new_page(), url)


def _create_admin(database_url: str) -> None:
    env = {**os.environ, "HEARTH_DATABASE_URL": database_url, "HEARTH_NEW_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "app.accounts.cli", "create-admin", "root"]
    subprocess.run(command, env=env, check=True, capture_output=True)


def _summary(label: str, delays: list[float]) -> str:
    p95 = (
        statistics.quantiles(delays, n=20, method="inclusive")[18]
        if len(delays) >= 2
        else delays[0]
    )
    return (
        f"{label:<48} p50 {statistics.median(delays):5.0f} ms   p95 {p95:5.0f} ms   "
        f"max {max(delays):5.0f} ms"
    )


def _turns(browser: Browser, url: str, workers: tuple[str | None, str | None], turns: int):
    a = _tab(browser, url, workers[0])
    a.sign_up()
    thread = a.open_new_thread()
    b = _tab(browser, url, workers[1], storage=a.page.context.storage_state())
    b.page.goto(f"{url}/chat/{thread}")
    expect(b.page.get_by_text("What can I do for your home?")).to_be_visible()
    question, first_b, first_a = [], [], []
    for index in range(turns):
        words = f"turn{index:02d}a turn{index:02d}b turn{index:02d}c"
        _arm(b.page, "__asked", '[data-role="user"]', f"/say {words}")
        for tab in (a, b):
            _arm(tab.page, "__words", '[data-role="assistant"]', f"turn{index:02d}a")
        a.type(f"/say {words}")
        sent = time.time() * 1000
        a.composer.press("Enter")
        question.append(_landed(b.page, "__asked") - sent)
        first_b.append(_landed(b.page, "__words") - sent)
        first_a.append(_landed(a.page, "__words") - sent)
        b.wait_until_answered()
        a.wait_until_answered()
    for tab in (a, b):
        tab.page.context.close()
    return question, first_b, first_a


def _changes(browser: Browser, url: str, workers: tuple[str | None, str | None], changes: int):
    admin = _tab(browser, url, workers[0])
    admin.sign_in("root")
    admin.page.goto(url + "/admin")
    watcher = _tab(browser, url, workers[1], storage=admin.page.context.storage_state())
    watcher.page.goto(url + "/admin")
    chat = _tab(browser, url, workers[1])
    chat.sign_up()
    for page in (admin.page, watcher.page):
        page.locator('.board-room[data-room="kitchen"] .room-celsius').wait_for()
    chat.page.locator('[data-room="kitchen"] .room-celsius').wait_for()
    panel, board = [], []
    for index in range(changes):
        celsius = f"{15 + index % 10 + 0.5:g} °C"
        # Changes come at any moment, as they would.
        time.sleep(random.uniform(0, 0.3))
        _arm(chat.page, "__shown", '[data-room="kitchen"] .room-celsius', celsius)
        _arm(watcher.page, "__shown", '.board-room[data-room="kitchen"] .room-celsius', celsius)
        card = admin.page.locator('.board-room[data-room="kitchen"]')
        card.get_by_label("New temperature for kitchen").fill(celsius.removesuffix(" °C"))
        pressed = time.time() * 1000
        card.get_by_role("button", name="Set").click()
        panel.append(_landed(chat.page, "__shown") - pressed)
        board.append(_landed(watcher.page, "__shown") - pressed)
    for tab in (admin, watcher, chat):
        tab.page.context.close()
    return panel, board


def main(turns: int, changes: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        if workers == 2:
            cluster = start_cluster(Path(folder), stack, ("a", "b"), APP_ENV)
            url, database_url, pinned = cluster.url, cluster.database_url, ("a", "b")
            where = "two workers (Postgres, Redis, nginx); A and the admin on a, B on b"
        else:
            url, proc = start_app(Path(folder), APP_ENV)
            stack.callback(stop_app, proc)
            database_url, pinned = f"sqlite:///{Path(folder) / 'hearth.db'}", (None, None)
            where = "one worker (SQLite)"
        _create_admin(database_url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            question, first_b, first_a = _turns(browser, url, pinned, turns)
            panel, board = _changes(browser, url, pinned, changes)
            browser.close()
    print(f"Live latency, {where}; load average {os.getloadavg()[0]:.1f}")
    print(_summary(f"Enter in A -> the question in B ({turns})", question))
    print(_summary(f"Enter in A -> first words in B ({turns})", first_b))
    print(_summary(f"Enter in A -> first words in A ({turns})", first_a))
    print(_summary(f"Set on the board -> a chat's Rooms panel ({changes})", panel))
    print(_summary(f"Set on the board -> another admin's board ({changes})", board))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--workers", type=int, choices=(1, 2), default=2)
    args = parser.parse_args()
    main(args.turns, args.changes, args.workers)
