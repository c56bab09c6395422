"""Load: N users at once, each streaming a ~500-token reply; Hearth beside the naive pattern.

Both apps run as hosted: `reflex run --env prod`, state in Redis, two granian workers;
Hearth with its own fresh Postgres database. The provider is scripted (bench/scripted.py):
each user asks for its own reply ("stream 500 every P ms as TAG", P drawn from 25-40 ms) and
the provider records when it emitted each token. Every simulated user is a real socket.io
client on the app's /_event websocket (bench/load_client.py), signed in the way a browser
tab is: users and session tokens are created in the database, and the token reaches the
tab's state as the synced localStorage var in the hydrate event. The naive app
(bench/naive_app.py) appends every token to a list var inside `async with self`.

For each N (users sending within --ramp-s of each other, then streaming together) and each
pattern it prints:
  p50/p95/max  added latency, ms: client receipt minus the provider's emission of the token
               (one machine, one clock), over every token of every user,
  lost         tokens expected minus tokens received in order (must be 0),
  cpu          CPU of the backend's process group per wall second while streaming (cores;
               the machine has 2), beside Postgres, Redis, the client processes and the rest,
  KB/session   RSS of all backend processes after the N users connected and signed in, minus
               before, per user; and the Redis memory of those users' keys (MEMORY USAGE),
  errors       users whose connection failed, whose reply never finished, whose final text
               differed, or whose client raised,
  sched p95    receipt against the provider's schedule (start + i x pace): a provider that
               its consumer holds back (the naive handler pulls tokens one lock at a time)
               emits late, which added latency alone would not show,
then a second table (the provider falling behind its schedule, send to first token, connect
time, client loop lag, how busy the machine was before the round, backend CPU per token,
Postgres transactions per reply, Reflex state-lock warnings from the app's log, CPU of each
worker), and whether the target "100 concurrent streams with p95 added latency <= 250 ms and
nothing lost" was met.

Each round first waits for both backends to go idle and (up to --quiet-wait-s) for the rest
of the machine to be quiet, since anything else running on the two cores skews every number.

    python bench/load.py --users 10,50,100,200 [--json load.json] [--keep-logs DIR]
    python bench/load.py --quick            # a smoke run: 5 users, 100 tokens

`--providers scripted,chat,responses` runs Hearth's rounds with each provider: `scripted` is
the in-app provider above; `chat` and `responses` are the real providers (the `openai` client,
Hearth's SSE reader) reading bench/model_server.py, the fake OpenAI-compatible server, which
runs in a process of its own (its CPU is the `model` column, not Hearth's) and records when it
sent each token. The naive app runs with `scripted` only. The machine's other load is
printed with every round (load average before and after, CPU of everything else), and the
capacity of each pattern and provider: the largest N with p95 <= 250 ms and nothing lost.

Each app is restarted (with its production build) for every round, so a round's memory and
CPU are its own; a full run takes about 20 minutes on 2 cores. One client process keeps up
with 200 users here (see the client and lag columns); --client-procs spreads them out.

Needs Postgres and Redis (--postgres-url, --redis-url). The apps build into their own
folders under .web-tests/, so tests running beside the benchmark keep their .web.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from app.accounts.sessions import start_session  # noqa: E402
from app.accounts.users import create_user  # noqa: E402
from app.assistant.threads import create_thread  # noqa: E402
from app.db.migrate import upgrade_to_head  # noqa: E402
from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from app.urls import to_sync_url  # noqa: E402
from bench.load_client import (  # noqa: E402
    Frontend,
    GoReport,
    Pattern,
    UserResult,
    UserSpec,
    worker_main,
)
from bench.naive_project import naive_project  # noqa: E402
from tests.support.app_server import (  # noqa: E402
    database_url_for,
    free_port,
    separate_web_dir,
    start_app,
    stop_app,
)

CORES = os.cpu_count() or 1
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
PASSWORD = "a long password"
TARGET_USERS, TARGET_P95_MS = 100, 250.0
# Postgres 15 flushes an idle backend's statistics within 10 s (PGSTAT_IDLE_INTERVAL).
STATS_DELAY_S = 11.0
# The start of a round (for its own p95): while the users send, and this long after.
START_EXTRA_S = 2.0
_HASHES = re.compile(r"initialStateHashes=\[([^\]]*)\],stateSchema=[`\"']([0-9a-f]+)")
_PG_CLIENT = re.compile(r"\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]")


@dataclass
class App:
    """One running app: its URL and the process group of `reflex run` and its workers."""

    pattern: Pattern
    url: str
    proc: Any
    frontend: Frontend = field(default_factory=lambda: Frontend([], None))


@dataclass
class Round:
    """One pattern at one N: what the users saw and what the server spent."""

    pattern: str
    users: int
    tokens: int
    # Who answered: the scripted provider in the app, or the model server through the real
    # Chat Completions or Responses provider.
    provider: str = "scripted"
    connected: int = 0
    finished: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    lost_in_unfinished: int = 0
    # Finished replies whose live stream stopped short; the final message showed the rest.
    live_gaps: int = 0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    latency_max_ms: float = 0.0
    schedule_p95_ms: float = 0.0
    schedule_max_ms: float = 0.0
    # Added latency of the tokens emitted while the users were still sending (and for
    # START_EXTRA_S after), and of the rest: where the tail is.
    start_p95_ms: float = 0.0
    steady_p95_ms: float = 0.0
    provider_behind_max_ms: float = 0.0
    first_token_p95_ms: float = 0.0
    connect_p95_s: float = 0.0
    window_s: float = 0.0
    backend_cores: float = 0.0
    backend_cpu_ms_per_token: float = 0.0
    # The busiest backend processes (the two workers first, as a rule), cores each.
    backend_process_cores: list[float] = field(default_factory=list)
    postgres_cores: float = 0.0
    redis_cores: float = 0.0
    client_cores: float = 0.0
    other_cores: float = 0.0
    steal_cores: float = 0.0
    rss_kb_per_session: float = 0.0
    redis_kb_per_session: float = 0.0
    db_transactions_per_reply: float = 0.0
    lock_warnings: int = 0
    lock_expired: int = 0
    client_lag_p99_ms: float = 0.0
    client_lag_max_ms: float = 0.0
    settle_s: float = 0.0
    others_before_cores: float = 0.0
    model_cores: float = 0.0
    # os.getloadavg() (1, 5, 15 min) just before and just after the round's streaming.
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


# ---- the machine: CPU and memory from /proc ------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """CPU seconds (and RSS bytes) of the process sets a round looks at, at one moment."""

    at: float
    wall: float
    cpu: dict[str, float]
    rss: dict[str, int]
    busy: float
    steal: float
    # CPU seconds of each process of the backend groups, by pid.
    backend_cpu: dict[int, float]


def _machine_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine spent busy, and those the hypervisor took (steal)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq) / TICK, steal / TICK


def _ours_in_postgres(pid: str, database: str) -> bool:
    """A Postgres process serving our database, or one of the server's own (no client)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return database in title or not _PG_CLIENT.search(title)


