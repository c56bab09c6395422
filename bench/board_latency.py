"""How soon the admin's live room board shows a change made elsewhere (another person's run,
another worker): from the committed Effect to the new value on the admin's screen.

    python bench/board_latency.py --changes 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from app.db.statuses import EffectSource  # noqa: E402
from app.home.rooms import EffectOrigin, set_room_temperature  # noqa: E402
from tests.support.app_server import start_app, stop_app  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.ui.chat_page import PASSWORD, ChatPage  # noqa: E402


async def _set(url: str, celsius: float) -> None:
    engine = create_engine_async(url)
    async with create_session_factory(engine)() as session:
        await set_room_temperature(
            session, "kitchen", celsius, EffectOrigin(source=EffectSource.admin)
        )
        await session.commit()
    await engine.dispose()


def main(changes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url, proc = start_app(Path(folder))
        db = f"sqlite:///{Path(folder) / 'hearth.db'}"
        env = {**os.environ, "HEARTH_DATABASE_URL": db, "HEARTH_NEW_PASSWORD": PASSWORD}
        command = [sys.executable, "-m", "app.accounts.cli", "create-admin", "root"]
        subprocess.run(command, env=env, check=True, capture_output=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                admin = ChatPage(browser.new_page(), url)
                admin.sign_in("root")
                admin.page.goto(url + "/admin")
                cell = admin.page.locator('.board-room[data-room="kitchen"] .room-celsius')
                cell.wait_for()
                delays = []
                for index in range(changes):
                    celsius = 15 + index % 10 + 0.5
                    # Changes land at any point of the page's 500 ms rhythm, as they would.
                    time.sleep(random.uniform(0, 0.5))
                    started = time.perf_counter()
                    # Playwright's loop runs in this thread; the write runs in another.
                    with ThreadPoolExecutor(1) as pool:
                        pool.submit(asyncio.run, _set(db, celsius)).result()
                    admin.page.wait_for_function(
                        "([el, text]) => el.textContent === text",
                        arg=[cell.element_handle(), f"{celsius:g} °C"],
                        polling=10,
                    )
                    delays.append((time.perf_counter() - started) * 1000)
                browser.close()
        finally:
            stop_app(proc)
    print(
        f"change committed -> shown on the admin board: p50 {statistics.median(delays):.0f} ms, "
        f"p95 {statistics.quantiles(delays, n=20)[18]:.0f} ms, max {max(delays):.0f} ms "
        f"({changes} changes; the page asks every 500 ms)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=20)
    main(parser.parse_args().changes)
