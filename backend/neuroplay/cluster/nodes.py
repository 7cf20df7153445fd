"""The nodes of a classroom and their load, in Redis: each node publishes how many sessions it
trains and how many watchers it serves, in a hash `{prefix}nodes` (node -> JSON), next to a
heartbeat key `{prefix}node:{id}` with a short TTL. A node whose heartbeat expired is not offered
work (its entry stays in the hash until a live node prunes it), so play on an idle session goes to
the least-loaded live node."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class NodeLoad:
    node: str
    training: int  # sessions this node trains now
    watchers: int  # websocket watchers connected to it


class Nodes:
    def __init__(self, redis: Any, prefix: str = "neuroplay:", heartbeat_seconds: float = 3.0) -> None:
        self.redis, self.prefix = redis, prefix
        self.heartbeat_ms = max(1, int(heartbeat_seconds * 1000))

    def publish(self, load: NodeLoad) -> None:
        """This node is alive with this load (call at least once per heartbeat)."""
        pipe = self.redis.pipeline()
        pipe.hset(f"{self.prefix}nodes", load.node, json.dumps(asdict(load)))
        pipe.set(f"{self.prefix}node:{load.node}", "1", px=self.heartbeat_ms)
        pipe.execute()

    def leave(self, node: str) -> None:
        """A graceful shutdown: no more work for this node."""
        pipe = self.redis.pipeline()
        pipe.hdel(f"{self.prefix}nodes", node)
        pipe.delete(f"{self.prefix}node:{node}")
        pipe.execute()

    def alive(self) -> list[NodeLoad]:
        """The nodes whose heartbeat has not expired, with their last published load; dead nodes'
        entries are pruned on the way."""
        entries = self.redis.hgetall(f"{self.prefix}nodes")
        names = sorted(entries)
        if not names:
            return []
        pipe = self.redis.pipeline()
        for name in names:
            pipe.exists(f"{self.prefix}node:{name}")
        beating = pipe.execute()
        live = [n for n, b in zip(names, beating, strict=True) if b]
        dead = [n for n, b in zip(names, beating, strict=True) if not b]
        if dead:
            self.redis.hdel(f"{self.prefix}nodes", *dead)
        return [NodeLoad(**json.loads(entries[n])) for n in live]

    def least_loaded(self) -> NodeLoad | None:
        """The live node training the fewest sessions (then serving the fewest watchers, then by
        name, so that every node picks the same one from the same loads)."""
        live = self.alive()
        return min(live, key=lambda n: (n.training, n.watchers, n.node)) if live else None
