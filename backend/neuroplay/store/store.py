"""Saving and loading checkpoints through SQLAlchemy Core, so one code path serves SQLite (the default:
one file under the data directory, no server) and PostgreSQL (NEUROPLAY_DATABASE_URL)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from ..schemas.dataset import DatasetSpec
from ..schemas.errors import Problem
from ..schemas.model import NetworkSpec
from ..schemas.session import Divergence
from ..schemas.training import TrainingConfig
from . import codec, tables
from .checkpoint import Checkpoint, utc_now
from .migrations import migrate

MAX_ID_LENGTH = 64


class StoreError(RuntimeError):
    """A saved row that cannot be read back; the message names the session and the reason."""


class StaleWrite(RuntimeError):
    """A checkpoint whose fencing token is older than the one last written for its session: the
    writer lost the session's lease to another node, whose state must not be overwritten."""


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(Path(data_dir) / 'neuroplay.db').resolve()}"


def _problem(column: str | None) -> Problem | None:
    """A saved session's error: a Problem as JSON, or (saved by a version before error codes) the
    English sentence alone, shown under code paused_by_error."""
    if not column:
        return None
    if column.startswith("{"):
        return Problem.model_validate_json(column)
    return Problem(code="paused_by_error", message=column)


def _utc(value: datetime) -> datetime:
    # SQLite keeps no time zone: every timestamp written here is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _retry_while_locked(statement: Callable[[], object], timeout: float) -> None:
    """Run `statement` again while SQLite says the database is locked. Switching a new file to WAL
    takes an exclusive lock for which SQLite does not call the busy handler: two connections
    opening one empty database at once (the migrations' own test) saw "database is locked"."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_engine(url: str, busy_timeout: float) -> Engine:
    """SQLite with WAL (readers never wait for the writer; a killed process loses no committed
    transaction), synchronous=NORMAL (safe against process crashes, which is what we guard against),
    and real transactions around DDL too (pysqlite would otherwise commit before each CREATE)."""
    parsed = make_url(url)
    memory = parsed.database in (None, "", ":memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        if not memory:
            _retry_while_locked(lambda: cursor.execute("PRAGMA journal_mode=WAL"), busy_timeout)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("write_lock", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """Thread-safe: each call takes its own connection from the engine's pool."""

    def __init__(self, url: str, busy_timeout: float = 30.0) -> None:
        """`busy_timeout`: how long a write waits for a lock another program holds before failing."""
        self.url = url
        if make_url(url).get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(url, busy_timeout)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self.schema_version = migrate(self.engine)

    # ---- sessions ----
    def save(self, cp: Checkpoint) -> None:
        """Insert or replace the session's row (created_at is kept from the first save). With a
        fencing token (`cp.fence`), the row is replaced only if no larger token was written before:
        the database makes that check in the same UPDATE, so two nodes cannot both pass it. Raises
        StaleWrite (writing nothing) otherwise."""
        values = self.row(cp)
        s = tables.sessions
        # write_lock (SQLite: BEGIN IMMEDIATE): the read below must not start a snapshot that the
        # UPDATE then has to upgrade; an upgrade fails at once ("database is locked") when another
        # connection wrote meanwhile, instead of waiting out the busy timeout
        with self.engine.execution_options(write_lock=True).begin() as conn:
            deleted = select(tables.deleted_sessions.c.id).where(tables.deleted_sessions.c.id == cp.id)
            if conn.execute(deleted).first() is not None:
                return  # deleted by the retention sweep: a late checkpoint must not bring it back
            current = s.c.id == cp.id
            if cp.fence is not None:
                current = current & (s.c.fence.is_(None) | (s.c.fence <= cp.fence))
            changed = conn.execute(
                update(s).where(current).values({k: v for k, v in values.items() if k not in ("id", "created_at")})
            ).rowcount
            if changed:
                return
            if cp.fence is not None and conn.execute(select(s.c.fence).where(s.c.id == cp.id)).first() is not None:
                raise StaleWrite(f"session {cp.id}: a checkpoint under lease token {cp.fence} came after a newer one")
            conn.execute(insert(s).values(values))

    def load(self, session_id: str) -> Checkpoint | None:
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(tables.sessions).where(tables.sessions.c.id == session_id)).mappings().first()
        if row is None:
            return None
        try:
            return self._checkpoint(row)
        except Exception as exc:  # a row written by another version, or damaged by hand
            raise StoreError(f"saved session {session_id!r} cannot be read: {type(exc).__name__}: {exc}") from exc

    def exists(self, session_id: str) -> bool:
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return False
        with self.engine.connect() as conn:
            found = conn.execute(select(tables.sessions.c.id).where(tables.sessions.c.id == session_id)).first()
        return found is not None

    def fence_of(self, session_id: str) -> tuple[bool, int | None]:
        """Whether the session is saved, and the fencing token of its last write (None: never fenced)."""
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return False, None
        with self.engine.connect() as conn:
            row = conn.execute(select(tables.sessions.c.fence).where(tables.sessions.c.id == session_id)).first()
        return (False, None) if row is None else (True, row[0])

    def saved_running(self) -> list[str]:
        """Sessions whose last checkpoint was written while they trained (a node stopped or died
        since, unless one trains them now: cluster/failover.py asks their leases)."""
        with self.engine.connect() as conn:
            query = select(tables.sessions.c.id).where(tables.sessions.c.status == "running")
            return [row[0] for row in conn.execute(query).all()]

    # ---- retention (sessions/retention.py decides; these only read and write) ----
    def mark_opened(self, session_id: str, when: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(tables.sessions).where(tables.sessions.c.id == session_id).values(opened_at=when))

    def retention_candidates(self, unused_since: datetime) -> list[str]:
        """Saved sessions last opened (or, never opened since migration 4, last saved) before
        `unused_since`, not saved as running, and that no saved session was forked from."""
        s, child = tables.sessions, tables.sessions.alias("child")
        last_seen = func.coalesce(s.c.opened_at, s.c.updated_at)
        query = (
            select(s.c.id)
            .where(last_seen < unused_since, s.c.status != "running")
            .where(~select(child.c.id).where(child.c.forked_from == s.c.id).exists())
        )
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(query).all()]

    def delete_session(self, session_id: str, reason: str) -> bool:
        """Remove the session's row (its checkpoint) and leave a note saying why; one transaction.
        False if a fork of it appeared meanwhile or it was saved running again (it stays)."""
        s, child = tables.sessions, tables.sessions.alias("child")
        with self.engine.execution_options(write_lock=True).begin() as conn:
            gone = conn.execute(
                delete(s).where(
                    s.c.id == session_id,
                    s.c.status != "running",
                    ~select(child.c.id).where(child.c.forked_from == session_id).exists(),
                )
            ).rowcount
            if gone:
                conn.execute(insert(tables.deleted_sessions).values(id=session_id, deleted_at=utc_now(), reason=reason))
        return bool(gone)

    def deletion(self, session_id: str) -> tuple[datetime, str] | None:
        """When and why a session was deleted, if it was."""
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        d = tables.deleted_sessions
        with self.engine.connect() as conn:
            row = conn.execute(select(d.c.deleted_at, d.c.reason).where(d.c.id == session_id)).first()
        return (_utc(row[0]), row[1]) if row is not None else None

    # ---- uploaded files ----
    def put_upload(self, data: bytes, name: str, media_type: str) -> str:
        """Keep an uploaded file once; returns its SHA-256 hex digest, by which sessions refer to it."""
        digest = hashlib.sha256(data).hexdigest()
        try:
            with self.engine.execution_options(write_lock=True).begin() as conn:  # read, then write
                known = conn.execute(select(tables.uploads.c.digest).where(tables.uploads.c.digest == digest)).first()
                if known is None:
                    conn.execute(
                        insert(tables.uploads).values(
                            digest=digest,
                            name=name[:255],
                            media_type=media_type[:100],
                            data=data,
                            created_at=utc_now(),
                        )
                    )
        except IntegrityError:
            pass  # the same file arrived twice at once: the other insert kept it
        return digest

    def get_upload(self, digest: str) -> bytes | None:
        with self.engine.connect() as conn:
            return conn.execute(select(tables.uploads.c.data).where(tables.uploads.c.digest == digest)).scalar()

    def has_upload(self, digest: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(tables.uploads.c.digest).where(tables.uploads.c.digest == digest)).first()
                is not None
            )

    def upload_bytes(self) -> int:
        """The size of every kept upload together."""
        with self.engine.connect() as conn:
            total = conn.execute(select(func.coalesce(func.sum(func.length(tables.uploads.c.data)), 0))).scalar()
            return int(total or 0)

    def upload_size(self, digest: str) -> int:
        with self.engine.connect() as conn:
            size = conn.execute(
                select(func.length(tables.uploads.c.data)).where(tables.uploads.c.digest == digest)
            ).scalar()
        return int(size or 0)

    def referenced_uploads(self, except_session: str | None = None) -> set[str]:
        """The digests of the uploads saved sessions use (all but `except_session`)."""
        query = select(tables.sessions.c.id, tables.sessions.c.dataset).where(
            tables.sessions.c.dataset.like('%"digest"%')
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        digests = set()
        for session_id, dataset in rows:
            upload = json.loads(dataset).get("upload") or {}
            if session_id != except_session and upload.get("digest"):
                digests.add(upload["digest"])
        return digests

    def delete_uploads_except(
        self, keep: set[str], older_than_seconds: float, regardless_of_age: frozenset[str] = frozenset()
    ) -> list[str]:
        """Delete the uploads not in `keep` that were stored longer ago than `older_than_seconds`,
        or are named in `regardless_of_age`. Returns the digests that went."""
        cutoff = utc_now() - timedelta(seconds=older_than_seconds)
        with self.engine.execution_options(write_lock=True).begin() as conn:  # read, then write
            rows = conn.execute(select(tables.uploads.c.digest, tables.uploads.c.created_at)).all()
            unused = [
                digest
                for digest, created in rows
                if digest not in keep and (_utc(created) < cutoff or digest in regardless_of_age)
            ]
            if unused:
                conn.execute(delete(tables.uploads).where(tables.uploads.c.digest.in_(unused)))
        return unused

    def close(self) -> None:
        self.engine.dispose()

    # ---- row <-> checkpoint ----
    @staticmethod
    def row(cp: Checkpoint) -> dict[str, Any]:
        """The database row of a checkpoint (the `sessions` table's columns)."""
        return {
            "id": cp.id,
            "owner_token_hash": cp.owner_token_hash,
            "status": cp.status,
            "step": cp.step,
            "epoch": cp.epoch,
            "generation": cp.generation,
            "model": cp.model.model_dump_json(),
            "dataset": cp.dataset.model_dump_json(),
            "training": cp.training.model_dump_json(),
            "divergence": cp.divergence.model_dump_json() if cp.divergence is not None else None,
            "error": cp.error.model_dump_json() if cp.error is not None else None,
            "history": codec.encode_history(cp.history),
            "weights": codec.encode_arrays(cp.weights),
            "optimizer": codec.encode_arrays(cp.optimizer),
            "trainer_state": codec.encode_json(dict(cp.trainer_state)),
            "trainer_arrays": codec.encode_arrays(cp.trainer_arrays),
            "created_at": cp.created_at,
            "updated_at": cp.updated_at,
            "forked_from": cp.forked_from,
            "fence": cp.fence,
        }

    @staticmethod
    def _checkpoint(row: Any) -> Checkpoint:
        return Checkpoint(
            id=row["id"],
            owner_token_hash=row["owner_token_hash"],
            status=row["status"],
            step=int(row["step"]),
            epoch=int(row["epoch"]),
            generation=int(row["generation"]),
            model=NetworkSpec.model_validate_json(row["model"]),
            dataset=DatasetSpec.model_validate_json(row["dataset"]),
            training=TrainingConfig.model_validate_json(row["training"]),
            divergence=Divergence.model_validate_json(row["divergence"]) if row["divergence"] else None,
            error=_problem(row["error"]),
            history=codec.decode_history(row["history"]),
            weights=codec.decode_arrays(row["weights"]),
            optimizer=codec.decode_arrays(row["optimizer"]),
            trainer_state=codec.decode_json(row["trainer_state"]),
            trainer_arrays=codec.decode_arrays(row["trainer_arrays"]),
            forked_from=row["forked_from"],
            fence=int(row["fence"]) if row["fence"] is not None else None,
            created_at=_utc(row["created_at"]),
            updated_at=_utc(row["updated_at"]),
        )