def usage(
    groups: dict[str, int],
    client_pids: set[int],
    database: str = "",
    model_pids: frozenset[int] = frozenset(),
) -> Usage:
    """CPU and RSS of each backend process group, Postgres, Redis and the client processes.

    Postgres counts the server's own processes and the connections to `database`; Redis is
    the whole server (other users of this machine's Redis show up in it).
    """
    cpu: Counter[str] = Counter()
    rss: Counter[str] = Counter()
    backend_cpu: dict[int, float] = {}
    by_group = {group: name for name, group in groups.items()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, fields_text = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = fields_text.split()
        comm = head.split("(", 1)[1]
        name = by_group.get(int(fields[2]))  # pgrp
        if name is None:
            if comm.startswith("postgres") and _ours_in_postgres(entry.name, database):
                name = "postgres"
            elif comm == "redis-server":
                name = "redis"
            elif int(entry.name) in client_pids:
                name = "clients"
            elif int(entry.name) in model_pids:
                name = "model"
            else:
                continue
        seconds = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        cpu[name] += seconds
        rss[name] += int(fields[21]) * PAGE
        if name in groups:
            backend_cpu[int(entry.name)] = seconds
    busy, steal = _machine_seconds()
    return Usage(time.monotonic(), time.time(), dict(cpu), dict(rss), busy, steal, backend_cpu)


def redis_session_bytes(client: redis.Redis, tokens: set[str]) -> int:
    """Bytes of the Redis keys of these client tokens (state `{token}_{state}`, socket record)."""
    keys = [
        key
        for key in client.scan_iter(count=1000)
        if key[:36].decode(errors="replace") in tokens
        or key[-36:].decode(errors="replace") in tokens
    ]
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.memory_usage(key)
    return sum(size or 0 for size in pipe.execute())


class Sampler(threading.Thread):
    """Takes `usage` every second while the users stream."""

    def __init__(
        self,
        groups: dict[str, int],
        client_pids: set[int],
        database: str,
        model_pids: frozenset[int] = frozenset(),
    ) -> None:
        super().__init__(daemon=True)
        self.args = (groups, client_pids, database, model_pids)
        self.samples = [usage(*self.args)]
        self.stopping = threading.Event()

    def run(self) -> None:
        """Sample until stopped."""
        while not self.stopping.wait(1.0):
            self.samples.append(usage(*self.args))

    def stop(self) -> list[Usage]:
        """The samples, the last one taken now."""
        self.stopping.set()
        self.join()
        self.samples.append(usage(*self.args))
        return self.samples


def db_transactions(database_url: str) -> int:
    """Transactions committed or rolled back in the database so far (pg_stat_database)."""
    engine = create_engine(to_sync_url(database_url))
    try:
        with engine.connect() as conn:
            query = text(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :name"
            )
            return int(conn.execute(query, {"name": engine.url.database}).scalar() or 0)
    finally:
        engine.dispose()


def count_lock_trouble(log: Path) -> tuple[int, int]:
    """Reflex's "lock held too long" warnings and expired locks, from an app's log."""
    text_ = log.read_text(errors="replace") if log.exists() else ""
    return text_.count("was held too long"), text_.count("LockExpiredError: Lock expired")


def settle(groups: dict[str, int], limit_s: float = 240.0) -> float:
    """Wait until every backend is idle (< 5% of a core for a second); seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        before = usage(groups, set())
        time.sleep(1.0)
        after = usage(groups, set())
        if all(after.cpu.get(n, 0) - before.cpu.get(n, 0) < 0.05 for n in groups):
            break
    return time.monotonic() - started


def wait_for_quiet_machine(quiet_cores: float, limit_s: float) -> float:
    """Wait (up to limit_s) until the machine is busy less than quiet_cores for 3 s in a row;
    returns how busy it was over the last of those seconds (cores)."""
    deadline, calm, busy = time.monotonic() + limit_s, 0, 0.0
    while calm < 3 and time.monotonic() < deadline:
        before = _machine_seconds()[0]
        time.sleep(1.0)
        busy = _machine_seconds()[0] - before
        calm = calm + 1 if busy < quiet_cores else 0
    return busy


# ---- the apps, their users, the client processes ---------------------------------------------


def read_frontend(url: str) -> Frontend:
    """The state hashes and schema the built frontend sends with its hydrate event."""
    with urllib.request.urlopen(url + "/", timeout=30) as response:
        html = response.read().decode()
    for path in dict.fromkeys(re.findall(r"/assets/[\w.-]+\.js", html)):
        with urllib.request.urlopen(url + path, timeout=30) as response:
            found = _HASHES.search(response.read().decode())
        if found:
            return Frontend(re.findall(r"[0-9a-f]{16}", found.group(1)), found.group(2))
    print(f"  (no state hashes found in {url}'s bundle: hydrates send full snapshots)")
    return Frontend([], None)


def start(pattern: Pattern, folder: Path, env: dict[str, str], project: Path = ROOT) -> App:
    """Run one app as hosted (a fresh start: no memory or tasks left from an earlier round)."""
    started = time.monotonic()
    url, proc = start_app(
        folder, env, project=project, web_dir=separate_web_dir(f"bench-load-{pattern}")
    )
    print(f"  {pattern} serving at {url} after {time.monotonic() - started:.0f} s", flush=True)
    return App(pattern, url, proc, read_frontend(url))


async def _sign_up(database_url: str, count: int) -> list[tuple[int, str]]:
    """`count` people, each with a live session token (as if they had signed in)."""
    engine = create_engine_async(database_url)
    sessions = create_session_factory(engine)
    gate = asyncio.Semaphore(CORES)

    async def one(index: int) -> tuple[int, str]:
        async with gate, sessions() as session:
            user = await create_user(session, f"load{index:04d}", PASSWORD)
            return user.id or 0, await start_session(session, user)

    try:
        return list(await asyncio.gather(*(one(i) for i in range(count))))
    finally:
        await engine.dispose()


async def _new_threads(database_url: str, user_ids: list[int]) -> list[int]:
    """A fresh, empty thread for each person."""
    engine = create_engine_async(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return [(await create_thread(session, user_id)).id or 0 for user_id in user_ids]
    finally:
        await engine.dispose()


class Clients:
    """Client processes, each running its share of the users in one asyncio loop."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.procs = []
        for _ in range(count):
            mine, theirs = context.Pipe()
            proc = context.Process(target=worker_main, args=(theirs,), daemon=True)
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)

    @property
    def pids(self) -> set[int]:
        """The client processes' ids."""
        return {proc.pid for proc in self.procs if proc.pid}

    def ask(self, command: str, args: list[Any]) -> list[Any]:
        """Send each process its command, then collect every answer."""
        for pipe, arg in zip(self.pipes, args, strict=True):
            pipe.send((command, arg))
        return [pipe.recv() for pipe in self.pipes]

    def close(self) -> None:
        """End the processes."""
        for pipe in self.pipes:
            pipe.send(("quit", None))
        for proc in self.procs:
            proc.join(timeout=10)


