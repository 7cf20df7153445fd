"""The part of SessionManager (sessions/manager.py) that many servers need (issue 15): a session is
loaded only while this node holds its lease, every checkpoint carries the lease's fencing token, a
lost lease drops the session here, and play may go to a less busy node. Kept apart by job; the
single server (no cluster) passes through all of it.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
from typing import TYPE_CHECKING, Any

from ..schemas.stream import ErrorMessage
from ..store import Checkpoint, CheckpointWriter, Store
from .hub import Hub
from .session import Session

if TYPE_CHECKING:
    from ..cluster.leases import Lease
    from ..cluster.node import ClusterNode

logger = logging.getLogger(__name__)


class HeldElsewhere(Exception):
    """The session lives on another node, the holder of its lease (many servers, issue 15): the
    request goes there (api/cluster_routing.py)."""

    def __init__(self, session_id: str, node: str) -> None:
        super().__init__(session_id, node)
        self.session_id, self.node = session_id, node


def new_session_id() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


class ClusterHolding:
    """Mixed into SessionManager, whose fields these are."""

    cluster: ClusterNode | None
    store: Store
    writer: CheckpointWriter
    _sessions: dict[str, Session]
    _hubs: dict[str, Hub]
    _lock: threading.Lock
    _load_lock: threading.Lock
    # The node's live publisher (cluster/live_publisher.py), set by the cluster membership: every
    # session this node holds is published for watchers on other nodes. None: nobody elsewhere.
    live: Any = None

    def get(self, session_id: str) -> Session:
        raise NotImplementedError  # SessionManager's

    def _hold_new(self) -> str:
        """A new session id, held by this node from the start."""
        session_id = new_session_id()
        if self.cluster is not None and self.cluster.take(session_id) is None:
            raise RuntimeError(f"the lease of the new session {session_id} is held already")  # 128 random bits
        return session_id

    def _take_lease(self, session_id: str) -> bool:
        """Hold the session before loading it; HeldElsewhere when another node does. False when
        nothing was taken (the single server; a session that does not exist gets no lease)."""
        cluster = self.cluster
        if cluster is None or cluster.holds(session_id) is not None:
            return False
        saved, fence = self.store.fence_of(session_id)
        if not saved:
            return False
        for _ in range(3):
            if cluster.take(session_id, floor=fence or 0) is not None:
                return True
            holder = cluster.holder(session_id)
            if holder is not None and holder != cluster.id:
                raise HeldElsewhere(session_id, holder)
            # it expired between the two calls: take it now
        raise HeldElsewhere(session_id, holder or cluster.id)

    def _fenced(self, checkpoint: Checkpoint) -> Checkpoint:
        """The checkpoint with this node's fencing token for it (cluster/leases.py)."""
        if self.cluster is None:
            return checkpoint
        lease = self.cluster.holds(checkpoint.id)
        if lease is None:
            raise HeldElsewhere(checkpoint.id, self.cluster.holder(checkpoint.id) or "")
        return dataclasses.replace(checkpoint, fence=lease.token)

    def _submit_checkpoint(self, checkpoint: Checkpoint) -> None:
        try:
            self.writer.submit(self._fenced(checkpoint))
        except HeldElsewhere:  # the lease went: whatever we would write is the new holder's to decide
            logger.warning("session %s: checkpoint not written, this node no longer holds it", checkpoint.id)

    def _lease_lost(self, lease: Lease) -> None:
        """On the lease keeper's thread: another node may train the session now. Stop it here and
        drop it; its checkpoint is not written (the saved one stays, and the sweep of whichever node
        takes the session resumes from it: cluster/failover.py)."""
        with self._lock:
            session = self._sessions.pop(lease.session, None)
        self._unpublish(lease.session)  # first: the new holder publishes it now
        if session is not None:
            session.close()
        hub = self._hubs.get(lease.session)
        if hub is not None:
            hub.end("the session left this server", self._why_lost())

    def _why_lost(self) -> ErrorMessage:
        """What the watchers of a session whose lease was lost here are told."""
        try:
            answers = self.cluster is not None and bool(self.cluster.redis.ping())
        except Exception:
            answers = False
        if answers:
            message = "the session moved to another server; reconnecting"
            return ErrorMessage(code="moved", message=message, problem="session_moving")
        message = "the servers' shared live store (Redis) does not answer; reconnecting when it does"
        return ErrorMessage(code="unavailable", message=message, problem="cluster_unavailable")

    def hand_over(self, session: Session) -> None:
        """Stop the session here, write its checkpoint and give its lease up, so another node takes
        it at once (play placed elsewhere; a graceful stop)."""
        with self._lock:
            self._sessions.pop(session.id, None)
        session.close()
        self._unpublish(session.id)
        self.writer.wait_for(session.id)
        if self.cluster is not None:
            self.cluster.give_up(session.id)

    def place_play(self, session: Session) -> str | None:
        """Where play on this session should train: another node's id when it trains fewer sessions
        than this one (the session is then handed over), or None for here. A session watched here
        stays: its watchers' hub lives here."""
        cluster = self.cluster
        if cluster is None or session.running or session.id in self._hubs:
            return None
        best = cluster.least_loaded()
        if best is None or best.node == cluster.id or best.training >= self.training_count():
            return None
        self.hand_over(session)
        return best.node

    def resume(self, session_id: str) -> bool:
        """Take over a session that trained on a node that stopped or died, and play it on; False
        if another node was quicker."""
        try:
            session = self.get(session_id)
        except HeldElsewhere:
            return False
        if not session.running:
            session.command("play")
        return True

    def training_count(self) -> int:
        with self._lock:
            return sum(1 for s in self._sessions.values() if s.running)

    def watcher_count(self) -> int:
        return sum(len(hub.subscribers) for hub in list(self._hubs.values()))

    def _release(self, session_id: str) -> None:
        """Give up an unloaded session's lease once its last checkpoint is written (the next holder
        loads that)."""
        self.writer.wait_for(session_id)
        with self._load_lock, self._lock:  # no load in between: a session loaded again stays held
            if session_id in self._sessions:
                return
            self._unpublish(session_id)
            self.cluster.give_up(session_id)  # type: ignore[union-attr]

    def _publish(self, session: Session) -> None:
        if self.live is not None:
            self.live.add(session)

    def _unpublish(self, session_id: str) -> None:
        if self.live is not None:
            self.live.remove(session_id)

    def _held_elsewhere(self, session_id: str) -> bool:
        """Whether another node holds the session now (False on the single server)."""
        if self.cluster is None:
            return False
        holder = self.cluster.holder(session_id)
        return holder is not None and holder != self.cluster.id
