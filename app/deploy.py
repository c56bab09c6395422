"""Deploying Hearth. Two commands a host runs:

    python -m app.deploy release   # once per deploy: check settings, wait for the database,
                                   # apply migrations, create the admin from settings, check Redis
    python -m app.deploy serve     # the backend: HEARTH_WORKERS processes on one port

and one the image build runs, for nginx in front of the static frontend:

    python -m app.deploy nginx-headers BUILD_DIR   # $hearth_csp (the build's inline scripts
                                                   # by hash) and $hearth_hsts, for nginx

`release` exits non-zero with a message naming what is wrong, so a deploy stops before the
new version serves anything.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.accounts.cli import bootstrap
from app.accounts.errors import AccountError
from app.api.content_policy import HSTS, built_script_hashes, content_security_policy
from app.db.migrate import upgrade_to_head
from app.db.session import ensure_sqlite_dir
from app.settings import Settings, SettingsError, get_settings

_DATABASE_WAIT_S = float(os.environ.get("HEARTH_DEPLOY_WAIT_S", "60"))


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _wait_for_database(settings: Settings, wait_s: float) -> None:
    """Connect, retrying while the server starts (compose starts everything at once)."""
    ensure_sqlite_dir(settings.sync_database_url)
    engine = create_engine(settings.sync_database_url)
    deadline, error = time.monotonic() + wait_s, None
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return
            except Exception as exc:
                error = exc
            if time.monotonic() >= deadline:
                first_line = str(error).strip().splitlines()[0] if str(error).strip() else error
                raise SystemExit(
                    f"The database at {_shown(settings.sync_database_url)} did not answer "
                    f"in {wait_s:.0f} s: {first_line}"
                )
            time.sleep(1)
    finally:
        engine.dispose()


def _check_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except Exception as exc:
        raise SystemExit(f"Redis at {_shown(url)} did not answer: {exc}") from None
    finally:
        client.close()


def release(settings: Settings, wait_s: float = _DATABASE_WAIT_S) -> None:
    """Everything a new version needs before it serves."""
    print(f"Database: {_shown(settings.sync_database_url)}")
    _wait_for_database(settings, wait_s)
    upgrade_to_head(settings.database_url)
    print("Migrations: at head.")
    if settings.redis_url:
        _check_redis(settings.redis_url)
        print(f"Redis: {_shown(settings.redis_url)} answers; {settings.worker_count} worker(s).")
    else:
        print("Redis: not used (one worker, state in this process).")
    print(f"Assistant: {settings.resolved_provider}.")
    try:
        message = asyncio.run(bootstrap())
    except AccountError as exc:
        raise SystemExit(f"HEARTH_ADMIN_USERNAME / HEARTH_ADMIN_PASSWORD: {exc}") from None
    if message:
        print(message)


# A worker that dies (kill -9, out of memory) is started again by granian after this pause;
# one that dies again within granian's 5.5 s window ends the server (a crash loop), and the
# host's supervisor (systemd, compose's `restart: unless-stopped`) takes over.
RESPAWN_INTERVAL_S = 1.0


def build_frontend(port: int) -> None:
    """Build the pages into .web/build/client, talking to the backend on `port` of whatever
    host serves them (Reflex's `reflex export`, as `reflex run --env prod` builds them)."""
    reflex = os.path.join(os.path.dirname(sys.executable), "reflex")
    env = {**os.environ, "REFLEX_FRONTEND_PORT": str(port), "REFLEX_BACKEND_PORT": str(port)}
    subprocess.run(
        [reflex, "export", "--frontend-only", "--no-zip", "--env", "prod"], env=env, check=True
    )


def serve(settings: Settings, host: str, port: int, *, frontend: bool = False) -> None:
    """Serve the backend's workers (granian, Reflex's production server) until stopped;
    a dead worker is replaced, the others serving on meanwhile. With `frontend`, the pages
    are built first and served on the same port (what `make run` does).

    This is what `reflex run --env prod [--backend-only]` does, but with granian's respawn
    of failed workers on: Reflex builds its granian server without it, and one worker dying
    then ends every worker.
    """
    if frontend:
        build_frontend(port)
        print(f"Pages built: open http://{host}:{port}/ once a worker has started.")
    from granian.constants import Interfaces
    from granian.server import Server
    from reflex.istate.manager import reset_disk_state_manager
    from reflex.utils.exec import get_app_instance_from_file
    from reflex_base import constants
    from reflex_base.environment import environment

    # Read in every worker, as `reflex run` sets them: production mode, the pages already
    # built (by `build_frontend`, or elsewhere) and served here only with `frontend`.
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(frontend)
    os.environ.update(REFLEX_BACKEND_HOST=host, REFLEX_BACKEND_PORT=str(port))
    # Tabs' state from an earlier start is dropped, as `reflex run` does (with one worker
    # and no Redis it is kept on disk); a respawned worker keeps it.
    reset_disk_state_manager()
    print(f"Serving the backend on {host}:{port} with {settings.worker_count} worker(s).")
    sys.stdout.flush()
    Server(
        target=get_app_instance_from_file(),
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=settings.worker_count,
        respawn_failed_workers=True,
        respawn_interval=RESPAWN_INTERVAL_S,
    ).serve()


def nginx_headers(build_dir: Path) -> str:
    """The http-block variables deploy/nginx/locations.conf sends with the static pages: the
    same CSP the app sends (this build's inline scripts) and HSTS over https."""
    csp = content_security_policy(built_script_hashes(build_dir))
    return (
        f"# Generated by `python -m app.deploy nginx-headers` from {build_dir}: do not edit.\n"
        f'map $scheme $hearth_hsts {{\n    https "{HSTS}";\n    default "";\n}}\n'
        f'map $scheme $hearth_csp {{\n    default "{csp}";\n}}\n'
    )


def main(argv: list[str] | None = None) -> int:
    """`release`, `serve` or `nginx-headers`."""
    parser = argparse.ArgumentParser(prog="python -m app.deploy")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("release", help="check settings, migrate, create the admin, check Redis")
    serve_parser = commands.add_parser("serve", help="run the backend workers")
    serve_parser.add_argument("--host", default="0.0.0.0")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument(
        "--frontend", action="store_true", help="build the pages and serve them on the same port"
    )
    headers_parser = commands.add_parser(
        "nginx-headers", help="print the CSP and HSTS variables for nginx, from a frontend build"
    )
    headers_parser.add_argument("build_dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "nginx-headers":
        if not list(args.build_dir.glob("*.html")):
            print(f"{args.build_dir} holds no built pages (*.html): build first", file=sys.stderr)
            return 2
        print(nginx_headers(args.build_dir), end="")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "release":
        release(settings)
    else:
        serve(settings, args.host, args.port, frontend=args.frontend)
    return 0


if __name__ == "__main__":
    sys.exit(main())
