"""Hearth as a host runs it, without Docker: the static frontend, backend processes started by
`python -m app.deploy serve`, Postgres, Redis, and Debian's nginx with deploy/nginx/locations.conf
in front, all on 127.0.0.1.

Which backend a browser's requests (its websocket included) go to is chosen by a cookie,
`hearth_worker=<name>`, so a test can put two tabs on two different workers.
"""

from __future__ import annotations

import getpass
import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from app.deploy import nginx_headers
from tests.support.app_server import (
    LOCAL_POSTGRES_URL,
    LOCAL_REDIS_URL,
    ROOT,
    database_url_for,
    free_port,
    separate_web_dir,
    wait_until_answering,
)

NGINX = "/usr/sbin/nginx"
LOCATIONS = ROOT / "deploy" / "nginx" / "locations.conf"
START_TIMEOUT_S = 120


@dataclass
class Backend:
    """One backend (`python -m app.deploy serve`), its own process group."""

    name: str
    port: int
    proc: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL, the whole group: no chance to finish anything."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    """The proxy's address and the backends behind it."""

    url: str
    database_url: str
    backends: dict[str, Backend] = field(default_factory=dict)


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        **extra,
    }


def export_frontend(public_url: str, folder: Path) -> Path:
    """`reflex export --frontend-only` with the proxy's address baked in; returns the files."""
    web_dir = separate_web_dir("cluster")
    log = folder / "export.log"
    env = _env({"HEARTH_PUBLIC_URL": public_url, "REFLEX_WEB_WORKDIR": str(web_dir)})
    reflex = str(Path(sys.executable).parent / "reflex")
    with log.open("w") as out:
        done = subprocess.run(
            [reflex, "export", "--frontend-only", "--no-zip"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0:
        raise RuntimeError(f"reflex export failed:\n{log.read_text()[-3000:]}")
    return web_dir / "build" / "client"


def start_backend(name: str, env: dict[str, str], folder: Path) -> Backend:
    """One backend process on a free port, as `python -m app.deploy serve` runs it."""
    port = free_port()
    log = folder / f"backend-{name}.log"
    command = [sys.executable, "-m", "app.deploy", "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    backend = Backend(name, port, proc, log)
    try:
        wait_until_answering(
            f"http://127.0.0.1:{port}/api/health", f"backend {name}", proc, log, START_TIMEOUT_S
        )
    except BaseException:
        backend.stop()
        raise
    return backend


def nginx_config(port: int, static: Path, backends: dict[str, Backend], folder: Path) -> str:
    """A whole nginx.conf: Hearth's locations, and the cookie choosing the backend."""
    upstreams = "\n".join(
        f"    upstream hearth_{b.name} {{ server 127.0.0.1:{b.port}; keepalive 8; }}"
        for b in backends.values()
    )
    first = next(iter(backends))
    choices = "\n".join(f"        {b} hearth_{b};" for b in backends)
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    return f"""
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
{upstreams}
    include {folder}/headers.conf;
    map $cookie_hearth_worker $hearth_backend {{
        default hearth_{first};
{choices}
    }}
    server {{
        listen 127.0.0.1:{port};
        root {static};
        include {LOCATIONS};
    }}
}}
"""


def start_nginx(port: int, static: Path, backends: dict[str, Backend], folder: Path):
    """Debian's nginx on 127.0.0.1:port, checked with `nginx -t` first."""
    conf = folder / "nginx.conf"
    (folder / "headers.conf").write_text(nginx_headers(static))
    conf.write_text(nginx_config(port, static, backends, folder))
    test = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{test.stderr}")
    log = folder / "nginx.out"
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf)], stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    wait_until_answering(f"http://127.0.0.1:{port}/api/health", "nginx", proc, log, START_TIMEOUT_S)
    return proc


def start_cluster(
    folder: Path, stack: ExitStack, names: tuple[str, ...], extra_env: dict[str, str]
) -> Cluster:
    """Migrate a fresh Postgres database, export the frontend, start the backends and nginx."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = database_url_for(folder, LOCAL_POSTGRES_URL)
    env = _env(
        {
            "HEARTH_DATABASE_URL": database_url,
            "HEARTH_REDIS_URL": LOCAL_REDIS_URL,
            "HEARTH_WORKERS": "1",
            "HEARTH_LOG_FORMAT": "json",
            **extra_env,
        }
    )
    release = subprocess.run(
        [sys.executable, "-m", "app.deploy", "release"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if release.returncode != 0:
        raise RuntimeError(f"release failed:\n{release.stdout}\n{release.stderr}")
    static = export_frontend(url, folder)
    cluster = Cluster(url, database_url)
    for name in names:
        backend = start_backend(name, env, folder)
        stack.callback(backend.stop)
        cluster.backends[name] = backend
    nginx = start_nginx(port, static, cluster.backends, folder)
    stack.callback(_stop_nginx, nginx)
    return cluster


def _stop_nginx(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
