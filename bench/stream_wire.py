"""Bytes on the websocket for one streamed reply: Hearth beside the naive pattern, same run.

Starts the real app (prod mode, a scripted provider: bench/scripted.py) and a tiny app with
the naive pattern (bench/naive_app.py), drives both in headless Chromium, and prints bytes,
frames, the ratio to the reply's bytes, first-text and per-update latency, and backend CPU.

    python bench/stream_wire.py [--sizes 500,2000,4000] [--paces-ms 2,10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.naive_project import naive_project  # noqa: E402
from bench.scripted import TOKEN_BYTES  # noqa: E402
from tests.support.app_server import start_app, stop_app  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.ui.chat_page import ChatPage  # noqa: E402

# Records (time, text length) of the streaming element at every DOM change.
_OBSERVER = """
window.__arrivals = [];
new MutationObserver(() => {
  const el = document.querySelector(window.__benchSelector || "none");
  const at = performance.timeOrigin + performance.now();
  if (el) window.__arrivals.push([at, el.textContent.length]);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@dataclass
class Result:
    """One measured reply."""

    pattern: str
    tokens: int
    pace_ms: float
    bytes: int
    frames: int
    first_text_ms: float
    token_p50_ms: float
    token_p95_ms: float
    token_max_ms: float
    cpu_s: float

    @property
    def ratio(self) -> float:
        """Bytes on the wire per byte of reply."""
        return self.bytes / (self.tokens * TOKEN_BYTES)


def _cpu_seconds(group: int) -> float:
    """User + system CPU of every process in a process group, in seconds."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


class Wire:
    """Counts the bytes and frames the page receives on its websockets."""

    def __init__(self, page: Page) -> None:
        self.bytes = self.frames = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._count))

    def _count(self, payload: str | bytes) -> None:
        self.bytes += len(payload.encode() if isinstance(payload, str) else payload)
        self.frames += 1

    def reset(self) -> None:
        self.bytes = self.frames = 0


def _latencies(page: Page, times_dir: Path, tokens: int) -> tuple[float, list[float]]:
    """First-text latency and every token's latency (ms), provider emission to DOM."""
    newest = max(times_dir.glob("times-*.json"), key=lambda p: p.stat().st_mtime)
    emitted = json.loads(newest.read_text())
    newest.unlink()
    assert len(emitted) == tokens, f"provider emitted {len(emitted)} of {tokens} tokens"
    # Every token's latency: from its emission to the first DOM change that shows it.
    seen, updates = 0, []
    for at, length in page.evaluate("window.__arrivals"):
        shown = min(length // TOKEN_BYTES, tokens)
        updates.extend(at - emitted[index] * 1000 for index in range(seen, shown))
        seen = max(seen, shown)
    first = page.evaluate("window.__arrivals")
    first_ms = next(at for at, length in first if length >= TOKEN_BYTES) - emitted[0] * 1000
    return first_ms, updates


def _measure(page: Page, wire: Wire, group: int, run, done, times_dir: Path, **meta) -> Result:
    page.evaluate("window.__arrivals = []")
    time.sleep(0.3)
    wire.reset()
    cpu = _cpu_seconds(group)
    run()
    done()
    time.sleep(0.5)  # trailing frames (final state, thread list)
    cpu = _cpu_seconds(group) - cpu
    first, updates = _latencies(page, times_dir, meta["tokens"])
    print(
        f"  measured {meta['pattern']}, {meta['tokens']} tokens, {meta['pace_ms']:g} ms/token: "
        f"{wire.bytes:,} bytes",
        flush=True,
    )
    quantiles = statistics.quantiles(updates, n=100) if len(updates) > 1 else updates * 99
    return Result(
        bytes=wire.bytes,
        frames=wire.frames,
        first_text_ms=first,
        token_p50_ms=statistics.median(updates),
        token_p95_ms=quantiles[94],
        token_max_ms=max(updates),
        cpu_s=cpu,
        **meta,
    )


def bench_hearth(page: Page, url: str, group: int, sizes, paces, times_dir) -> list[Result]:
    """Hearth: only new text travels, in batches, applied by the client-side component."""
    wire = Wire(page)
    page.add_init_script("window.__benchSelector = '.live-text .hearth-stream-text';" + _OBSERVER)
    # Hearth is for signed-in people: the bench's account is the install's first (its admin).
    ChatPage(page, url).sign_up()
    results = []
    for pace in paces:
        for tokens in sizes:
            page.goto(url + "/")
            page.get_by_role("button", name="New thread", exact=True).click()
            expect(page.get_by_text("What can I do for your home?")).to_be_visible()
            box = page.get_by_role("textbox", name="Message")
            text = f"stream {tokens} every {pace} ms"
            box.fill(text)
            expect(box).to_have_value(text)

            def done() -> None:
                # The reply has ended when Send is back and the live text gave way to the
                # message as saved (the live text is drawn as markdown too while it streams).
                expect(page.get_by_role("button", name="Send")).to_be_visible(timeout=300_000)
                expect(page.locator(".live-text")).to_have_count(0)
                final = page.locator('[data-role="assistant"] .markdown')
                expect(final).to_have_count(1)

            results.append(
                _measure(
                    page,
                    wire,
                    group,
                    lambda box=box: box.press("Enter"),
                    done,
                    times_dir,
                    pattern="hearth (deltas)",
                    tokens=tokens,
                    pace_ms=pace,
                )
            )
    return results


def bench_naive(page: Page, url: str, group: int, sizes, paces, times_dir, max_per_token: int):
    """The naive pattern: the whole message list re-sent on every update."""
    wire = Wire(page)
    page.add_init_script("window.__benchSelector = '[data-role=\"assistant\"]';" + _OBSERVER)
    page.goto(url + "/")
    results = []
    for pace in paces:
        for tokens in sizes:
            for batch_ms in (0, 50):
                if batch_ms == 0 and tokens > max_per_token:
                    continue
                button = page.locator(f"#run-{tokens}-{batch_ms}-{pace:g}")

                shown = page.locator("#done")
                runs_before = int(shown.get_attribute("data-run") or 0) if shown.count() else 0

                def done(run: int = runs_before + 1) -> None:
                    # "#done" still shows the previous run until this one starts.
                    expect(page.locator(f'#done[data-run="{run}"]')).to_be_visible(timeout=300_000)

                results.append(
                    _measure(
                        page,
                        wire,
                        group,
                        button.click,
                        done,
                        times_dir,
                        pattern="naive per token" if batch_ms == 0 else "naive 50 ms batches",
                        tokens=tokens,
                        pace_ms=pace,
                    )
                )
    return results


def _print(results: list[Result]) -> None:
    print(
        f"{'pattern':<22}{'pace':>7}{'tokens':>8}{'bytes':>12}{'frames':>8}{'x reply':>9}"
        f"{'first ms':>10}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'cpu s':>7}"
    )
    for r in results:
        print(
            f"{r.pattern:<22}{r.pace_ms:>5g}ms{r.tokens:>8}{r.bytes:>12,}{r.frames:>8}"
            f"{r.ratio:>9.2f}{r.first_text_ms:>10.0f}{r.token_p50_ms:>8.0f}"
            f"{r.token_p95_ms:>8.0f}{r.token_max_ms:>8.0f}{r.cpu_s:>7.2f}"
        )
    hearth = {(r.pace_ms, r.tokens): r for r in results if r.pattern.startswith("hearth")}
    for pace in sorted({p for p, _ in hearth}):
        if (pace, 2000) in hearth and (pace, 4000) in hearth:
            growth = hearth[(pace, 4000)].bytes / hearth[(pace, 2000)].bytes
            print(f"hearth at {pace:g} ms/token: bytes(4000) / bytes(2000) = {growth:.2f}")


def main() -> None:
    """Run both apps, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,4000")
    parser.add_argument("--paces-ms", default="2,10", help="milliseconds between tokens")
    parser.add_argument("--naive-per-token-max", type=int, default=2000)
    parser.add_argument("--hearth-only", action="store_true", help="skip the naive app")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    paces = [float(p) for p in args.paces_ms.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        times_dir = tmp / "times"
        times_dir.mkdir()
        env = {
            "HEARTH_PROVIDER_FACTORY": "bench.scripted:build",
            "BENCH_TIMES_DIR": str(times_dir),
            "BENCH_SIZES": ",".join(map(str, sizes)),
            "BENCH_PACES_MS": ",".join(f"{p:g}" for p in paces),
            "PYTHONPATH": str(ROOT),
        }
        print("starting Hearth and the naive app (production builds)...", flush=True)
        hearth_url, hearth = start_app(tmp / "hearth", env)
        naive_url, naive = (
            ("", None) if args.hearth_only else start_app(tmp, env, project=naive_project(tmp))
        )
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results = bench_hearth(
                    browser.new_page(), hearth_url, hearth.pid, sizes, paces, times_dir
                )
                if not args.hearth_only:
                    results += bench_naive(
                        browser.new_page(),
                        naive_url,
                        naive.pid,
                        sizes,
                        paces,
                        times_dir,
                        args.naive_per_token_max,
                    )
                browser.close()
        finally:
            stop_app(hearth)
            if naive is not None:
                stop_app(naive)
    _print(results)


if __name__ == "__main__":
    main()
