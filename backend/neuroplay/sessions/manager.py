"""All sessions of one server: live ones in memory, every one in the store; owner tokens; watch hubs.

Owned by the app (app.state.sessions), never a module global. Tokens are stored as SHA-256 hashes.
Memory holds at most `max_sessions` sessions: beyond that the least recently used ones that nobody
runs or watches are unloaded. Nothing is lost by that, or by a restart: `get` loads a session that is
not in memory from its last checkpoint.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..data.upload_cache import ParsedUploads
from ..schemas.error_codes import coded
from ..schemas.errors import Problem
from ..store import Checkpoint, CheckpointWriter, Store
from ..store.checkpoint import utc_now
from ..store.failures import cause_of, kind_of, save_failure_message
from .build import Specs
from .capture import capture
from .cluster_holding import ClusterHolding
from .engine_pool import EnginePool
from .hub import Hub
from .hub_source import HubSource
from .restore import forked, restore
from .retention import RetentionSweep, retention_reason, unused_since
from .session import Session, SessionError
from .session_errors import problem
from .view_worker import ViewWorker

if TYPE_CHECKING:  # the cluster package (and redis) is imported only when NEUROPLAY_REDIS_URL is set
    from ..cluster.node import ClusterNode

logger = logging.getLogger(__name__)

# A session used this recently is never unloaded, so a request that has just looked it up cannot be
# left holding a copy the manager no longer knows.
UNLOAD_AFTER_SECONDS = 30.0


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_owner_token() -> str:
    return secrets.token_urlsafe(32)


class SessionNotFound(KeyError):
    pass


class SessionDeleted(SessionNotFound):
    """The session existed and was deleted (the retention sweep); its link should say so (410)."""

    def __init__(self, session_id: str, deleted_at: datetime, reason: str) -> None:
        super().__init__(session_id)
        self.deleted_at, self.reason = deleted_at, reason

    def message(self) -> str:
        return f"session {self.args[0]!r} was deleted on {self.deleted_at:%Y-%m-%d}: {self.reason}"


# A session's "last opened" time is written at most this often (every GET would be a write).
OPENED_WRITE_SECONDS = 60.0


def save_failed(exc: BaseException) -> Problem:
    """The session's error while its saves fail (cleared by the first save that works)."""
    return problem("save_failed", save_failure_message(exc), cause=cause_of(exc), kind=kind_of(exc))


class UploadStorageFull(RuntimeError):
    """The server keeps as many uploaded bytes as it may, and all of them are in use."""


