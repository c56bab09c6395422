"""How long a Stop recorded in the database takes to end a run that another process drives.

Another tab or worker can only write `cancelling`; the engine polls for it. Measured with the
real engine, a migrated SQLite database and the fake OpenAI server (real HTTP and SSE), while
the model streams and while it is silent (waiting for its first token):

    python bench/stop_latency.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.assistant.config import EngineConfig  # noqa: E402
from app.assistant.events import RunFinished, TextDelta  # noqa: E402
from app.assistant.runs import request_stop  # noqa: E402
from app.db.migrate import upgrade_to_head  # noqa: E402
from app.db.session import create_engine_async, create_session_factory  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, Turn  # noqa: E402
from tests.support.model_harness import Harness  # noqa: E402


async def _one(harness: Harness, fake: FakeOpenAI, silent: bool) -> float:
    if silent:
        fake.script(Turn(text=["late"], delay_s=30))
    else:
        fake.script(Turn(text=[f"w{i} " for i in range(2000)], delay_s=0.01))
    started = asyncio.Event()
    run_id = user_id = 0
    ended_at = 0.0

    async def drive() -> None:
        nonlocal run_id, user_id, ended_at
        async for event in harness.ask_stream("go"):
            if event.kind == "run_started":
                run_id, user_id = event.run_id, event.user_id
                if silent:
                    started.set()
            if isinstance(event, TextDelta):
                started.set()
            if isinstance(event, RunFinished):
                ended_at = time.perf_counter()

    task = asyncio.create_task(drive())
    await started.wait()
    await asyncio.sleep(0.1)
    async with harness.sessions() as session:
        stopped_at = time.perf_counter()
        await request_stop(session, run_id, user_id)
    await task
    return (ended_at - stopped_at) * 1000


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_to_head(url)
        engine = create_engine_async(url)
        sessions = create_session_factory(engine)
        with FakeOpenAI() as fake:
            # Production's rhythms, not the tests' quicker ones.
            config = EngineConfig.from_settings()
            harness = Harness(
                sessions,
                fake,
                "chat",
                stop_poll_interval_s=config.stop_poll_interval_s,
                stream_flush_interval_s=config.stream_flush_interval_s,
            )
            for silent in (False, True):
                times = [await _one(harness, fake, silent) for _ in range(runs)]
                label = "model silent   " if silent else "model streaming"
                print(
                    f"{label}: stop -> run ended: p50 {statistics.median(times):.0f} ms, "
                    f"p95 {statistics.quantiles(times, n=20)[18]:.0f} ms, "
                    f"max {max(times):.0f} ms ({runs} runs)"
                )
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args().runs))
