"""Local first, model second: how soon each path answers, and how much it asks the model.

Every phrasing is asked, each in a new thread, through (a) the model alone and (b) hybrid
mode, with the app's own wiring (`build_services`: runner, engine, tools, a migrated SQLite
database) against the fake OpenAI server in a process of its own. The fake plays a model that
understands every phrasing (it plans the same tool calls the offline assistant would) with a
realistic delay: `--first-token-ms` before each response's first chunk, `--chunk-ms` between
chunks. `--lanes` people ask at once, so local answers are timed while model requests are in
flight. Then the hybrid again, the way a household meets it: one person asks what the device
answered, one message at a time, while `--model-lanes` others keep the model streaming.

Times run from the moment the message is sent (`Runner.start_run`) to the first text and to
the first effect (for commands that change a room), as the run's feed receives them (the
view's own flush interval, the same for both paths, comes on top). CPU is this process's
(the app's; the fake model runs elsewhere). The offline assistant alone is timed too, as the
floor the hybrid's local answers are measured against.

    python bench/hybrid.py [--first-token-ms 800] [--chunk-ms 25] [--lanes 4] [--model-lanes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.assistant.events import EffectRecorded, RunFinished, TextDelta  # noqa: E402
from app.db.migrate import upgrade_to_head  # noqa: E402
from app.db.models import Run  # noqa: E402
from app.services import Services, build_services  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.fakes.openai_server import Call, FakeOpenAI, Turn  # noqa: E402
from tests.support.people import owned_thread, person  # noqa: E402

PHRASING_CASES = ROOT / "tests/assistant/providers/offline/phrasing_cases.yaml"
ROOMS = ["bathroom", "bedroom", "home office", "kitchen", "living room"]
ONLY_A_MODEL = [
    "is it cosy at home?",
    "what should I set the bedroom to for sleeping?",
    "hello",
    "what's the weather",
    "I'm cold, can you help?",
    "is the kitchen warmer than the bedroom?",
    "make it comfortable for a baby in the bedroom",
    "why is the bathroom so cold?",
]


def phrasings() -> list[str]:
    """What people ask: every one-message case of the phrasing suite (tests/assistant/
    providers/offline/phrasing_cases.yaml), and some only a model understands."""
    cases = yaml.safe_load(PHRASING_CASES.read_text(encoding="utf-8"))
    understood = [case["say"] for case in cases if isinstance(case["say"], str)]
    return understood + ONLY_A_MODEL


# The fake model: its own process, so its CPU is not the app's.


def _plan(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The model's next tool calls for this request ([]: answer in words): it plans as the
    offline assistant does, so both paths do the same work."""
    from app.assistant.providers.offline.plan import first_round, second_round
    from app.assistant.understanding.context import resolve
    from app.assistant.understanding.parser import Understanding

    messages = body["messages"]
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    outputs = [json.loads(m["content"]) for m in messages[last_user + 1 :] if m["role"] == "tool"]
    understanding = Understanding("en")
    asked = [m["content"] for m in messages if m["role"] == "user"][-6:]
    turn = resolve([understanding.read(text, ROOMS) for text in asked])
    first = first_round(turn, ROOMS)
    if not outputs:
        calls = first
    elif len(outputs) == len(first):
        calls = second_round(turn, list(zip(first, outputs, strict=True)))
    else:
        calls = []
    return [(call.tool, call.arguments) for call in calls]


_ANSWER = "Here is what I found: it is all as you would like it at home."


def _model_turn(first_delay_s: float, chunk_s: float) -> Any:
    def turn(body: dict[str, Any]) -> Turn:
        planned = _plan(body)
        if not planned:
            text = [f"{word} " for word in _ANSWER.split()]
            return Turn(text=text, first_delay_s=first_delay_s, delay_s=chunk_s)
        return Turn(
            # Ids unique in the conversation, as a real model's are.
            calls=[
                Call(name, json.dumps(arguments), call_id=f"call_{uuid.uuid4().hex[:12]}")
                for name, arguments in planned
            ],
            first_delay_s=first_delay_s,
            delay_s=chunk_s,
        )

    return turn


def _serve_model(port: int, first_delay_s: float, chunk_s: float) -> None:
    FakeOpenAI(port=port, fallback=_model_turn(first_delay_s, chunk_s)).start()
    while True:
        time.sleep(3600)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the fake model did not listen on port {port} in {timeout_s} s")


# The app side.


@dataclass
class Asked:
    """One phrasing asked: how long to what, and who answered."""

    text: str
    first_text_ms: float | None
    effect_ms: float | None
    answered_by: str
    status: str
    error: str | None


async def _ask(services: Services, user_id: int, text: str) -> Asked:
    async with services.sessions() as session:
        thread_id = (await owned_thread(session)).id or 0
    sent = time.perf_counter()
    run = await services.runner.start_run(thread_id, text, user_id=user_id)
    first_text = effect = None
    status, error = "?", None
    # The feed as the run publishes it, not at a viewer's flush interval.
    async with aclosing(services.feed.follow(run.run_id, 5.0, 0.0)) as batches:
        async for batch in batches:
            now = (time.perf_counter() - sent) * 1000
            for event in batch or []:
                if isinstance(event, TextDelta) and first_text is None:
                    first_text = now
                elif isinstance(event, EffectRecorded) and effect is None:
                    effect = now
                elif isinstance(event, RunFinished):
                    status, error = event.status, event.error
            if status != "?":
                break
    await run.finished()
    async with services.sessions() as session:
        row = await session.get(Run, run.run_id)
    return Asked(text, first_text, effect, row.provider if row else "?", status, error)


