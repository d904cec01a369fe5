# orderworks: `make demo` runs the product with demo data; `make test` runs the whole suite.
# Both start from a fresh clone on Debian with python3 (3.11+) and make: everything else is installed here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: one per core (each gets its own SQLite files and PostgreSQL database).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: demo test install system-deps lint bench serve clean lock

demo: $(STAMP)
	$(BIN)/orderworks demo --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/orderworks db upgrade
	$(BIN)/orderworks serve --host $(HOST) --port $(PORT)

install: $(STAMP)

# The virtualenv, from the lock file. Debian's python3 may lack venv/ensurepip: install it when we can (root).
$(STAMP): requirements/dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "orderworks needs Python 3.11 or newer"; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
		{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && apt-get update -q && apt-get install -y -q python3-venv; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements/dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Debian packages the tests read PDFs and drive a browser with (added as those areas land).
system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/lint-imports

test: $(STAMP) system-deps
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/place_orders.py

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.lock -q
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/prod.lock -q

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
