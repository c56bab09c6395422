"""Crash loss: what a `kill -9` of the worker mid-reply loses, and what saving more often costs.

Hearth is served as `make run` serves it (`python -m app.deploy serve`, one granian worker,
a fresh SQLite or Postgres database) behind the fake OpenAI-compatible server, which streams a
long reply ("Sentence number i. ", one every 10 ms). For each HEARTH_SAVE_TEXT_WITHIN_S given
(1.0 saves only with the once-a-second heartbeat, as before; 0.15 is the default now):

  crash rounds   a reply streams to an HTTP client; the worker is killed 1-3 s in (at a
                 random moment); granian starts a new one; the run is polled until `expired`.
                 Printed: characters the client had received but the database never saved,
                 how long before the kill the last saved text had reached the client (the
                 "shown but lost" window), seconds from the kill to a new worker answering,
                 and seconds from the kill to the run's expiry (medians and maxima).
  cost round     --streams replies streamed at once to completion (no kill); printed: the
                 worker's CPU seconds per reply.

    python bench/crash_loss.py                       # SQLite, 1.0 and 0.15, 5 kills each
    python bench/crash_loss.py --db postgres --rounds 7
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlmodel import select  # noqa: E402

from app.accounts.api_tokens import create_api_token  # noqa: E402
from app.assistant.message_parts import message_text  # noqa: E402
from app.db.models import Message, Run, User  # noqa: E402
from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from app.db.statuses import Role  # noqa: E402
from bench.concurrency import drop_database, fresh_database  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, Turn  # noqa: E402
from tests.support.app_server import free_port, wait_until_answering, worker_pids  # noqa: E402

SENTENCES = 1500


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Served:
    """`python -m app.deploy serve` on a database, with the fake model behind it."""

    def __init__(self, database_url: str, fake: FakeOpenAI, save_s: float, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        env.update(
            HEARTH_DATABASE_URL=database_url,
            HEARTH_SAVE_TEXT_WITHIN_S=str(save_s),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            **fake.app_env(),
        )
        port = str(self.port)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.deploy", "serve", "--host", "127.0.0.1", "--port", port],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_answering(f"{self.url}/api/health", "serve", self.proc, log, 120)

    def worker(self) -> int:
        (pid,) = worker_pids(self.proc.pid)
        return pid

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(30)


async def _stream(client: httpx.AsyncClient, token: str, thread: str, got: list) -> None:
    body = {"id": thread, "messages": [{"role": "user", "content": "a long story"}]}
    text = ""
    try:
        async with client.stream(
            "POST", "/api/chat", json=body, headers={"Authorization": f"Bearer {token}"}
        ) as reply:
            async for line in reply.aiter_lines():
                if line.startswith("0:"):
                    text += json.loads(line[2:])
                    got.append((time.monotonic(), text))
    except httpx.HTTPError:
        pass


async def crash_round(served: Served, sessions, token: str, n: int) -> dict[str, float]:
    got: list[tuple[float, str]] = []
    async with httpx.AsyncClient(base_url=served.url, timeout=60) as client:
        worker = served.worker()
        reading = asyncio.create_task(_stream(client, token, f"crash-{n}", got))
        while not got:
            await asyncio.sleep(0.01)
        await asyncio.sleep(random.uniform(1.0, 3.0))
        os.kill(worker, signal.SIGKILL)
        killed = time.monotonic()
        await reading
    wait_until_answering(f"{served.url}/api/health", "a new worker", None, Path("/dev/null"), 30)
    respawn_s = time.monotonic() - killed
    while True:
        async with sessions() as session:
            run = (await session.exec(select(Run).order_by(Run.id.desc()))).first()  # type: ignore[union-attr]
            message = (
                await session.exec(
                    select(Message).where(Message.run_id == run.id, Message.role == Role.assistant)
                )
            ).one()
        if run.status == "expired":
            break
        await asyncio.sleep(0.1)
    expired_s = time.monotonic() - killed
    kept = message_text(message.parts)
    received = got[-1][1]
    reached = next((when for when, text in got if len(text) >= len(kept)), killed)
    return {
        "lost_chars": len(received) - len(kept),
        "lost_window_s": max(0.0, killed - reached) if kept != received else 0.0,
        "respawn_s": respawn_s,
        "expired_s": expired_s,
    }


async def cost_round(served: Served, sessions, tokens: list[str]) -> dict[str, float]:
    worker = served.worker()
    before = _cpu_s(worker)
    async with httpx.AsyncClient(base_url=served.url, timeout=120) as client:
        await asyncio.gather(*(_stream(client, t, f"cost-{i}", []) for i, t in enumerate(tokens)))
    return {"cpu_s_per_reply": (_cpu_s(worker) - before) / len(tokens)}


async def people(database_url: str, count: int) -> tuple[object, list[str]]:
    sessions = create_session_factory(create_engine_async(database_url))
    tokens = []
    async with sessions() as session:
        for n in range(count):
            user = User(username=f"crash{n}", password_hash="!")
            session.add(user)
            await session.commit()
            tokens.append((await create_api_token(session, user.id or 0, "bench"))[1])
    return sessions, tokens


def measure(args: argparse.Namespace, save_s: float, folder: Path) -> dict[str, list[float]]:
    database_url, name = fresh_database(args.db, args.postgres_url, folder)
    story = [f"Sentence number {i}. " for i in range(SENTENCES)]
    results: dict[str, list[float]] = {}
    try:
        with FakeOpenAI(fallback=lambda _body: Turn(text=story, delay_s=0.01)) as fake:
            served = Served(database_url, fake, save_s, folder / f"serve-{save_s}.log")
            try:
                sessions, tokens = asyncio.run(people(database_url, args.streams))

                async def rounds() -> None:
                    for n in range(args.rounds):
                        for key, value in (
                            await crash_round(served, sessions, tokens[0], n)
                        ).items():
                            results.setdefault(key, []).append(value)
                        await asyncio.sleep(6)  # past granian's crash-loop window
                    for key, value in (await cost_round(served, sessions, tokens)).items():
                        results[key] = [value]

                asyncio.run(rounds())
            finally:
                served.stop()
    finally:
        if name:
            drop_database(args.postgres_url, name)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save-s", default="1.0,0.15")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "HEARTH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres"
        ),
    )
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"# {args.db}, one worker, {args.rounds} kills and {args.streams} streams a setting; "
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    head = (
        f"{'save within':>11} {'lost chars med/max':>19} {'lost window ms med/max':>23} "
        f"{'respawn s med':>13} {'expired s med/max':>18} {'CPU s/reply':>11}"
    )
    print(head)
    print("-" * len(head))
    with tempfile.TemporaryDirectory() as tmp:
        for save_s in (float(s) for s in args.save_s.split(",")):
            r = measure(args, save_s, Path(tmp))
            med, top = statistics.median, max
            print(
                f"{save_s:>9.2f} s "
                f"{med(r['lost_chars']):>9.0f}/{top(r['lost_chars']):<9.0f} "
                f"{med(r['lost_window_s']) * 1000:>11.0f}/{top(r['lost_window_s']) * 1000:<11.0f} "
                f"{med(r['respawn_s']):>13.1f} "
                f"{med(r['expired_s']):>8.1f}/{top(r['expired_s']):<9.1f} "
                f"{r['cpu_s_per_reply'][0]:>11.3f}"
            )


if __name__ == "__main__":
    main()
