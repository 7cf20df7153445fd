#!/usr/bin/env bash
# The static checks `make test` runs before the tests (and .pre-commit-config.yaml runs on commit):
# ruff's lint rules and formatter, mypy (strict on engine/ and schemas/; see pyproject.toml), and the
# frontend's type check (tsc --checkJs over the JSDoc, with frontend/types/wire.d.ts from the schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
(cd frontend && node_modules/.bin/tsc -p .)