# ---- one round -------------------------------------------------------------------------------


@dataclass
class Plan:
    """What every round asks for."""

    tokens: int
    pace_ms: tuple[float, float]
    ramp_s: float
    grace_s: float
    connect_concurrency: int
    seed: int
    quiet_cores: float
    quiet_wait_s: float


def _specs(
    app: App, n: int, plan: Plan, people: list[tuple[int, str]], threads: list[int]
) -> list[UserSpec]:
    """The n users of a round; both apps get the same paces for the same n."""
    rng = random.Random(f"{plan.seed}-{n}")
    specs = []
    for index in range(n):
        specs.append(
            UserSpec(
                tag=f"{app.pattern}-{n}-{index}",
                pattern=app.pattern,
                client_token=str(uuid.uuid4()),
                tokens=plan.tokens,
                pace_ms=round(rng.uniform(*plan.pace_ms), 1),
                start_delay_s=plan.ramp_s * index / n,
                session_token=people[index][1] if app.pattern == "hearth" else "",
                thread_id=threads[index] if app.pattern == "hearth" else 0,
            )
        )
    return specs


def _quantile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _latencies(
    spec: UserSpec, user: UserResult, emitted: list[float], round_: Round
) -> tuple[list[float], list[float], list[float]]:
    """Per token: receipt minus emission, and receipt minus the provider's schedule (ms); and
    the emission time of each token (as `added`)."""
    added, scheduled, when = [], [], []
    interval = spec.pace_ms / 1000
    seen = 0
    for at, good in user.arrivals:
        for index in range(seen, min(good, len(emitted))):
            added.append((at - emitted[index]) * 1000)
            scheduled.append((at - emitted[0] - index * interval) * 1000)
            when.append(emitted[index])
        seen = max(seen, good)
    behind = max((emitted[i] - emitted[0] - i * interval) * 1000 for i in range(len(emitted)))
    round_.provider_behind_max_ms = max(round_.provider_behind_max_ms, behind)
    return added, scheduled, when


