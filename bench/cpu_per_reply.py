"""Backend CPU-seconds per streamed reply, by provider: scripted, Chat Completions, Responses.

Hearth's HTTP API runs in a process of its own (uvicorn, `app.api.routes:build_api`, as
Reflex mounts it) on a fresh, migrated database; the real providers read the fake
OpenAI-compatible server (bench/model_server.py) in another process, so only Hearth's CPU is
counted. Each reply is one `POST /api/chat` ("stream N every P ms": N four-byte tokens at P ms
a token), read to its end; the API process's user + system CPU time (/proc/PID/stat) is read
before and after. The whole reply is checked (every token, in order).

    python bench/cpu_per_reply.py [--providers scripted,chat,responses] [--tokens 2000]
        [--pace-ms 2] [--replies 5] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from app.accounts.api_tokens import create_api_token  # noqa: E402
from app.accounts.users import create_user  # noqa: E402
from app.db.migrate import upgrade_to_head  # noqa: E402
from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.scripted import due_tokens, prompt, token  # noqa: E402
from tests.support.api_server import serve_api  # noqa: E402
from tests.support.app_server import database_url_for, free_port  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PROVIDERS = ("scripted", "chat", "responses")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (and its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def wake_ups(pid: int) -> dict[str, int]:
    """Voluntary context switches of each of the process's threads, by thread name: each is
    a sleep that ended (an event loop's wait for I/O or a timer, a worker thread's queue)."""
    counts: dict[str, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        name = fields["Name"].strip()
        name = "main" if task.name == str(pid) else name
        counts[name] = counts.get(name, 0) + int(fields["voluntary_ctxt_switches"])
    return counts


def other_cpu_s(exclude: set[int]) -> float:
    """CPU seconds the machine spent busy, minus the given processes' (the rest of its load)."""
    user, nice, system, _idle, _iowait, irq, softirq = (
        int(v) for v in Path("/proc/stat").read_text().split()[1:8]
    )
    ours = sum(process_cpu_s(pid) for pid in exclude)
    return (user + nice + system + irq + softirq) / TICK - ours


