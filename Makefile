# 督导通 — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small
PYTEST_ARGS ?=

.PHONY: install demo serve worker test test-pg lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	@touch $(STAMP)

## install: create .venv and install the application and its test tools
install: $(STAMP)

# A local development .env (DEBUG on, a generated secret key), written once if there is none,
# so that `.venv/bin/python manage.py …` works without prefixes. Never used in production.
.env:
	@echo "== writing a development .env (DUDAO_DEBUG=1, a generated secret key)"
	@{ echo "# Written by make demo for local development only (see .env.example for every variable)."; \
	  echo "DUDAO_DEBUG=1"; \
	  echo "DUDAO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	} > .env

## demo: install, migrate, load the templates and a small demo city, print accounts, serve :8000
## (with the background worker beside the server; Ctrl+C stops both)
demo: install .env
	@mkdir -p var
	DUDAO_DEBUG=1 $(PY) manage.py migrate --noinput
	DUDAO_DEBUG=1 $(PY) manage.py load_template --all
	DUDAO_DEBUG=1 DUDAO_FAST_PASSWORD_HASHER=$${DUDAO_FAST_PASSWORD_HASHER:-0} $(PY) manage.py seed_demo --scale $(SCALE)
	@echo "打开 http://$(HOST):$(PORT)/ ，用上面列出的演示账号登录。按 Ctrl+C 停止。"
	@$(MAKE) --no-print-directory serve

## serve: serve the existing database without re-seeding, with the background worker beside it
serve: install
	DUDAO_DEBUG=1 $(PY) manage.py run_worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	  DUDAO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## worker: only the background worker (imports, periodic jobs); run several on PostgreSQL
worker: install
	DUDAO_DEBUG=1 $(PY) manage.py run_worker

## test: install and run the whole suite (browser tests skip, with a message, without chromium)
test: install
	DUDAO_DEBUG=0 DUDAO_SECRET_KEY=test-only-secret DUDAO_AUDIT_KEY=$${DUDAO_AUDIT_KEY:-test-only-audit-key} DUDAO_FAST_PASSWORD_HASHER=1 \
	  $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## lint: ruff, and the import-linter contracts of pyproject.toml (dependencies point one way)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: every benchmark (generates the city-scale demo into var/bench_city.sqlite3 when missing)
bench: install
	@mkdir -p var
	DUDAO_DEBUG=0 DUDAO_SECRET_KEY=bench-only DUDAO_AUDIT_KEY=$${DUDAO_AUDIT_KEY:-bench-only-audit-key} DUDAO_FAST_PASSWORD_HASHER=1 $(PY) -m bench.run_all

clean:
	rm -rf var/static .pytest_cache