def _tally(
    round_: Round,
    specs: list[UserSpec],
    users: list[UserResult],
    times_dir: Path,
    ramp_s: float,
) -> None:
    """Latency, loss and errors from what the users saw and what the provider recorded."""
    kinds: Counter[str] = Counter()
    added: list[float] = []
    scheduled: list[float] = []
    when: list[float] = []
    first: list[float] = []
    for spec, user in zip(specs, users, strict=True):
        problems = [user.error] if user.error else []
        if user.connected:
            round_.connected += 1
            round_.lost += spec.tokens - user.received
            round_.finished += user.done
            if not user.done:
                round_.lost_in_unfinished += spec.tokens - user.received
            elif user.live_received < spec.tokens:
                round_.live_gaps += 1
            if user.done and not user.final_ok:
                problems.append("final text differs from the stream")
            times = times_dir / f"times-{spec.tag}.json"
            if times.exists():
                emitted = json.loads(times.read_text())
                more_added, more_scheduled, more_when = _latencies(spec, user, emitted, round_)
                added += more_added
                scheduled += more_scheduled
                when += more_when
                first.append((emitted[0] - user.sent_at) * 1000)
            elif user.sent_at:
                problems.append("the provider recorded no reply")
        for problem in problems:
            kinds[problem.split(":", 1)[0] if problem.startswith("connect") else problem] += 1
        round_.errors += bool(problems)
    round_.error_kinds = dict(kinds)
    round_.latency_p50_ms = _quantile(added, 50)
    round_.latency_p95_ms = _quantile(added, 95)
    round_.latency_max_ms = max(added, default=0.0)
    round_.schedule_p95_ms = _quantile(scheduled, 95)
    round_.schedule_max_ms = max(scheduled, default=0.0)
    first_send = min((u.sent_at for u in users if u.sent_at), default=0.0)
    start_end = first_send + ramp_s + START_EXTRA_S
    at_start = [a for a, t in zip(added, when, strict=True) if t < start_end]
    after = [a for a, t in zip(added, when, strict=True) if t >= start_end]
    round_.start_p95_ms, round_.steady_p95_ms = _quantile(at_start, 95), _quantile(after, 95)
    round_.first_token_p95_ms = _quantile(first, 95)
    connects = [u.connect_s for u in users if u.connected]
    round_.connect_p95_s = _quantile(connects, 95)


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    return [items[index::parts] for index in range(parts)]


def _merge(shares: list[list[Any]]) -> list[Any]:
    """Undo _split: items back in their original order."""
    merged: list[Any] = []
    for index in range(max(len(s) for s in shares)):
        merged += [share[index] for share in shares if index < len(share)]
    return merged


