"""Concurrency: N people sending "set" requests at once; does the ledger equal what was asked?

Hearth's HTTP API (`app.api.routes:build_api`) runs under uvicorn with --workers processes
on a fresh database (Postgres by default, or SQLite), with the offline assistant. Each of N
people sends --per-person requests at the same moment, each "set the <room> to <value>" with a
value no other request uses (so no set is a no-op):

  shared    all of a person's requests go into one thread (phone, laptop and a script
            pressing Send together): one may start, the others must be refused (409),
  separate  each request goes into a thread of its own: every one must be accepted.

Printed per round: requests sent, accepted (200), refused (409), other answers, effects
applied (ledger rows), effects expected (one per accepted request), accepted requests whose
effect is missing, duplicated or for another value ("wrong"), runs left live afterwards
(must be 0), threads with two replies live at once (must be 0), and the p50/p95 latency of an
accepted request (send to the end of its streamed reply) and of a refusal.

    python bench/concurrency.py                       # N = 10, 50, 100 on Postgres
    python bench/concurrency.py --db sqlite --users 10,50
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
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from app.accounts.api_tokens import create_api_token  # noqa: E402
from app.db.migrate import upgrade_to_head  # noqa: E402
from app.db.models import Effect, Run, ToolCall, User  # noqa: E402
from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from tests.support.app_server import free_port, wait_until_answering  # noqa: E402

ROOMS = ["kitchen", "bedroom", "living room", "bathroom", "home office"]


@dataclass
class Round:
    """What one round sent, what came back, and what the database holds afterwards."""

    users: int
    mode: str
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    other: int = 0
    effects: int = 0
    expected: int = 0
    wrong: int = 0
    live_after: int = 0
    overlapping: int = 0
    accepted_ms: tuple[float, float] = (0.0, 0.0)
    refused_ms: tuple[float, float] = (0.0, 0.0)


def _quantiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return (0.0, 0.0)
    if len(values) == 1:
        return (values[0], values[0])
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return (statistics.median(values), cuts[18])


def fresh_database(kind: str, postgres_url: str, folder: Path) -> tuple[str, str]:
    """A migrated database: its URL and (Postgres) its name, to drop afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        upgrade_to_head(url)
        return url, ""
    name = f"hearth_bench_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(postgres_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    return url, name


