"""A real PostgreSQL for the tests: the server on 127.0.0.1:5432 when it answers (this machine, CI),
otherwise a private one started from Debian's package (scripts/setup.sh --test installs it) in a
temporary folder on a free port. Each test then gets a database of its own, dropped afterwards."""

from __future__ import annotations

import contextlib
import glob
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .conftest import free_port

SHARED = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or (
        [shutil.which(name)] if shutil.which(name) else []
    )
    if not found:
        raise RuntimeError(
            f"no PostgreSQL answers on 127.0.0.1:5432 and {name} is not installed: run scripts/setup.sh --test "
            "(it installs Debian's postgresql)"
        )
    return found[-1]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """The admin URL (database `postgres`) of a PostgreSQL the tests may create databases on."""
    if _answers(SHARED):
        yield SHARED
        return
    folder = Path(tempfile.mkdtemp(prefix="neuroplay-pg-"))
    data, port = folder / "data", free_port()
    shutil.chown(folder, "postgres")
    run = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run, _binary("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*run, _binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"], check=True
    )
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the private PostgreSQL did not answer:\n{(folder / 'log').read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        subprocess.run([*run, _binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """An empty database of its own on that server, dropped afterwards (with whatever still uses it)."""
    name = "neuroplay_test_" + secrets.token_hex(6)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