def run_round(
    app: App,
    n: int,
    plan: Plan,
    people: list[tuple[int, str]],
    database_url: str,
    clients: Clients,
    redis_client: redis.Redis,
    times_dir: Path,
    provider: str = "scripted",
    model_pids: frozenset[int] = frozenset(),
) -> Round:
    """Connect n users, stream n replies at once, and measure."""
    round_ = Round(app.pattern, n, plan.tokens, provider)
    groups = {app.pattern: app.proc.pid}
    round_.settle_s = settle(groups)
    round_.others_before_cores = wait_for_quiet_machine(plan.quiet_cores, plan.quiet_wait_s)
    database = database_url.rsplit("/", 1)[-1]
    threads = []
    if app.pattern == "hearth":
        threads = asyncio.run(_new_threads(database_url, [uid for uid, _ in people[:n]]))
    specs = _specs(app, n, plan, people, threads)
    parts = len(clients.pipes)

    memory = usage(groups, set()).rss.get(app.pattern, 0)
    timeout_s = 60.0
    connect_args = [
        (app.url, app.frontend, share, plan.connect_concurrency, timeout_s)
        for share in _split(specs, parts)
    ]
    connected = _merge(clients.ask("connect", connect_args))
    signed_in = time.monotonic()
    settle(groups, limit_s=60.0)  # what signing in starts (thread list, rooms) has finished
    round_.rss_kb_per_session = (usage(groups, set()).rss.get(app.pattern, 0) - memory) / n / 1024
    tokens = {spec.client_token for spec in specs}
    round_.redis_kb_per_session = redis_session_bytes(redis_client, tokens) / n / 1024
    print(
        f"  {app.pattern} N={n}: {sum(u.connected for u in connected)} connected, streaming...",
        flush=True,
    )

    deadline_s = plan.ramp_s + plan.tokens * plan.pace_ms[1] / 1000 + plan.grace_s
    if app.pattern == "hearth":
        # Postgres reports an idle backend's statistics late.
        time.sleep(max(0.0, signed_in + STATS_DELAY_S - time.monotonic()))
    transactions = db_transactions(database_url) if app.pattern == "hearth" else 0
    sampler = Sampler(groups, clients.pids, database, model_pids)
    round_.load_before = os.getloadavg()
    sampler.start()
    reports: list[GoReport] = clients.ask("go", [(0.5, deadline_s)] * parts)
    samples = sampler.stop()
    round_.load_after = os.getloadavg()
    clients.ask("close", [None] * parts)
    users = _merge([r.users for r in reports])

    # Streaming ends with the last reply that finished (not at the deadline of one that hung).
    end = max((u.finished_at for u in users if u.done), default=samples[-1].wall)
    before = samples[0]
    after = next((s for s in samples if s.wall >= end), samples[-1])
    window = after.at - before.at
    round_.window_s = window

    def cores(name: str) -> float:
        return (after.cpu.get(name, 0) - before.cpu.get(name, 0)) / window

    round_.backend_cores = cores(app.pattern)
    round_.backend_cpu_ms_per_token = round_.backend_cores * window * 1000 / (n * plan.tokens)
    per_process = [
        (seconds - before.backend_cpu.get(pid, 0.0)) / window
        for pid, seconds in after.backend_cpu.items()
    ]
    round_.backend_process_cores = sorted((c for c in per_process if c >= 0.01), reverse=True)
    round_.postgres_cores, round_.redis_cores = cores("postgres"), cores("redis")
    round_.client_cores = cores("clients")
    round_.model_cores = cores("model")
    known = sum(cores(name) for name in (*groups, "postgres", "redis", "clients", "model"))
    round_.other_cores = (after.busy - before.busy) / window - known
    round_.steal_cores = (after.steal - before.steal) / window
    round_.client_lag_p99_ms = max(r.loop_lag_p99_ms for r in reports)
    round_.client_lag_max_ms = max(r.loop_lag_max_ms for r in reports)
    settle(groups, limit_s=60.0)  # replies still going write their times when they end
    if app.pattern == "hearth":
        time.sleep(max(0.0, STATS_DELAY_S - (time.monotonic() - samples[-1].at)))
        transactions = db_transactions(database_url) - transactions
        round_.db_transactions_per_reply = transactions / n
    _tally(round_, specs, users, times_dir, plan.ramp_s)
    for path in times_dir.glob("times-*.json"):
        path.unlink()
    return round_


# ---- output ----------------------------------------------------------------------------------


def _cores(value: float) -> str:
    return f"{value:.2f} ({value / CORES:.0%})"


def _by_process(r: Round) -> str:
    return "/".join(f"{c:.2f}" for c in r.backend_process_cores[:3]) or "-"


