"""Keeps a node's leases alive: one thread renews every lease the node holds, a third of the TTL
apart, and tells the owner at once when one could not be renewed (it expired, or Redis did not
answer in time), so the session stops training there before another node takes it over.

A renewal that fails because Redis is unreachable counts as lost when the lease's TTL has passed
since the last good renewal: by then another node may hold it, and the fencing token refuses this
node's writes anyway (store.Store.save). Until then the node keeps training and tries again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .leases import Lease, Leases

logger = logging.getLogger(__name__)

Lost = Callable[[Lease], None]


class LeaseKeeper:
    def __init__(self, leases: Leases, on_lost: Lost) -> None:
        self.leases = leases
        self._on_lost = on_lost
        self._held: dict[str, tuple[Lease, float]] = {}  # session -> lease, monotonic time of the last renewal
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="lease-keeper")
        self._thread.start()

    @property
    def period(self) -> float:
        return self.leases.ttl_ms / 3000

    def take(self, session: str, floor: int = 0) -> Lease | None:
        """Acquire the session's lease and keep it; None if another node (or this one) holds it.
        `floor`: the newest fencing token the database has for it (Leases.acquire)."""
        lease = self.leases.acquire(session, floor)
        if lease is not None:
            with self._lock:
                self._held[session] = (lease, time.monotonic())
        return lease

    def give_up(self, session: str) -> None:
        """Stop keeping the session's lease and release it (a graceful stop: another node may take
        it at once)."""
        with self._lock:
            held = self._held.pop(session, None)
        if held is not None:
            try:
                self.leases.release(held[0])
            except Exception:  # Redis is down: the lease expires by itself
                logger.warning("lease of %s could not be released; it expires with its TTL", session)

    def lease(self, session: str) -> Lease | None:
        """The session's lease if this node keeps it."""
        with self._lock:
            held = self._held.get(session)
        return None if held is None else held[0]

    def held(self) -> list[Lease]:
        with self._lock:
            return [lease for lease, _ in self._held.values()]

    def close(self) -> None:
        """Stop renewing (leases then expire with their TTL unless given up first)."""
        self._stop.set()
        self._thread.join(timeout=5)

    def renew_all(self) -> None:
        """One round of renewals (the thread's work; also callable by tests)."""
        with self._lock:
            held = list(self._held.values())
        ttl = self.leases.ttl_ms / 1000
        unreachable: Exception | None = None  # one failed call says Redis is away: no more waits this round
        for lease, renewed_at in held:
            now = time.monotonic()
            try:
                if unreachable is not None:
                    raise unreachable
                ok = self.leases.renew(lease)
            except Exception as exc:
                unreachable = exc
                # Redis unreachable: the key may still live until renewed_at + TTL. Give the lease
                # up while the next round would come too late, so another node that takes it once
                # it expires never trains it at the same time as this one.
                if time.monotonic() - renewed_at + self.period < ttl:
                    logger.warning("lease of %s not renewed (%s); trying again", lease.session, exc)
                    continue
                ok = False
            if ok:
                with self._lock:
                    if lease.session in self._held:
                        self._held[lease.session] = (lease, now)
                continue
            with self._lock:
                if self._held.get(lease.session, (None, 0.0))[0] != lease:
                    continue  # given up meanwhile
                del self._held[lease.session]
            logger.warning("lease of %s lost (token %d)", lease.session, lease.token)
            try:
                self._on_lost(lease)
            except Exception:
                logger.exception("the loss of the lease of %s could not be handled", lease.session)

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            self.renew_all()