async def _path(settings: Settings, texts: Sequence[str], lanes: int) -> tuple[list[Asked], float]:
    services = build_services(settings)
    async with services.sessions() as session:
        user_id = await person(session)
    # Warm up (sentence data, the HTTP client) outside the timing.
    await _ask(services, user_id, "list the rooms")
    await _ask(services, user_id, "hello")
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in texts:
        queue.put_nowait(text)
    results: list[Asked] = []

    async def lane() -> None:
        while not queue.empty():
            results.append(await _ask(services, user_id, queue.get_nowait()))

    cpu = time.process_time()
    await asyncio.gather(*(lane() for _ in range(lanes)))
    cpu = time.process_time() - cpu
    await services.runner.idle()
    await services.feed.close()
    await services.sessions.kw["bind"].dispose()
    return results, cpu


async def _alongside(
    settings: Settings, local_texts: Sequence[str], model_texts: Sequence[str], model_lanes: int
) -> tuple[list[Asked], list[Asked]]:
    """One person asks what the device answers, one message at a time, while `model_lanes`
    others keep the model busy (each asking the next of the phrasings written for a model as
    soon as their last is answered; the device answers the one or two of them it can): the
    local answers, and the others' answered meanwhile."""
    services = build_services(settings)
    async with services.sessions() as session:
        user_id = await person(session)
    await _ask(services, user_id, "list the rooms")
    done = asyncio.Event()
    served: list[Asked] = []

    async def model_lane(offset: int) -> None:
        n = offset
        while not done.is_set():
            served.append(await _ask(services, user_id, model_texts[n % len(model_texts)]))
            n += model_lanes

    lanes = [asyncio.create_task(model_lane(n)) for n in range(model_lanes)]
    # The model's requests are in flight (streaming, or waiting for its first chunk).
    await asyncio.sleep(1.0)
    local = [await _ask(services, user_id, text) for text in local_texts]
    done.set()
    await asyncio.gather(*lanes)
    await services.runner.idle()
    await services.feed.close()
    await services.sessions.kw["bind"].dispose()
    return local, served


def _p(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]:.0f}"


def _row(label: str, asked: list[Asked], cpu: float | None = None) -> str:
    texts = [a.first_text_ms for a in asked if a.first_text_ms is not None]
    effects = [a.effect_ms for a in asked if a.effect_ms is not None]
    local = sum(a.answered_by in ("hybrid:offline", "offline") for a in asked)
    failed = sum(a.status != "completed" for a in asked)
    share = f"{100 * local / len(asked):.0f}%" if asked else "-"
    return (
        f"{label:<26}{len(asked):>5}{share:>7}{_p(texts, 0.5):>8}{_p(texts, 0.95):>8}"
        f"{len(effects):>5}{_p(effects, 0.5):>8}{_p(effects, 0.95):>8}"
        f"{'' if cpu is None else f'{cpu:.2f}':>8}{failed:>7}"
    )


_LABELS = {"chat": "model only", "hybrid": "hybrid", "offline": "offline only (reference)"}


def _settings(url: str, provider: str, port: int) -> Settings:
    return Settings(
        database_url=url,
        provider=provider,
        model_api="chat",
        base_url=f"http://127.0.0.1:{port}/v1",
        api_key="bench",
        model="bench-model",
    )


async def main(first_token_ms: float, chunk_ms: float, lanes: int, model_lanes: int) -> None:
    texts = phrasings()
    answered_here: list[str] = []
    port = _free_port()
    model = multiprocessing.get_context("spawn").Process(
        target=_serve_model, args=(port, first_token_ms / 1000, chunk_ms / 1000), daemon=True
    )
    model.start()
    try:
        _wait_for_port(port)
        print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        print(
            f"{len(texts)} phrasings, {lanes} asking at once; fake model: {first_token_ms:.0f} ms "
            f"to first chunk, {chunk_ms:.0f} ms between chunks"
        )
        print(
            f"{'path':<26}{'asked':>5}{'local':>7}{'text50':>8}{'text95':>8}"
            f"{'effs':>5}{'eff50':>8}{'eff95':>8}{'CPU s':>8}{'failed':>7}   (ms)"
        )
        for provider in ("chat", "hybrid", "offline"):
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
                upgrade_to_head(url)
                asked, cpu = await _path(_settings(url, provider, port), texts, lanes)
            print(_row(_LABELS[provider], asked, cpu))
            if provider == "hybrid":
                local = [a for a in asked if a.answered_by == "hybrid:offline"]
                answered_here = [a.text for a in local]
                print(_row("  answered on this device", local))
                print(_row("  answered by the model", [a for a in asked if a not in local]))
        print(
            f"\nHybrid, one person asking what the device answered above ({len(answered_here)}), "
            f"one message at a time, while {model_lanes} others keep the model busy:"
        )
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            upgrade_to_head(url)
            local, served = await _alongside(
                _settings(url, "hybrid", port), answered_here, ONLY_A_MODEL, model_lanes
            )
        print(_row("  asked on this device", local))
        print(_row("  the others, meanwhile", served))
        print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    finally:
        model.terminate()
        model.join(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-token-ms", type=float, default=800)
    parser.add_argument("--chunk-ms", type=float, default=25)
    parser.add_argument("--lanes", type=int, default=4)
    parser.add_argument("--model-lanes", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(
        main(arguments.first_token_ms, arguments.chunk_ms, arguments.lanes, arguments.model_lanes)
    )
