#!/usr/bin/env bash
# The static checks `make test` runs before the tests (and .pre-commit-config.yaml runs on commit):
# ruff's lint rules and formatter, and mypy (strict on engine/ and schemas/; see pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
