"""Which node trains a session: a Redis key with a time to live, held by one node at a time.

A lease is `{prefix}lease:{session}` = "{node} {token}" set with NX and a TTL; the node renews it
while it trains and deletes it when it stops. The token comes from `INCR {prefix}fence:{session}`
when the lease is taken, so every new holder has a larger one than any before it. The token is the
fencing token: every checkpoint a holder writes carries it, and PostgreSQL refuses a write whose
token is smaller than the newest one it has seen for that session (store.Store.save). A node that
stalled past its TTL (a long GC pause, a frozen VM) and wakes up still believing it holds the lease
therefore can never overwrite what the new holder wrote. Taking, renewing and releasing are Lua
scripts, so each checks and changes the key in one step on the Redis server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# KEYS: lease, fence. ARGV: node, ttl ms, floor. Returns the new token, or nil if someone holds the
# lease. The token exceeds `floor`, the newest token the database has seen: a Redis that restarted
# without its data starts counting again from there, not from 1 (whose writes would all be refused).
_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local token = redis.call('INCR', KEYS[2])
if token <= tonumber(ARGV[3]) then
  token = tonumber(ARGV[3]) + 1
  redis.call('SET', KEYS[2], token)
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. token, 'PX', ARGV[2])
return token
"""
# KEYS: lease. ARGV: "node token", ttl ms. 1 if still ours (extended), else 0.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: lease. ARGV: "node token". 1 if it was ours (deleted), else 0.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Lease:
    session: str
    node: str
    token: int  # the fencing token: larger than that of every earlier holder

    @property
    def value(self) -> str:
        return f"{self.node} {self.token}"


class Leases:
    """The leases of one node (`node`), on a Redis client (redis-py, decode_responses=True)."""

    def __init__(self, redis: Any, node: str, ttl_seconds: float, prefix: str = "neuroplay:") -> None:
        if " " in node or not node:
            raise ValueError(f"a node name is one word; got {node!r}")
        self.redis, self.node, self.prefix = redis, node, prefix
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    def key(self, session: str) -> str:
        return f"{self.prefix}lease:{session}"

    def acquire(self, session: str, floor: int = 0) -> Lease | None:
        """Take the session's lease if nobody holds it; None if somebody does (this node too). The
        token is larger than `floor` (the fence the database holds for the session)."""
        keys = [self.key(session), f"{self.prefix}fence:{session}"]
        token = self._acquire(keys=keys, args=[self.node, self.ttl_ms, floor])
        return None if token is None else Lease(session, self.node, int(token))

    def renew(self, lease: Lease) -> bool:
        """Extend the lease by the TTL; False if it expired (and perhaps went to another node)."""
        return bool(self._renew(keys=[self.key(lease.session)], args=[lease.value, self.ttl_ms]))

    def release(self, lease: Lease) -> bool:
        """Give the lease up; False if it was no longer ours (nothing is changed then)."""
        return bool(self._release(keys=[self.key(lease.session)], args=[lease.value]))

    def holder(self, session: str) -> Lease | None:
        """Who holds the session's lease now, if anyone."""
        value = self.redis.get(self.key(session))
        if value is None:
            return None
        node, token = value.rsplit(" ", 1)
        return Lease(session, node, int(token))
