# The two commands of README.md: `make run` and `make test`. Each installs what it needs first.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DATA_DIR ?= data

.PHONY: run test test-fast lint bench schemas

run:
	bash scripts/setup.sh
	$(PY) -m neuroplay serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

test:
	bash scripts/setup.sh --test
	bash scripts/lint.sh
	$(PY) -m pytest -q

# The edit-test loop: engine, data and schema tests only (under a minute); not a substitute for `make test`.
test-fast:
	bash scripts/setup.sh --test
	$(PY) -m pytest -q -m fast

# What `make test` checks before the tests: ruff (lint and format) and mypy.
lint:
	bash scripts/setup.sh --test
	bash scripts/lint.sh

# Benchmarks (not part of the test suite; they print ratios against references measured in the same run).
bench:
	bash scripts/setup.sh --test --bench
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_session.py
	$(PY) benchmarks/bench_browser.py

# Regenerate shared_schemas/ from the pydantic models.
schemas:
	bash scripts/setup.sh
	$(PY) -m neuroplay schemas
