# The two commands of README.md: `make run` and `make test`. Each installs what it needs first.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DATA_DIR ?= data

.PHONY: run test bench schemas

run:
	bash scripts/setup.sh
	$(PY) -m neuroplay serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

test:
	bash scripts/setup.sh --test
	$(PY) -m pytest -q

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