def _kinds(r: Round) -> str:
    return ", ".join(f"{kind} x{count}" for kind, count in r.error_kinds.items()) or "-"


# (header, width, cell) per column; a negative width aligns left.
def _who(r: Round) -> str:
    return r.pattern if r.provider == "scripted" else f"{r.pattern}/{r.provider}"


MAIN_COLUMNS: list[tuple[str, int, Callable[[Round], str]]] = [
    ("pattern", -17, _who),
    ("users", 6, lambda r: f"{r.users}"),
    ("p50 ms", 8, lambda r: f"{r.latency_p50_ms:.0f}"),
    ("p95 ms", 8, lambda r: f"{r.latency_p95_ms:.0f}"),
    ("max ms", 8, lambda r: f"{r.latency_max_ms:.0f}"),
    ("sched p95", 10, lambda r: f"{r.schedule_p95_ms:.0f}"),
    ("lost", 6, lambda r: f"{r.lost}"),
    ("backend cpu", 13, lambda r: _cores(r.backend_cores)),
    ("pg", 6, lambda r: f"{r.postgres_cores:.2f}"),
    ("redis", 6, lambda r: f"{r.redis_cores:.2f}"),
    ("client", 7, lambda r: f"{r.client_cores:.2f}"),
    ("model", 6, lambda r: f"{r.model_cores:.2f}"),
    ("other", 6, lambda r: f"{r.other_cores:.2f}"),
    ("steal", 6, lambda r: f"{r.steal_cores:.2f}"),
    ("KB/session", 11, lambda r: f"{r.rss_kb_per_session:.0f}"),
    ("redis KB", 9, lambda r: f"{r.redis_kb_per_session:.1f}"),
    ("errors", 7, lambda r: f"{r.errors}"),
]
DETAIL_COLUMNS: list[tuple[str, int, Callable[[Round], str]]] = [
    ("pattern", -17, _who),
    ("users", 6, lambda r: f"{r.users}"),
    ("sched max", 10, lambda r: f"{r.schedule_max_ms:.0f}"),
    ("p95 start/after", 16, lambda r: f"{r.start_p95_ms:.0f}/{r.steady_p95_ms:.0f}"),
    ("prov behind", 12, lambda r: f"{r.provider_behind_max_ms:.0f}"),
    ("lost unfin.", 12, lambda r: f"{r.lost_in_unfinished}"),
    ("live gaps", 10, lambda r: f"{r.live_gaps}"),
    ("send->1st p95", 14, lambda r: f"{r.first_token_p95_ms:.0f}"),
    ("connect p95", 12, lambda r: f"{r.connect_p95_s:.2f}s"),
    ("window", 8, lambda r: f"{r.window_s:.0f}s"),
    ("lag p99/max", 12, lambda r: f"{r.client_lag_p99_ms:.0f}/{r.client_lag_max_ms:.0f}"),
    ("busy before", 12, lambda r: f"{r.others_before_cores:.2f}"),
    ("load before/after", 18, lambda r: f"{r.load_before[0]:.1f}/{r.load_after[0]:.1f}"),
    ("ms cpu/token", 13, lambda r: f"{r.backend_cpu_ms_per_token:.2f}"),
    ("db tx/reply", 12, lambda r: f"{r.db_transactions_per_reply:.0f}"),
    ("locks slow/exp", 15, lambda r: f"{r.lock_warnings}/{r.lock_expired}"),
    ("  by process", -20, lambda r: "  " + _by_process(r)),
    ("errors by kind", -1, _kinds),
]


def _table(rounds: list[Round], columns: list[tuple[str, int, Callable[[Round], str]]]) -> None:
    def line(cells: list[str]) -> str:
        return "".join(
            f"{cell:<{-width}}" if width < 0 else f"{cell:>{width}}"
            for cell, (_, width, _) in zip(cells, columns, strict=True)
        )

    print("\n" + line([header for header, _, _ in columns]).rstrip())
    for r in rounds:
        print(line([cell(r) for _, _, cell in columns]).rstrip())


