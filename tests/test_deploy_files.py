"""The files a host deploys with (Docker cannot run here, so they are checked as files; the
processes and nginx configuration they start are exercised by tests/ui/test_multi_worker.py)."""

from __future__ import annotations

import getpass
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from app.api.content_policy import STATIC_HEADERS, content_security_policy, script_hash
from app.settings import Settings
from tests.support.app_server import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _known_variables() -> set[str]:
    known = {"OPENAI_API_KEY", "REFLEX_REDIS_URL", "REFLEX_API_URL"}
    for name, field in Settings.model_fields.items():
        known.add(f"HEARTH_{name.upper()}")
        alias = field.validation_alias
        known |= set(getattr(alias, "choices", []) or [])
    return known


def test_compose_sets_only_variables_hearth_reads() -> None:
    compose = _compose()
    environment = compose["services"]["app"]["environment"]
    unknown = set(environment) - _known_variables()
    assert not unknown, f"compose.yaml sets variables Hearth does not read: {unknown}"
    assert compose["services"]["release"]["environment"] == environment


def test_compose_runs_the_release_before_the_app_and_the_proxy_after_it_is_healthy() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "release", "app", "proxy"}
    assert services["release"]["command"] == ["python", "-m", "app.deploy", "release"]
    assert services["app"]["depends_on"]["release"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"
    env = services["app"]["environment"]
    assert env["HEARTH_REDIS_URL"].startswith("redis://redis:")
    assert env["HEARTH_DATABASE_URL"].startswith("postgresql://hearth:${POSTGRES_PASSWORD")


def test_the_dockerfile_copies_files_that_exist_and_serves_the_health_checked_backend() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, flags=re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is missing"
    assert 'CMD ["python", "-m", "app.deploy", "serve"' in dockerfile
    assert "/api/health" in dockerfile
    assert "reflex export --frontend-only" in dockerfile


def _production_nginx(tmp_path: Path, static: Path, port: int) -> Path:
    """hearth.conf as the proxy image runs it (headers generated from `static`), with its
    upstream pointed at loopback, inside a whole nginx.conf of its own."""
    headers = subprocess.run(
        [sys.executable, "-m", "app.deploy", "nginx-headers", str(static)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    (tmp_path / "headers.conf").write_text(headers.stdout)
    conf = (ROOT / "deploy" / "nginx" / "hearth.conf").read_text()
    conf = conf.replace("server app:8000;", "server 127.0.0.1:9;")
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("root /srv/hearth;", f"root {static};")
    conf = conf.replace("/etc/nginx/hearth/headers.conf", str(tmp_path / "headers.conf"))
    conf = conf.replace(
        "/etc/nginx/hearth/locations.conf", str(ROOT / "deploy" / "nginx" / "locations.conf")
    )
    (tmp_path / "hearth.conf").write_text(conf)
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = f"""
{user}
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
{temp}
    include {tmp_path}/hearth.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main)
    return tmp_path / "nginx.conf"


def test_the_production_nginx_config_is_valid(tmp_path: Path) -> None:
    """hearth.conf, checked by Debian's `nginx -t`."""
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text("<script>hydrate()</script>")
    conf = _production_nginx(tmp_path, static, 18080)
    check = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(conf)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_nginx_sends_the_apps_security_headers_with_the_static_pages(tmp_path: Path) -> None:
    """The pages nginx serves itself carry what the app sends: the CSP allowing exactly the
    build's inline scripts, nosniff, no referrer, no framing; HSTS only over https."""
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text('<script>hydrate()</script><script src="/assets/a.js">')
    (static / "__spa-fallback.html").write_text("<script>fallback()</script>")
    (static / "assets" / "a.js").write_text("export {};")
    port = free_port()
    nginx = subprocess.Popen(
        ["/usr/sbin/nginx", "-c", str(_production_nginx(tmp_path, static, port))],
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/", "nginx", nginx, tmp_path / "error.log")
        csp = content_security_policy([script_hash("fallback()"), script_hash("hydrate()")])
        for path in ("/", "/chat/12", "/assets/a.js"):
            response = httpx.get(f"http://127.0.0.1:{port}{path}")
            assert response.status_code == 200, (path, response.status_code)
            assert response.headers["content-security-policy"] == csp, path
            for name, value in STATIC_HEADERS.items():
                assert response.headers[name] == value, (path, name)
            assert "strict-transport-security" not in response.headers
        assert httpx.get(f"http://127.0.0.1:{port}/nowhere.js").status_code == 200
        missing = httpx.get(f"http://127.0.0.1:{port}/assets/missing.js")
        assert missing.status_code == 404
        assert missing.headers["x-content-type-options"] == "nosniff"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