def drop_database(postgres_url: str, name: str) -> None:
    admin_url = make_url(postgres_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


async def people(database_url: str, count: int) -> list[str]:
    """`count` people with an API token each (no password: nobody signs in)."""
    engine = create_engine_async(database_url)
    sessions = create_session_factory(engine)
    tokens = []
    async with sessions() as session:
        for n in range(count):
            user = User(username=f"bench{n:04d}", password_hash="!")
            session.add(user)
            await session.commit()
            tokens.append((await create_api_token(session, user.id or 0, "bench"))[1])
    await engine.dispose()
    return tokens


async def ledger(database_url: str, round_: Round, accepted: dict[int, str]) -> None:
    """Compare the ledger and the runs with what was accepted."""
    engine = create_engine_async(database_url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        effects = (await session.exec(select(Effect))).all()
        runs = (await session.exec(select(Run).order_by(col(Run.thread_id)))).all()
    round_.effects, round_.expected = len(effects), len(accepted)
    by_run: dict[int, list[Effect]] = {}
    for effect in effects:
        by_run.setdefault(effect.run_id or 0, []).append(effect)
    wrong_runs = [
        run_id
        for run_id, say in accepted.items()
        if [f"set the {e.room_name} to {e.new_celsius:g}" for e in by_run.get(run_id, [])] != [say]
    ]
    strays = sum(len(found) for run_id, found in by_run.items() if run_id not in accepted)
    round_.wrong = len(wrong_runs) + strays
    round_.live_after = sum(1 for r in runs if r.ended_at is None)
    if wrong_runs:  # say what became of them
        async with sessions() as session:
            query = select(ToolCall).where(col(ToolCall.run_id).in_(wrong_runs))
            calls = (await session.exec(query)).all()
        for run in runs:
            if run.id in wrong_runs:
                print(f"  run {run.id} ({accepted[run.id]!r}): {run.status} {run.error or ''}")
        for call in calls:
            print(f"    {call.name} {call.arguments}: {call.status} {call.result} {call.error}")
    for a in runs:
        for b in runs:
            apart = bool(a.ended_at and b.ended_at) and (
                a.ended_at <= b.created_at or b.ended_at <= a.created_at  # type: ignore[operator]
            )
            if (a.id or 0) < (b.id or 0) and a.thread_id == b.thread_id and not apart:
                round_.overlapping += 1
    await engine.dispose()


async def send_all(url: str, tokens: list[str], mode: str, per_person: int, seed: int) -> Round:
    rng = random.Random(seed)
    # Per room, values that differ from each other and from every seeded (whole) value.
    sets_of = {room: iter(round(5.1 + 0.2 * n, 1) for n in range(150)) for room in ROOMS}
    requests = []
    for p, token in enumerate(tokens):
        for n in range(per_person):
            thread = f"p{p}-shared" if mode == "shared" else f"p{p}-own-{n}"
            room = rng.choice(ROOMS)
            requests.append((token, thread, f"set the {room} to {next(sets_of[room]):g}"))
    round_ = Round(users=len(tokens), mode=mode, sent=len(requests))
    accepted: dict[int, str] = {}
    took: dict[int, list[float]] = {200: [], 409: []}
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:

        async def one(token: str, thread: str, say: str) -> None:
            body = {"id": thread, "messages": [{"role": "user", "content": say}]}
            began = time.perf_counter()
            response = await client.post(
                "/api/chat", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            await response.aread()
            took.setdefault(response.status_code, []).append((time.perf_counter() - began) * 1000)
            if response.status_code == 200:
                accepted[int(response.headers["x-hearth-run-id"])] = say

        await asyncio.gather(*(one(*r) for r in requests))
    round_.accepted, round_.refused = len(took[200]), len(took[409])
    round_.other = round_.sent - round_.accepted - round_.refused
    round_.accepted_ms, round_.refused_ms = _quantiles(took[200]), _quantiles(took[409])
    round_.__dict__["_accepted"] = accepted
    return round_


def serve(database_url: str, workers: int, log: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "HEARTH_DATABASE_URL": database_url, "HEARTH_PROVIDER": "offline"}
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "app.api.routes:build_api", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(f"{url}/api/health", "the API", proc, log, timeout_s=60, every_s=0.2)
    return url, proc


def run_round(args: argparse.Namespace, users: int, mode: str, folder: Path) -> Round:
    database_url, name = fresh_database(args.db, args.postgres_url, folder)
    try:
        tokens = asyncio.run(people(database_url, users))
        url, proc = serve(database_url, args.workers, folder / f"api-{users}-{mode}.log")
        try:
            round_ = asyncio.run(send_all(url, tokens, mode, args.per_person, seed=users))
        finally:
            proc.terminate()
            proc.wait(20)
        asyncio.run(ledger(database_url, round_, round_.__dict__.pop("_accepted")))
        return round_
    finally:
        if name:
            drop_database(args.postgres_url, name)


def print_table(rounds: list[Round]) -> None:
    head = (
        f"{'N':>4} {'threads':<9} {'sent':>5} {'ok':>5} {'409':>5} {'other':>5} "
        f"{'effects':>7} {'expected':>8} {'wrong':>5} {'live':>4} {'overlap':>7} "
        f"{'ok p50/p95 ms':>15} {'409 p50/p95 ms':>15}"
    )
    print(head)
    print("-" * len(head))
    for r in rounds:
        print(
            f"{r.users:>4} {r.mode:<9} {r.sent:>5} {r.accepted:>5} {r.refused:>5} {r.other:>5} "
            f"{r.effects:>7} {r.expected:>8} {r.wrong:>5} {r.live_after:>4} {r.overlapping:>7} "
            f"{r.accepted_ms[0]:>7.0f}/{r.accepted_ms[1]:<7.0f} "
            f"{r.refused_ms[0]:>7.0f}/{r.refused_ms[1]:<7.0f}"
        )
    sound = all(
        r.other == 0
        and r.effects == r.expected
        and r.wrong == 0
        and r.live_after == 0
        and r.overlapping == 0
        and (r.mode != "shared" or r.accepted >= r.users)
        and (r.mode != "separate" or r.accepted == r.sent)
        for r in rounds
    )
    print(f"\nledger equals what was accepted, one live run per thread: {'yes' if sound else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--per-person", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "HEARTH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres"
        ),
    )
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"# {args.db}, {args.workers} uvicorn workers, {args.per_person} requests a person, "
        f"offline assistant; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"on {os.cpu_count()} cores"
    )
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.logs or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for users in (int(n) for n in args.users.split(",")):
            for mode in ("shared", "separate"):
                rounds.append(run_round(args, users, mode, folder))
    print_table(rounds)


if __name__ == "__main__":
    main()
