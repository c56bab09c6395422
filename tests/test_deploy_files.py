"""The files a host deploys with (Docker cannot run here, so they are checked as files; the
processes and nginx configuration they start are exercised by tests/ui/test_multi_worker.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from app.settings import Settings

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


def test_the_production_nginx_config_is_valid(tmp_path: Path) -> None:
    """hearth.conf with its upstream pointed at loopback, checked by Debian's `nginx -t`."""
    conf = (ROOT / "deploy" / "nginx" / "hearth.conf").read_text()
    conf = conf.replace("server app:8000;", "server 127.0.0.1:8000;")
    conf = conf.replace("listen 80;", "listen 127.0.0.1:18080;")
    conf = conf.replace(
        "/etc/nginx/hearth/locations.conf", str(ROOT / "deploy" / "nginx" / "locations.conf")
    )
    (tmp_path / "hearth.conf").write_text(conf)
    main = f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    include {tmp_path}/hearth.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main)
    check = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
