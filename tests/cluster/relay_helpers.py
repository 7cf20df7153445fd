"""What the live relay's tests share: a watcher that reads a Hub's outbox as the browser would, a
wait for a condition on the event loop, and a holder (publisher) and other node (mirror) on Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis.asyncio as aioredis

from neuroplay.cluster.live_mirror import LiveMirror
from neuroplay.cluster.live_publisher import LivePublisher
from neuroplay.schemas.stream import TensorHeader
from neuroplay.sessions.hub import Hub, Subscriber
from neuroplay.sessions.tensor_records import decode_tensor_message


class Watcher:
    """One websocket's view of a hub: the curve as the client builds it (a history replaces it,
    metrics append to it), the states and the tensor headers received."""

    def __init__(self, hub: Hub, views: set[str] | None = None) -> None:
        self.hub = hub
        self.sub = Subscriber("viewer", max_pending_points=100_000)
        self.sub.views = set(views or ())
        self.curve: list[dict[str, Any]] = []
        self.generation = 0
        self.histories = 0
        self.states: list[dict[str, Any]] = []
        self.tensors: list[TensorHeader] = []
        hub.add(self.sub)
        hub.views_changed()
        hub.start_stream(self.sub, None, None)
        if hub.task is None:
            hub.task = asyncio.get_running_loop().create_task(hub.run())

    def read(self) -> None:
        for text in self.sub.take_texts():
            message = json.loads(text)
            if message["type"] == "history":
                self.curve, self.generation = message["points"], message["generation"]
                self.histories += 1
            elif message["type"] == "state":
                self.states.append(message["state"])
        metrics = self.sub.take_metrics()
        if metrics is not None:
            message = json.loads(metrics)
            if message["generation"] == self.generation:
                self.curve.extend(message["points"])
        tensors = self.sub.take_tensor_message(now=time.monotonic() + 3600)  # a full budget
        if tensors is not None:
            self.tensors.extend(header for header, _ in decode_tensor_message(tensors))

    def steps(self) -> list[int]:
        return [p["step"] for p in self.curve]

    def leave(self) -> None:
        self.hub.remove(self.sub)


async def wait_until(
    predicate: Callable[[], bool], what: str, watchers: tuple[Watcher, ...] = (), timeout: float = 20.0
) -> None:
    """Poll `predicate` (reading the watchers' outboxes in between) until it holds."""
    deadline = time.monotonic() + timeout
    while True:
        for watcher in watchers:
            watcher.read()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def history_of(points: list[Any]) -> list[dict[str, Any]]:
    """Points as the client has them (JSON), to compare with what watchers received."""
    return [json.loads(p.model_dump_json()) for p in points]


@contextlib.asynccontextmanager
async def redis_client(url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(url)
    try:
        yield client
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def publishing(
    client: aioredis.Redis, prefix: str, *sessions: Any, **options: Any
) -> AsyncIterator[LivePublisher]:
    """A holder's publisher for `sessions`, snapshotting often (so tests cross snapshots and trims)."""
    settings: dict[str, Any] = dict(snapshot_min_seconds=0.3, snapshot_min_bytes=4_000) | options
    publisher = LivePublisher(client, prefix, 30.0, **settings)
    for session in sessions:
        publisher.add(session)
    publisher.start()
    try:
        yield publisher
    finally:
        await publisher.close()


@contextlib.asynccontextmanager
async def mirrored(
    client: aioredis.Redis, prefix: str, session_id: str, max_points: int, **options: Any
) -> AsyncIterator[LiveMirror]:
    mirror = LiveMirror(client, prefix, session_id, "b", max_points, **options)
    await mirror.start()
    try:
        yield mirror
    finally:
        await mirror.close()


async def stop_hubs(*hubs: Hub) -> None:
    for hub in hubs:
        hub.subscribers.clear()
        if hub.task is not None:
            await hub.task
