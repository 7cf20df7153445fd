"""One node of several sharing a classroom: its Redis connection, the leases it holds (kept alive
by a LeaseKeeper), and the load it publishes with a heartbeat so play goes to the least-loaded node.

Created by the app only when NEUROPLAY_REDIS_URL is set (app.py); the SessionManager asks it which
node holds a session and takes a session's lease before loading it (sessions/manager.py).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable

import redis

from .lease_keeper import LeaseKeeper, Lost
from .leases import Lease, Leases
from .nodes import NodeLoad, Nodes

logger = logging.getLogger(__name__)

# Redis calls of the leases and the heartbeat give up after this: a Redis that does not answer must
# not hold a request, and the keeper counts a lease as lost once its TTL has passed unrenewed.
REDIS_TIMEOUT_SECONDS = 2.0


def default_node_id() -> str:
    host = socket.gethostname().replace(" ", "-") or "node"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


class ClusterNode:
    def __init__(
        self,
        redis_url: str,
        prefix: str,
        node_id: str | None,
        lease_seconds: float,
        load: Callable[[], tuple[int, int]],
    ) -> None:
        """`load()` returns (sessions training here, watchers connected here) for the heartbeat."""
        self.id = node_id or default_node_id()
        self.prefix = prefix
        self.redis_url = redis_url
        self.lease_seconds = lease_seconds
        self.redis = redis.Redis.from_url(
            redis_url,
            decode_responses=True,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self.leases = Leases(self.redis, self.id, lease_seconds, prefix)
        self.nodes = Nodes(self.redis, prefix, heartbeat_seconds=max(1.0, lease_seconds * 0.6))
        self._load = load
        self._on_lost: Lost | None = None
        self.keeper = LeaseKeeper(self.leases, self._lost)
        self._stop = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, daemon=True, name="node-heartbeat")
        self._heartbeat.start()

    def on_lease_lost(self, handler: Lost) -> None:
        self._on_lost = handler

    def _lost(self, lease: Lease) -> None:
        if self._on_lost is not None:
            self._on_lost(lease)

    # ---- who holds what ----
    def take(self, session_id: str, floor: int = 0) -> Lease | None:
        """Hold the session (its lease, kept alive from now on); None if any node holds it already.
        `floor`: the fencing token the database has for it; the new one is larger."""
        return self.keeper.take(session_id, floor)

    def holds(self, session_id: str) -> Lease | None:
        return self.keeper.lease(session_id)

    def give_up(self, session_id: str) -> None:
        self.keeper.give_up(session_id)

    def holder(self, session_id: str) -> str | None:
        """The node holding the session now (this one included), or None."""
        lease = self.leases.holder(session_id)
        return None if lease is None else lease.node

    def is_alive(self, node: str) -> bool:
        return bool(self.redis.exists(f"{self.prefix}node:{node}"))

    # ---- load, for placement ----
    def publish_load(self) -> NodeLoad:
        training, watchers = self._load()
        load = NodeLoad(self.id, training=training, watchers=watchers)
        self.nodes.publish(load)
        return load

    def least_loaded(self) -> NodeLoad | None:
        """The live node with the fewest sessions training (this one with its load of now)."""
        try:
            self.publish_load()
        except redis.RedisError:
            return None
        return self.nodes.least_loaded()

    def _beat(self) -> None:
        period = self.nodes.heartbeat_ms / 3000
        while not self._stop.wait(period):
            try:
                self.publish_load()
            except Exception as exc:  # Redis away: the others stop offering us work until it is back
                logger.warning("node %s: heartbeat not sent (%s)", self.id, exc)

    def close(self) -> None:
        """Leave the classroom: no more heartbeats, no more renewals (give sessions up first)."""
        self._stop.set()
        self._heartbeat.join(timeout=5)
        self.keeper.close()
        try:
            self.nodes.leave(self.id)
        except redis.RedisError:
            logger.warning("node %s could not say it leaves; its heartbeat expires by itself", self.id)
        self.redis.close()
