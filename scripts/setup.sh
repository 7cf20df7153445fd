#!/usr/bin/env bash
# Installs what NeuroPlay needs, idempotently: .venv with the backend, the frontend's npm packages,
# and with `--test` the test tools and (where missing) Debian's Chromium; `--bench` adds PyTorch.
# Works on a fresh Debian machine with Python 3.11 and Node 20, as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0; want_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --bench) want_bench=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
[ -n "$python_bin" ] || { echo "setup.sh: Python 3.11 not found" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  if ! "$python_bin" -m venv .venv >/dev/null 2>&1; then
    # Debian ships venv separately from the interpreter.
    rm -rf .venv
    apt_install python3-venv "$(basename "$python_bin")-venv" || apt_install python3-venv
    "$python_bin" -m venv .venv
  fi
fi

extras=""
[ "$want_test" = 1 ] && extras="test"
[ "$want_bench" = 1 ] && extras="${extras:+$extras,}bench"
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  touch "$stamp"
fi

if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$want_test" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# The store and persistence tests also run on a real PostgreSQL: the one on 127.0.0.1:5432 when it
# answers, else a private server the tests start from Debian's package (tests/postgres.py).
if [ "$want_test" = 1 ] && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null \
    && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  apt_install postgresql
fi

# The many-servers tests run on a real Redis: the one on 127.0.0.1:6379 when it answers, else a
# private one the tests start from Debian's package (tests/redis_server.py).
if [ "$want_test" = 1 ] && ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && ! command -v redis-server >/dev/null; then
  apt_install redis-server
fi

# The classroom's proxy is checked for real: deploy/nginx.conf in front of two nodes (tests/cluster/).
if [ "$want_test" = 1 ] && ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  apt_install nginx-light
fi
