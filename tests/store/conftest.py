"""Store tests run on SQLite, and also on PostgreSQL when NEUROPLAY_TEST_POSTGRES_URL names an empty
database the tests may fill and wipe (e.g. postgresql+psycopg://user@127.0.0.1:5432/neuroplay_test,
with `pip install 'psycopg[binary]'`): the same code must serve both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("NEUROPLAY_TEST_POSTGRES_URL")


def _wipe(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("sessions", "uploads", "schema_version"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'neuroplay.db'}"
        return
    _wipe(POSTGRES_URL)
    yield POSTGRES_URL
    _wipe(POSTGRES_URL)
