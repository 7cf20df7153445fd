"""One server per SQLite file: two processes would each overwrite the other's checkpoints without
noticing (each saves whole rows). The lock is an OS file lock, so it goes away with the process, even
after a hard kill."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url


class DatabaseInUse(RuntimeError):
    pass


def lock_database(url: str) -> IO[bytes] | None:
    """Hold an exclusive lock beside a SQLite database file for as long as the returned file stays
    open; None for other databases (PostgreSQL serves many clients by design)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    lock_path = Path(parsed.database).with_suffix(".lock")
    handle = open(lock_path, "ab")  # noqa: SIM115 (held open for the server's lifetime: the lock)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DatabaseInUse(
            f"another NeuroPlay server is using {parsed.database}; stop it, or give this one another "
            "--data-dir or NEUROPLAY_DATABASE_URL"
        ) from None
    return handle


class ClusterNeedsSharedDatabase(DatabaseInUse):
    pass


def refuse_sqlite_with_redis(settings: Any) -> None:
    """Several servers share one classroom only through PostgreSQL: SQLite's file is one server's."""
    if make_url(settings.resolved_database_url()).get_backend_name() == "sqlite":
        raise ClusterNeedsSharedDatabase(
            "NEUROPLAY_REDIS_URL makes this server one of several, which must share a PostgreSQL database: "
            "set NEUROPLAY_DATABASE_URL=postgresql+psycopg://user@host/db (SQLite is one server's)"
        )
