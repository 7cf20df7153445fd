"""Numbered schema migrations, applied in order on start ("created and upgraded automatically").

`schema_version` holds the number of the last migration applied (0 or no table: an empty database).
Each migration defines the tables it creates itself instead of importing `tables.py`, so it keeps
doing exactly what it did when it was written, however the current tables change later. To change the
schema, append a function to MIGRATIONS and update `tables.py` to match; never edit an old one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)


def _1_sessions(conn: Connection) -> None:
    """The first schema: one row per session with its specs, counters and blobs."""
    meta = MetaData()
    Table("schema_version", meta, Column("version", Integer, nullable=False))
    Table(
        "sessions",
        meta,
        Column("id", String(64), primary_key=True),
        Column("owner_token_hash", String(64), nullable=False),
        Column("status", String(16), nullable=False),
        Column("step", BigInteger, nullable=False),
        Column("epoch", BigInteger, nullable=False),
        Column("generation", Integer, nullable=False),
        Column("model", Text, nullable=False),
        Column("dataset", Text, nullable=False),
        Column("training", Text, nullable=False),
        Column("divergence", Text),
        Column("error", Text),
        Column("history", LargeBinary, nullable=False),
        Column("weights", LargeBinary, nullable=False),
        Column("optimizer", LargeBinary, nullable=False),
        Column("trainer_state", Text, nullable=False),
        Column("trainer_arrays", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


def _2_fork_origin(conn: Connection) -> None:
    """Forks record the session they came from."""
    conn.execute(text("ALTER TABLE sessions ADD COLUMN forked_from VARCHAR(64)"))
    conn.execute(text("CREATE INDEX ix_sessions_forked_from ON sessions (forked_from)"))


def _3_uploads(conn: Connection) -> None:
    """Uploaded data files, keyed by their SHA-256 so forks share one copy."""
    meta = MetaData()
    Table(
        "uploads",
        meta,
        Column("digest", String(64), primary_key=True),
        Column("name", String(255), nullable=False),
        Column("media_type", String(100), nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


def _4_retention(conn: Connection) -> None:
    """When a session was last opened (NULL: not since this migration; its updated_at stands in), and
    a note for each session the retention sweep deleted, so its link can say so."""
    conn.execute(text("ALTER TABLE sessions ADD COLUMN opened_at TIMESTAMP WITH TIME ZONE"))
    meta = MetaData()
    Table(
        "deleted_sessions",
        meta,
        Column("id", String(64), primary_key=True),
        Column("deleted_at", DateTime(timezone=True), nullable=False),
        Column("reason", Text, nullable=False),
    )
    meta.create_all(conn)


def _5_fencing(conn: Connection) -> None:
    """The fencing token of the last checkpoint written (several servers: the session's lease token
    then; NULL for a single server's writes), so a stale lease holder's write can be refused."""
    conn.execute(text("ALTER TABLE sessions ADD COLUMN fence BIGINT"))


# MIGRATIONS[i] takes a database from version i to version i + 1.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _1_sessions,
    _2_fork_origin,
    _3_uploads,
    _4_retention,
    _5_fencing,
)
LATEST = len(MIGRATIONS)
MIGRATION_LOCK = 0x4E50_4D49_4752  # "NPMIGR": the advisory lock key NeuroPlay's migrations take


class SchemaTooNew(RuntimeError):
    pass


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    version = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
    return int(version or 0)


def migrate(engine: Engine, target: int = LATEST) -> int:
    """Apply the missing migrations up to `target` in one transaction; returns the version reached.

    A database newer than this code is refused rather than misread.
    """
    with engine.connect() as conn:
        conn.execution_options(write_lock=True)  # SQLite: BEGIN IMMEDIATE, so two starting servers queue
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # Two servers starting on one empty database: the second waits here until the first
                # has committed, then finds the schema current (released with the transaction).
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            version = current_version(conn)
            if version > LATEST:
                raise SchemaTooNew(
                    f"the database is at schema version {version}, newer than this NeuroPlay knows "
                    f"({LATEST}); upgrade NeuroPlay or point NEUROPLAY_DATABASE_URL elsewhere"
                )
            if version >= target:
                return version
            for number in range(version, target):
                MIGRATIONS[number](conn)
            conn.execute(text("DELETE FROM schema_version"))
            conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": target})
            return target
