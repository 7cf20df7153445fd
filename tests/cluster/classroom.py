"""Several real NeuroPlay server processes sharing one PostgreSQL database (a fresh one) and one
Redis key prefix, on loopback ports: a classroom of nodes as `python -m neuroplay serve` runs them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import redis
from sqlalchemy import create_engine, text
from websockets.sync.client import ClientConnection, connect

from ..conftest import LiveServer
from ..postgres import fresh_database

# Short leases and checkpoints, so a failover happens within a test's patience; the design's bound
# is lease TTL + a sweep + the restore, at most one checkpoint interval of training behind.
LEASE_SECONDS = 2.0
CHECKPOINT_SECONDS = 1.0

MLP = {"dataset": {"name": "circle"}, "training": {"batch_size": 10}}


class Classroom:
    def __init__(self, folder: Path, database_url: str, redis_url: str, prefix: str) -> None:
        self.folder, self.database_url, self.redis_url, self.prefix = folder, database_url, redis_url, prefix
        self.nodes: dict[str, LiveServer] = {}
        self.redis = redis.Redis.from_url(redis_url, decode_responses=True)

    def start(self, name: str, **env: str) -> LiveServer:
        """Start node `name` (its own data folder, the shared database and Redis) and wait for it."""
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "NEUROPLAY_DATABASE_URL": self.database_url,
            "NEUROPLAY_REDIS_URL": self.redis_url,
            "NEUROPLAY_REDIS_PREFIX": self.prefix,
            "NEUROPLAY_NODE_ID": name,
            "NEUROPLAY_LEASE_SECONDS": str(LEASE_SECONDS),
            "NEUROPLAY_CHECKPOINT_SECONDS": str(CHECKPOINT_SECONDS),
            "NEUROPLAY_ENGINE_SPARES": "0",
            **env,
        }
        node = LiveServer(folder, env=settings, log_level="info")
        self.nodes[name] = node
        return node

    def client(self, name: str) -> httpx.Client:
        return httpx.Client(base_url=self.nodes[name].url, timeout=30)

    def holder(self, session_id: str) -> str | None:
        """The node holding the session's lease now (from Redis itself)."""
        value = self.redis.get(f"{self.prefix}lease:{session_id}")
        return None if value is None else value.rsplit(" ", 1)[0]

    def log(self, name: str) -> str:
        return self.nodes[name].log_path.read_text(errors="replace")

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()
        self.redis.close()


@contextlib.contextmanager
def classroom(folder: Path, postgres_admin_url: str, redis_url: str, prefix: str, *names: str) -> Iterator[Classroom]:
    """Nodes `names` started one after another (the first one migrates the fresh database)."""
    with fresh_database(postgres_admin_url) as database_url:
        room = Classroom(folder, database_url, redis_url, prefix)
        try:
            for name in names:
                room.start(name)
            yield room
        finally:
            room.stop()


def saved(room: Classroom, sid: str) -> tuple[str, int, int | None]:
    """(status, step, fence) of the session's row in the database."""
    engine = create_engine(room.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT status, step, fence FROM sessions WHERE id = :id"), {"id": sid}).one()
            return row[0], int(row[1]), row[2]
    finally:
        engine.dispose()


def open_stream(node: LiveServer, sid: str) -> ClientConnection:
    return connect(f"{node.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None, max_queue=None)
