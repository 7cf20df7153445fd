"""Schema created and upgraded automatically: an older database is brought up to date with its rows."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from neuroplay.store import Store, tables
from neuroplay.store.migrations import LATEST, SchemaTooNew, migrate

from .helpers import assert_same, make_checkpoint


def _columns(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {name: {c["name"] for c in inspector.get_columns(name)} for name in inspector.get_table_names()}
    finally:
        engine.dispose()


def test_a_new_database_gets_exactly_the_current_tables(database_url: str) -> None:
    url = database_url
    store = Store(url)
    store.close()
    assert store.schema_version == LATEST
    want = {t.name: {c.name for c in t.columns} for t in tables.metadata.sorted_tables}
    assert _columns(url) == want


def test_a_version_1_database_is_upgraded_and_keeps_its_sessions(database_url: str) -> None:
    url = database_url
    engine = create_engine(url)
    assert migrate(engine, target=1) == 1
    cp = make_checkpoint()
    with engine.begin() as conn:
        old_sessions = Table("sessions", MetaData(), autoload_with=conn)
        assert "forked_from" not in old_sessions.c  # really the old layout
        row = {k: v for k, v in Store.row(cp).items() if k not in ("forked_from", "fence")}  # later columns
        conn.execute(insert(old_sessions).values(row))
    engine.dispose()

    store = Store(url)  # opening upgrades
    try:
        assert store.schema_version == LATEST
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version FROM schema_version")).scalar() == LATEST
        loaded = store.load(cp.id)
        assert loaded is not None and loaded.forked_from is None
        assert_same(cp, loaded)
        want = {t.name: {c.name for c in t.columns} for t in tables.metadata.sorted_tables}
        assert _columns(url) == want
    finally:
        store.close()


def test_reopening_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    url = database_url
    Store(url).close()
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM schema_version")).scalar() == 1
    finally:
        store.close()


def test_a_database_from_a_newer_version_is_refused(database_url: str) -> None:
    url = database_url
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = :v"), {"v": LATEST + 1})
    engine.dispose()
    with pytest.raises(SchemaTooNew, match=f"version {LATEST + 1}"):
        Store(url)


def test_the_tables_compile_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in tables.metadata.sorted_tables:
        assert "CREATE TABLE" in str(CreateTable(table).compile(dialect=dialect))
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))


def test_concurrent_migrations_of_one_empty_database_run_once(database_url: str) -> None:
    """Four stores opening one empty database at the same moment (PostgreSQL: the advisory lock;
    SQLite: BEGIN IMMEDIATE): no duplicate tables, one version row."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: Store(database_url), range(4)))
    assert {s.schema_version for s in stores} == {LATEST}
    for s in stores:
        s.close()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert [row[0] for row in conn.execute(text("SELECT version FROM schema_version"))] == [LATEST]
    engine.dispose()
