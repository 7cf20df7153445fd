"""Sessions that trained on a node that is gone come back on another (issue 15).

Two ways a session is left without a node while it should train:
- its node died (SIGKILL, a lost machine): its lease expires after the TTL, and its last checkpoint
  in the database says "running" (a playing session is saved every `checkpoint_seconds`);
- its node stopped gracefully: it saved the session paused, put its id in `{prefix}resume` and gave
  the lease up at once.
Every node sweeps both, once a second: a session with no lease holder is taken (the lease decides
which node wins), restored from its checkpoint and played on. A node takes one only while it trains
no more sessions than the least busy live node, so the orphans spread over the survivors.

Bound (docs/decisions.md): a killed node's sessions train again within the lease TTL plus one sweep
period plus the restore, at most `checkpoint_seconds` of training behind where they were.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import redis

from .node import ClusterNode

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0


def resume_key(prefix: str) -> str:
    return f"{prefix}resume"


def hand_over_on_leaving(cluster: ClusterNode, playing: list[str]) -> None:
    """A graceful stop, after every session was saved under this node's leases: name the ones that
    were playing for the others to play on, give every lease up, and leave."""
    try:
        if playing:
            cluster.redis.sadd(resume_key(cluster.prefix), *playing)
    except redis.RedisError:
        logger.warning(
            "node %s: could not ask others to play on %d sessions; they stay paused", cluster.id, len(playing)
        )
    for lease in cluster.keeper.held():
        cluster.give_up(lease.session)
    cluster.close()


class Resumer(Protocol):
    def resume(self, session_id: str) -> bool: ...

    def training_count(self) -> int: ...


class FailoverSweep:
    def __init__(
        self,
        cluster: ClusterNode,
        sessions: Resumer,
        saved_running: Callable[[], list[str]],
        period: float = SWEEP_SECONDS,
    ) -> None:
        self.cluster, self.sessions, self.saved_running = cluster, sessions, saved_running
        self.period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="failover-sweep")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.sweep()
            except redis.RedisError as exc:
                logger.warning("failover sweep skipped: Redis does not answer (%s)", exc)
            except Exception:
                logger.exception("failover sweep failed")

    def orphans(self) -> list[str]:
        """Sessions that should train and that no node holds."""
        key = resume_key(self.cluster.prefix)
        wanted = sorted({str(s) for s in self.cluster.redis.smembers(key)} | set(self.saved_running()))
        if not wanted:
            return []
        pipe = self.cluster.redis.pipeline()
        for session_id in wanted:
            pipe.exists(self.cluster.leases.key(session_id))
        held = pipe.execute()
        return [s for s, h in zip(wanted, held, strict=True) if not h]

    def _my_turn(self) -> bool:
        others = [n.training for n in self.cluster.nodes.alive() if n.node != self.cluster.id]
        return not others or self.sessions.training_count() <= min(others)

    def sweep(self) -> list[str]:
        """Take over what this node should of the orphans now; returns the ids it resumed."""
        resumed = []
        for session_id in self.orphans():
            if self._stop.is_set() or not self._my_turn():
                break
            try:
                took = self.sessions.resume(session_id)
            except KeyError:  # deleted meanwhile (SessionNotFound): nothing to resume
                took = True
            except Exception:
                logger.exception("session %s could not be resumed here", session_id)
                continue
            if took:
                self.cluster.redis.srem(resume_key(self.cluster.prefix), session_id)
                resumed.append(session_id)
                self.cluster.publish_load()  # the others see this node busier before their next sweep
        if resumed:
            logger.info("node %s resumed %d sessions: %s", self.cluster.id, len(resumed), resumed)
        return resumed