def start_model_server(log: Path) -> tuple[str, subprocess.Popen]:
    """bench/model_server.py on a free port; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.model_server", "--port", str(port)],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    # Any answer (a 404 or 405 here) says it serves.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base_url + "/models", timeout=1)
            return base_url, proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the model server did not start:\n{log.read_text()[-2000:]}")


def provider_env(provider: str, base_url: str) -> dict[str, str]:
    """The settings that make Hearth answer with this provider."""
    if provider == "scripted":
        return {"HEARTH_PROVIDER_FACTORY": "bench.scripted:build"}
    return {
        "HEARTH_PROVIDER": provider,
        "HEARTH_BASE_URL": base_url,
        "HEARTH_API_KEY": "bench-key",
        "HEARTH_MODEL": "bench-model",
        # No follow-ups request after the reply: the model server answers bench prompts
        # only, and over the API a follow-ups request holds the stream's end (up to 8 s).
        "HEARTH_FOLLOW_UPS_TIMEOUT_S": "0",
    }


async def api_token(database_url: str) -> str:
    """A person and an API token of theirs."""
    engine = create_engine_async(database_url)
    try:
        async with create_session_factory(engine)() as session:
            user = await create_user(session, "bench", "a long bench password")
            _row, secret = await create_api_token(session, user.id or 0, "bench")
            return secret
    finally:
        await engine.dispose()


def api_pid(log_dir: Path) -> int:
    """The uvicorn process serving the API (the newest child of ours running it)."""
    ours = str(os.getpid())
    for entry in sorted(
        Path("/proc").iterdir(), key=lambda p: -int(p.name) if p.name.isdigit() else 0
    ):
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat[1] == ours and b"app.api.routes:build_api" in cmdline:
            return int(entry.name)
    raise RuntimeError(f"no API process found (see {log_dir})")


def one_reply(url: str, secret: str, tokens: int, pace_ms: float) -> tuple[float, int]:
    """Stream one reply through POST /api/chat; (wall seconds, text bytes received)."""
    body = {"messages": [{"role": "user", "content": prompt(tokens, pace_ms)}]}
    started, text = time.monotonic(), []
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.stream(
        "POST", url + "/api/chat", json=body, headers=headers, timeout=120
    ) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("0:"):
                text.append(json.loads(line[2:]))
    received = "".join(text)
    expected = "".join(token(i) for i in range(tokens))
    if received != expected:
        raise RuntimeError(
            f"the reply differs from the one asked for: {len(received)} of {len(expected)} bytes"
        )
    return time.monotonic() - started, len(received)


def scripted_alone_s(tokens: int, pace_ms: float, replies: int) -> float:
    """CPU of the scripted provider by itself (its timed wake-ups, nothing consuming them),
    median over `replies` runs in this process: the part of the scripted figure that is the
    fake model's, not Hearth's."""
    read_interval_s = getattr(Settings.model_construct(), "model_read_interval_s", 0.05)

    async def one() -> float:
        started = time.process_time()
        async for _ in due_tokens(tokens, pace_ms / 1000, read_interval_s):
            pass
        return time.process_time() - started

    return statistics.median(asyncio.run(one()) for _ in range(replies))


def measure(
    provider: str, base_url: str, folder: Path, postgres_url: str, args: argparse.Namespace
) -> dict[str, object]:
    """Serve the API with this provider and measure `args.replies` replies (after a warm-up)."""
    database_url = database_url_for(folder / provider, postgres_url)
    (folder / provider).mkdir(parents=True, exist_ok=True)
    upgrade_to_head(database_url)
    secret = asyncio.run(api_token(database_url))
    env = {"HEARTH_DATABASE_URL": database_url, **provider_env(provider, base_url)}
    with serve_api(env, folder / f"api-{provider}.log") as url:
        pid = api_pid(folder)
        one_reply(url, secret, 50, args.pace_ms)  # warm-up: imports, pools, first queries
        cpu, walls, others, wakes, threads = [], [], [], [], []
        for _ in range(args.replies):
            time.sleep(0.3)
            before, other_before = process_cpu_s(pid), other_cpu_s({pid})
            woken = wake_ups(pid)
            wall, _size = one_reply(url, secret, args.tokens, args.pace_ms)
            time.sleep(0.3)  # what the run does after its last event (nothing, normally)
            cpu.append(process_cpu_s(pid) - before)
            now_woken = wake_ups(pid)
            wakes.append(now_woken.get("main", 0) - woken.get("main", 0))
            threads.append(sum(now_woken.values()) - sum(woken.values()) - wakes[-1])
            others.append((other_cpu_s({pid}) - other_before) / (wall + 0.3))
            walls.append(wall)
    return {
        "provider": provider,
        "cpu_s": cpu,
        "cpu_median_s": statistics.median(cpu),
        "wall_median_s": statistics.median(walls),
        "others_cores": statistics.median(others),
        "loop_wake_ups": statistics.median(wakes),
        "thread_wake_ups": statistics.median(threads),
    }


def main() -> None:
    """Measure each provider and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", default=",".join(PROVIDERS))
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--pace-ms", type=float, default=2.0)
    parser.add_argument("--replies", type=int, default=5)
    parser.add_argument("--postgres-url", default="", help="a Postgres server (default: SQLite)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    providers = [p for p in args.providers.split(",") if p]
    for name in providers:
        if name not in PROVIDERS:
            parser.error(f"--providers: {name!r} is not one of {', '.join(PROVIDERS)}")
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base_url, model = start_model_server(folder / "model.log")
        try:
            for provider in providers:
                print(f"measuring {provider}...", flush=True)
                results.append(measure(provider, base_url, folder, args.postgres_url, args))
        finally:
            model.terminate()
            model.wait(10)
    alone = scripted_alone_s(args.tokens, args.pace_ms, 3) if "scripted" in providers else None
    load_after = os.getloadavg()
    database = "postgres" if args.postgres_url else "sqlite"
    print(
        f"\nbackend CPU per {args.tokens}-token reply at {args.pace_ms:g} ms a token, "
        f"POST /api/chat, {database}, {args.replies} replies each (median; every reply)"
    )
    print(
        f"{'provider':<11}{'cpu s':>8}{'wall s':>8}{'other cores':>13}"
        f"{'wake-ups loop':>15}{'threads':>9}  every reply"
    )
    for r in results:
        every = " ".join(f"{c:.2f}" for c in r["cpu_s"])  # type: ignore[union-attr]
        print(
            f"{r['provider']:<11}{r['cpu_median_s']:>8.3f}{r['wall_median_s']:>8.2f}"
            f"{r['others_cores']:>13.2f}{r['loop_wake_ups']:>15.0f}{r['thread_wake_ups']:>9.0f}"
            f"  {every}"
        )
    print(
        "wake-ups: voluntary context switches during a reply, of the event loop's thread and "
        "of the others (the database's)"
    )
    if alone is not None:
        print(
            f"the scripted provider alone (its timed wake-ups, in this process): "
            f"{alone:.3f} s of the scripted figure"
        )
    print(
        "load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
            *load_before, *load_after
        )
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"config": vars(args) | {"json": str(args.json)}, "results": results}, indent=2
            )
        )


if __name__ == "__main__":
    main()
