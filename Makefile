# The few commands a newcomer needs. `make run` and `make test` are the two set-up
# commands of the README: each creates the virtual environment it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test lint format clean benchmark

## Install, migrate, load the sample data when the database is empty, and serve on :8000.
run: $(VENV)/.installed
	$(BIN)/unactions seed
	$(BIN)/unactions serve 127.0.0.1:8000

## Install with the test tools and run the whole test suite (set DATABASE_URL for PostgreSQL).
test: $(VENV)/.installed-dev
	scripts/ensure-chromium
	$(BIN)/pytest

## Benchmark against Datasette (not part of the tests): make benchmark SIZES="10000 100000"
SIZES ?= 10000 100000 1000000
benchmark: $(VENV)/.installed-dev
	$(PIP) -e '.[dev,benchmark]'
	$(BIN)/python -m benchmarks.run --sizes $(SIZES)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