class SessionManager(ClusterHolding):
    def __init__(self, settings: Settings, store: Store, cluster: ClusterNode | None = None) -> None:
        self.settings = settings
        self.store = store
        # One node of several (issue 15): a session is loaded only while this node holds its lease,
        # and every checkpoint carries the lease's fencing token. None: the single server.
        self.cluster = cluster
        if cluster is not None:
            cluster.on_lease_lost(self._lease_lost)
        self.parsed_uploads = ParsedUploads(store.get_upload)
        self.writer = CheckpointWriter(store, on_result=self._checkpoint_result)
        self.engines = EnginePool(
            settings.engine_spares,
            settings.max_training_sessions,
            nice=settings.engine_nice,
            idle_when_crowded=settings.engine_idle_class,
        )
        self.view_worker = ViewWorker()  # the one thread that encodes playing sessions' views
        self._sessions: dict[str, Session] = {}
        self._hubs: dict[str, Hub] = {}
        self._lock = threading.Lock()  # guards _sessions
        self._load_lock = threading.Lock()  # one load at a time, so a session is never loaded twice
        self._upload_lock = threading.Lock()  # a collection of unused uploads against pins
        self._pinned: Counter[str] = Counter()  # uploads a switch, create or fork is about to use
        self._save_failing: set[str] = set()  # sessions whose last checkpoint could not be written
        self._opened_written: dict[str, float] = {}  # session id -> monotonic time of the last write
        self.retention = (
            RetentionSweep(self.sweep_unused, settings.retention_sweep_seconds) if settings.retention_days > 0 else None
        )

    def _session_settings(self) -> dict[str, Any]:
        s = self.settings
        return dict(
            grid_size=s.grid_size,
            display_hz=s.display_hz,
            max_history_points=s.max_history_points,
            max_neuron_maps=s.max_neuron_maps,
            checkpoint_seconds=s.checkpoint_seconds,
            on_checkpoint=self._submit_checkpoint,
            engines=self.engines,
            view_worker=self.view_worker,
            uploads=self.parsed_uploads,
        )

    def create(self, specs: Specs) -> tuple[Session, str]:
        """A new session and its owner token (returned once, kept only as a hash). It is on disk
        before this returns, so a crash right after cannot lose it."""
        token = new_owner_token()
        session_id = self._hold_new()
        with self.pin_uploads(specs.dataset.upload.digest if specs.dataset.upload else None):
            session = Session(
                session_id=session_id,
                owner_token_hash=hash_token(token),
                specs=specs,
                **self._session_settings(),
            )
            self.store.save(self._fenced(capture(session)))
            self._add(session)
        return session, token

    def fork(self, source: Session) -> tuple[Session, str]:
        """A new session owned by the caller with copies of the source's model, weights, optimizer
        state, history and data settings; it records where it came from and starts paused."""
        token = new_owner_token()
        uses = source.specs.dataset.upload
        with self.pin_uploads(uses.digest if uses else None):
            checkpoint = self._fenced(forked(source.checkpoint_copy(), self._hold_new(), hash_token(token)))
            with self.pin_uploads(checkpoint.dataset.upload.digest if checkpoint.dataset.upload else None):
                session = self._restore(checkpoint)
                self.store.save(checkpoint)
                self._add(session)
        return session, token

    def is_loaded(self, session_id: str) -> bool:
        """Whether the session is in memory now (it may still be in the store when not)."""
        with self._lock:
            return session_id in self._sessions

    def get(self, session_id: str) -> Session:
        """The session, loaded from its last checkpoint if it is not in memory (after a restart or
        an unload); SessionNotFound when there is none."""
        session = self._sessions.get(session_id)
        if session is None:
            session = self._load(session_id)
        session.last_used = time.monotonic()
        self._note_opened(session.id, session.last_used)
        return session

    def _checkpoint_result(self, session_id: str, error: Exception | None) -> None:
        """On the writer's thread: a failing save shows on the session (its users see the error),
        and goes away once a save works again."""
        session = self._sessions.get(session_id)
        if error is not None:
            self._save_failing.add(session_id)
            message: Problem | None = save_failed(error)
        elif session_id in self._save_failing:
            self._save_failing.discard(session_id)
            message = None
        else:
            return
        if session is None or session.error == message:
            return
        if message is None and (session.error is None or session.error.code != "save_failed"):
            return  # another error (the engine's) is shown: not ours to clear
        session.error = message
        # republish takes the session's lock, whose holder may be waiting for this very writer
        threading.Thread(target=session.republish, name="save-error", daemon=True).start()

    def _note_opened(self, session_id: str, now: float) -> None:
        if now - self._opened_written.get(session_id, -OPENED_WRITE_SECONDS) < OPENED_WRITE_SECONDS:
            return
        if len(self._opened_written) > 100_000:
            self._opened_written.clear()  # bounded: forgetting costs one more write per session at most
        self._opened_written[session_id] = now
        try:
            self.store.mark_opened(session_id, utc_now())
        except Exception:  # the session is open either way; the next open writes it
            logger.exception("could not note that session %s was opened", session_id)

    def sweep_unused(self) -> list[str]:
        """Delete the saved sessions unused for `retention_days` (see sessions/retention.py), then the
        uploaded files nobody uses any more. Returns the deleted ids."""
        days = self.settings.retention_days
        recent = time.monotonic() - days * 86400
        deleted = []
        for session_id in self.store.retention_candidates(unused_since(days)):
            if self._held_elsewhere(session_id):
                continue  # another node has it loaded (many servers): in use
            with self._load_lock:  # nobody loads it while it goes
                with self._lock:
                    live = self._sessions.get(session_id)
                    if live is not None and (live.running or session_id in self._hubs or live.last_used > recent):
                        continue  # running, watched or opened since its last save said otherwise
                    self._sessions.pop(session_id, None)
                self.writer.wait_for(session_id)  # its last checkpoint is settled before the row goes
                if self.store.delete_session(session_id, retention_reason(days)):
                    deleted.append(session_id)
                    self._unpublish(session_id)
                    self._opened_written.pop(session_id, None)
                elif live is not None:
                    self._add(live)  # a fork of it appeared meanwhile: it stays
        if deleted:
            self.collect_unused_uploads()
        return deleted

    @staticmethod
    def is_owner(session: HubSource, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(session.owner_token_hash, hash_token(token))

    def hub(self, session: HubSource) -> Hub:
        """The running hub of a session (or of a mirror of one another node holds), started on
        first use (call from the event loop)."""
        hub = self._hubs.get(session.id)
        if hub is None or hub.task is None or hub.task.done() or hub.session is not session:
            hub = Hub(session, self.settings.display_hz)
            self._hubs[session.id] = hub
        return hub

    def live_hub(self, session_id: str) -> Hub | None:
        """The session's hub if one is running and not ended (its watchers are still served)."""
        hub = self._hubs.get(session_id)
        if hub is None or hub.task is None or hub.task.done() or hub.ended is not None:
            return None
        return hub

    def start_hub(self, hub: Hub) -> None:
        if hub.task is None or hub.task.done():
            hub.task = asyncio.get_running_loop().create_task(hub.run())

    def forget_hub(self, hub: Hub) -> bool:
        """Drop the hub once nobody watches through it; whether nobody does."""
        if hub.subscribers:
            return False
        if self._hubs.get(hub.session.id) is hub:
            del self._hubs[hub.session.id]
        return True

    # ---- uploaded files: a budget, and deleting only what nobody uses ----
    @contextmanager
    def pin_uploads(self, *digests: str | None) -> Iterator[None]:
        """Count these files as in use while a switch, create or fork that will refer to them is
        under way (before its session or checkpoint says so). Waits for a collection in progress, so
        none can delete them once this has entered."""
        pinned = [d for d in digests if d]
        with self._upload_lock:
            self._pinned.update(pinned)
        try:
            yield
        finally:
            with self._upload_lock:
                self._pinned.subtract(pinned)
                self._pinned += Counter()  # drop zero counts

    def make_room_for_upload(self, size: int, digest: str, session: Session) -> None:
        """Make sure a file of `size` bytes and SHA-256 `digest` can be kept within
        `max_upload_storage_mb` when `session` switches to it: a file already kept costs nothing;
        files nobody uses are deleted; the file the session uses now counts as free if no other
        session uses it (it is deleted after the switch when the budget needs it). Raises
        UploadStorageFull otherwise. (Two uploads at the same moment may overshoot.)"""
        store, cap = self.store, self._upload_budget_bytes
        if store.has_upload(digest) or store.upload_bytes() + size <= cap:
            return
        self.collect_unused_uploads()
        own = session.specs.dataset.upload
        freed = 0
        if own is not None and own.digest not in self._uploads_in_use(except_session=session.id):
            freed = store.upload_size(own.digest)
        if store.upload_bytes() - freed + size > cap:
            room = self.settings.max_upload_storage_mb
            message = (
                f"the server's room for uploaded files ({room} MB) is full "
                "of files that sessions use; try a smaller file or ask whoever runs this server for more room"
            )
            raise coded(UploadStorageFull(message), "upload_storage_full", limit=room)

    def after_upload_switch(self, session: Session, left: str | None) -> None:
        """`session` switched files: over the budget, the file it left goes now if nobody uses it
        (no grace period: it is not a file just stored). Never raises: the switch has happened."""
        if left is None or not self.upload_storage_exceeded():
            return
        try:
            self.writer.wait_for(session.id)  # its older checkpoints, naming `left`, are settled
            self.collect_unused_uploads(left=left)
        except Exception:
            logger.exception("could not delete unused uploads")

    def collect_unused_uploads(self, left: str | None = None) -> list[str]:
        """Delete the uploaded files nobody uses: no live session, no saved one, no checkpoint on its
        way to the disk, no switch, create or fork under way; stored longer ago than
        `upload_grace_seconds` unless it is `left`. Returns the deleted digests."""
        with self._upload_lock:
            in_use = set(self._pinned) | self._uploads_in_use()
            deleted = self.store.delete_uploads_except(
                in_use, self.settings.upload_grace_seconds, frozenset([left] if left else [])
            )
        self.parsed_uploads.forget(deleted)
        return deleted

    def upload_storage_exceeded(self) -> bool:
        return self.store.upload_bytes() > self._upload_budget_bytes

    @property
    def _upload_budget_bytes(self) -> int:
        return self.settings.max_upload_storage_mb * 1024 * 1024

    def _uploads_in_use(self, except_session: str | None = None) -> set[str]:
        """Files that live sessions, checkpoints not yet written and saved sessions refer to (in
        that order: a checkpoint leaves the writer's queue only after it is on disk)."""
        with self._lock:
            live = [s.specs.dataset for s in self._sessions.values() if s.id != except_session]
        unwritten = [cp.dataset for cp in self.writer.unwritten() if cp.id != except_session]
        digests = {d.upload.digest for d in live + unwritten if d.upload is not None}
        return digests | self.store.referenced_uploads(except_session)

    def close_all(self) -> None:
        """Graceful shutdown: stop every runner, checkpoint every live session, and return only when
        all of it is written."""
        if self.retention is not None:
            self.retention.stop()
        with self._lock:
            sessions = list(self._sessions.values())
        playing = [s.id for s in sessions if s.running]
        for session in sessions:
            session.close()
        self.engines.close()
        self.view_worker.close()
        self.writer.close()
        if self.cluster is not None:  # written under our leases: now the others may take them over
            from ..cluster.failover import hand_over_on_leaving

            hand_over_on_leaving(self.cluster, playing)

    # ---- internals ----
    def _add(self, session: Session) -> None:
        with self._lock:
            self._sessions[session.id] = session
            self._unload_beyond_cap()
        self._publish(session)

    def _load(self, session_id: str) -> Session:
        with self._load_lock:
            session = self._sessions.get(session_id)
            if session is not None:
                return session  # another request loaded it meanwhile
            self.writer.wait_for(session_id)  # an unloaded session's last checkpoint may be on its way
            took = self._take_lease(session_id)
            try:
                checkpoint = self.store.load(session_id)
                if checkpoint is None:
                    deletion = self.store.deletion(session_id)
                    if deletion is not None:
                        raise SessionDeleted(session_id, *deletion)
                    raise SessionNotFound(session_id)
                session = self._restore(checkpoint)
            except BaseException:
                if took:
                    self.cluster.give_up(session_id)  # type: ignore[union-attr]
                raise
            self._add(session)
            return session

    def _restore(self, checkpoint: Checkpoint) -> Session:
        try:
            return restore(checkpoint, **self._session_settings())
        except Exception as exc:  # e.g. saved by a version whose layers this one no longer has
            detail = f"{type(exc).__name__}: {exc}"
            error = SessionError(f"session {checkpoint.id!r} is saved but cannot be restored: {detail}")
            raise coded(error, "session_unrestorable", id=checkpoint.id, kind=type(exc).__name__) from exc

    def _unload_beyond_cap(self) -> None:
        """Drop the least recently used sessions that nobody runs or watches from memory (their last
        checkpoint is in the store, or on its way there in the writer)."""
        excess = len(self._sessions) - self.settings.max_sessions
        if excess <= 0:
            return
        cutoff = time.monotonic() - UNLOAD_AFTER_SECONDS
        idle = sorted(
            (s for s in self._sessions.values() if not s.running and s.id not in self._hubs and s.last_used < cutoff),
            key=lambda s: s.last_used,
        )
        for session in idle[:excess]:
            del self._sessions[session.id]
            if self.cluster is not None:
                threading.Thread(target=self._release, args=(session.id,), name="release", daemon=True).start()