LEGEND = """\
ms: added latency, provider emission to client receipt. sched: receipt against the provider's
  schedule (start + i x pace), which also counts a provider its consumer holds back (prov behind).
  p95 start/after: of the tokens emitted while the users sent (--ramp-s) and {start_extra:g} s
  after, and of the rest.
cpu: cores of {cores} while streaming; pg = our database's connections and the server's own
  processes; client = {procs} client process(es); model = the fake model server (its own
  process, not Hearth's); other = the rest of the machine; steal = what
  the hypervisor took from this VM. ms cpu/token: backend CPU per token delivered.
KB/session: backend RSS growth per signed-in user; redis KB: MEMORY USAGE of the users' keys.
lost: tokens expected minus received in order; lost unfin.: the part of it in replies still
  unfinished at the deadline (--grace-s past their due end). live gaps: replies whose live text
  stopped short and whose final message showed the rest (received late, not lost).
window: first send to the last finished reply (what cpu is averaged over). busy before: cores
  the machine was busy just before the round; load: os.getloadavg() (1 min) just before and
  after streaming. lag: the client loop's wake-up delay (ms).
db tx/reply: Postgres transactions in Hearth's database per reply while streaming.
locks slow/exp: Reflex's "lock held too long" (> 1 s) warnings and expired state locks (> 10 s:
  the handler's changes are dropped) in the app's log. by process: cores of the busiest backend
  processes (the two workers)."""


def print_tables(rounds: list[Round], client_procs: int, setup: str) -> None:
    """The compact table, the details, a legend, and the target line."""
    print(f"\n{setup}")
    _table(rounds, MAIN_COLUMNS)
    _table(rounds, DETAIL_COLUMNS)
    print("\n" + LEGEND.format(cores=CORES, procs=client_procs, start_extra=START_EXTRA_S))
    for line in capacity_lines(rounds):
        print(line)
    print(target_line(rounds))


def capacity_lines(rounds: list[Round]) -> list[str]:
    """Per pattern and provider: the largest N measured with p95 <= the target and nothing
    lost (no errors either)."""
    lines = []
    for who in dict.fromkeys(_who(r) for r in rounds):
        mine = [r for r in rounds if _who(r) == who]
        good = [
            r.users
            for r in mine
            if r.latency_p95_ms <= TARGET_P95_MS and r.lost == 0 and r.errors == 0
        ]
        tried = ", ".join(str(r.users) for r in mine)
        best = f"{max(good)} users" if good else "none of the sizes"
        lines.append(
            f"Capacity {who}: {best} (largest N with p95 <= {TARGET_P95_MS:.0f} ms and nothing "
            f"lost; tried {tried})."
        )
    return lines


def target_line(rounds: list[Round]) -> str:
    """Whether Hearth met the target at 100 users (or that it was not measured)."""
    hearth = [r for r in rounds if r.pattern == "hearth" and r.users == TARGET_USERS]
    if not hearth:
        return f"Target ({TARGET_USERS} concurrent streams): not measured in this run."
    lines = []
    for r in hearth:
        met = r.latency_p95_ms <= TARGET_P95_MS and r.lost == 0 and r.errors == 0
        lines.append(
            f"Target {TARGET_USERS} concurrent streams, p95 added latency <= "
            f"{TARGET_P95_MS:.0f} ms, nothing lost: {'MET' if met else 'NOT MET'} by {_who(r)} "
            f"(p95 {r.latency_p95_ms:.0f} ms, lost {r.lost}, errors {r.errors})."
        )
    return "\n".join(lines)


# ---- main ------------------------------------------------------------------------------------


PROVIDERS = ("scripted", "chat", "responses")


def _who_of(pattern: str, provider: str) -> str:
    return pattern if provider == "scripted" else f"{pattern}/{provider}"


def _lanes(providers: list[str], patterns: list[Pattern]) -> list[tuple[str, Pattern]]:
    """(provider, pattern) of every round at one N: the naive app has no real provider."""
    return [
        (provider, pattern)
        for provider in providers
        for pattern in patterns
        if provider == "scripted" or pattern == "hearth"
    ]


def provider_env(provider: str, model_url: str) -> dict[str, str]:
    """The settings that make Hearth answer with this provider."""
    if provider == "scripted":
        return {}
    return {
        "HEARTH_PROVIDER_FACTORY": "",
        "HEARTH_PROVIDER": provider,
        "HEARTH_BASE_URL": model_url,
        "HEARTH_API_KEY": "bench-key",
        "HEARTH_MODEL": "bench-model",
        # No follow-ups request after the reply: the model server answers bench prompts only.
        "HEARTH_FOLLOW_UPS_TIMEOUT_S": "0",
    }


def start_model_server(log: Path, times_dir: Path) -> tuple[str, subprocess.Popen]:
    """bench/model_server.py in a process (and process group) of its own; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.model_server", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "BENCH_TIMES_DIR": str(times_dir), "PYTHONPATH": str(ROOT)},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return base_url, proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the model server did not start:\n{log.read_text()[-2000:]}")


def _pace(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    """Start both apps, run every N for each, print and save the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10,50,100,200", help="N values, comma-separated")
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--pace-ms", default="25-40", help="per-user pace, drawn from LOW-HIGH")
    parser.add_argument("--ramp-s", type=float, default=2.0, help="users send within this")
    parser.add_argument("--grace-s", type=float, default=180.0, help="past a reply's due end")
    parser.add_argument("--patterns", default="hearth,naive")
    parser.add_argument(
        "--providers",
        default="scripted",
        help="who answers Hearth: scripted (in the app), chat and/or responses (the real "
        "providers reading bench/model_server.py in a process of its own); the naive app "
        "runs with scripted only",
    )
    parser.add_argument("--client-procs", type=int, default=1)
    parser.add_argument("--connect-concurrency", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 users, 100 tokens")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--keep-logs", type=Path, help="copy each app's log into this folder")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet-cores", type=float, default=0.3, help="wait for the machine")
    parser.add_argument("--quiet-wait-s", type=float, default=300.0)
    args = parser.parse_args()
    if args.quick:
        args.users, args.tokens, args.ramp_s = "5", 100, 0.5
    counts = [int(n) for n in args.users.split(",")]
    providers = [p for p in args.providers.split(",") if p]
    for name in providers:
        if name not in PROVIDERS:
            parser.error(f"--providers: {name!r} is not one of {', '.join(PROVIDERS)}")
    patterns: list[Pattern] = [p for p in ("hearth", "naive") if p in args.patterns.split(",")]
    plan = Plan(
        args.tokens,
        _pace(args.pace_ms),
        args.ramp_s,
        args.grace_s,
        args.connect_concurrency,
        args.seed,
        args.quiet_cores,
        args.quiet_wait_s,
    )
    began = time.monotonic()
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        times_dir = tmp / "times"
        times_dir.mkdir()
        env = {
            "HEARTH_PROVIDER_FACTORY": "bench.scripted:build",
            "BENCH_TIMES_DIR": str(times_dir),
            "PYTHONPATH": str(ROOT),
            "REFLEX_REDIS_URL": args.redis_url,
            "HEARTH_WORKERS": str(args.workers),
        }
        database_url = database_url_for(tmp / "hearth", args.postgres_url)
        envs = {"hearth": {**env, "HEARTH_DATABASE_URL": database_url}, "naive": env}
        projects = {"hearth": ROOT, "naive": naive_project(tmp)}
        redis_client = redis.Redis.from_url(args.redis_url)
        clients = Clients(args.client_procs)
        people = []
        model: subprocess.Popen | None = None
        model_url = ""
        try:
            if any(p != "scripted" for p in providers):
                model_url, model = start_model_server(tmp / "model.log", times_dir)
            if "hearth" in patterns:
                upgrade_to_head(database_url)
                print(f"signing up {max(counts)} people...", flush=True)
                people = asyncio.run(_sign_up(database_url, max(counts)))
            model_pids = frozenset({model.pid}) if model is not None else frozenset()
            for n in counts:
                for provider, pattern in _lanes(providers, patterns):
                    name = pattern if provider == "scripted" else f"{pattern}-{provider}"
                    print(f"{name}, {n} users: starting the app...", flush=True)
                    folder = tmp / f"{name}-{n}"
                    env = {**envs[pattern], **provider_env(provider, model_url)}
                    app = start(pattern, folder, env, projects[pattern])
                    try:
                        rounds.append(
                            run_round(
                                app,
                                n,
                                plan,
                                people,
                                database_url,
                                clients,
                                redis_client,
                                times_dir,
                                provider,
                                model_pids,
                            )
                        )
                    finally:
                        stop_app(app.proc)
                        last = rounds[-1] if rounds else None
                        if last and (last.users, _who(last)) == (n, _who_of(pattern, provider)):
                            trouble = count_lock_trouble(folder / "app.log")
                            rounds[-1].lock_warnings, rounds[-1].lock_expired = trouble
                        if args.keep_logs:
                            args.keep_logs.mkdir(parents=True, exist_ok=True)
                            shutil.copy(folder / "app.log", args.keep_logs / f"{name}-{n}.log")
        finally:
            clients.close()
            if model is not None:
                model.terminate()
                model.wait(10)
    wall = time.monotonic() - began
    setup = (
        f"{args.tokens} tokens per user at {args.pace_ms} ms/token, sent within {args.ramp_s:g} s; "
        f"each app hosted (prod, Redis, {args.workers} workers; Hearth on Postgres), "
        "restarted for every round"
    )
    print_tables(rounds, args.client_procs, setup)
    print(f"wall time {wall:.0f} s")
    if args.json:
        config = {**vars(args), "cores": CORES, "wall_s": wall}
        config = {k: str(v) if isinstance(v, Path) else v for k, v in config.items()}
        out = {
            "config": config,
            "rounds": [asdict(r) for r in rounds],
            "target": target_line(rounds),
        }
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
