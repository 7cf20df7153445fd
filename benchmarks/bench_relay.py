"""What the live relay through Redis (cluster/live_publisher.py, live_mirror.py) adds per metric
point and per tensor frame, against the hub's local handling of the same frame, in one process.

Per display frame, on a real Session fed by hand (no engine process, so training does not share
the CPU): a new metric point with 25 batch losses, and/or a new tensor frame of the default page's
size (about 80 KB). Local: the holder's Hub.tick and its watcher taking the metrics and tensors.
Relayed: the publisher's tick (one pipelined round trip: XADD, PUBLISH, HGETALL), the mirror reading
it back (XREAD, the frames channel), then a Hub on the mirror doing the same as the local one. Wall
time, as Redis round trips are waits, not CPU; both on the same machine and Redis (loopback).
Run: .venv/bin/python benchmarks/bench_relay.py [--frames 300] [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time

import redis.asyncio as aioredis

from common import print_table
from neuroplay.cluster.live_mirror import LiveMirror
from neuroplay.cluster.live_publisher import LivePublisher
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.session import MetricPoint
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.hub import Hub, Subscriber
from neuroplay.sessions.session import Session
from neuroplay.sessions.telemetry import TelemetryFrames

SPECS = Specs(
    NetworkSpec.model_validate(
        {"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}]}
    ),
    DatasetSpec(name="circle"),
    TrainingConfig(),
)
VIEWS = {"boundary", "neurons"}
RECORDS = [("boundary", "boundary", b"b" * 10_224)] + [(f"neurons/{i}", "neurons", b"n" * 10_100) for i in range(7)]


def watcher(hub: Hub) -> Subscriber:
    sub = Subscriber("viewer", max_pending_points=100_000)
    sub.views = set(VIEWS)
    hub.add(sub)
    hub.views_changed()
    hub.start_stream(sub, None, None)
    return sub


def take(sub: Subscriber, n: int) -> None:
    sub.take_texts()
    sub.take_metrics()
    sub.take_tensor_message(now=time.monotonic() + n)  # a full budget: every record goes


def feed(session: Session, n: int, points: bool, frames: bool) -> None:
    """One display frame's worth of news (what the engine process's reports would bring)."""
    if points:
        session.step, session.epoch = 25 * n, n
        session.history.append(
            MetricPoint(step=25 * n, epoch=n, loss=0.5, val_loss=0.6, accuracy=0.8, val_accuracy=0.7)
        )
        session.views.batch_losses.extend([(25 * (n - 1) + i, 0.5) for i in range(1, 26)])
    if frames:
        records = [(key, view, bytes(data) + n.to_bytes(4, "big")) for key, view, data in RECORDS]
        session.views.frames = TelemetryFrames(session.snapshot, frozenset(VIEWS), records)  # type: ignore[arg-type]


async def local_seconds(session: Session, frames: int, points: bool, tensors: bool) -> float:
    hub = Hub(session, 30.0)
    sub = watcher(hub)
    await hub.tick()
    take(sub, 0)
    started = time.perf_counter()
    for n in range(1, frames + 1):
        feed(session, 10_000 + n, points, tensors)
        await hub.tick()
        take(sub, n)
    return time.perf_counter() - started


async def relayed_seconds(url: str, session: Session, frames: int, points: bool, tensors: bool) -> float:
    client = aioredis.Redis.from_url(url)
    prefix = f"neuroplay-bench-{secrets.token_hex(4)}:"
    await client.set(f"{prefix}lease:{session.id}", "a 1")
    publisher = LivePublisher(client, prefix, 30.0)  # ticked by hand, not by its loop
    publisher.add(session)
    await publisher.tick()
    mirror = LiveMirror(client, prefix, session.id, "b", session.history.max_points)
    await mirror.start()
    hub = Hub(mirror, 30.0)  # type: ignore[arg-type]
    sub = watcher(hub)
    try:
        while not publisher._sessions[session.id].watches.views:  # the mirror's watch reaches the holder
            await publisher.tick()
            await asyncio.sleep(0.01)
        await hub.tick()
        take(sub, 0)
        started = time.perf_counter()
        for n in range(1, frames + 1):
            feed(session, 20_000 + n, points, tensors)
            before = mirror.frames
            await publisher.tick()
            while (points and mirror.step != session.step) or (tensors and mirror.frames is before):
                await asyncio.sleep(0)
            await hub.tick()
            take(sub, n)
        return time.perf_counter() - started
    finally:
        await mirror.close()
        await publisher.close()
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def measure(url: str, frames: int) -> list[list[str]]:
    pool = EnginePool(spares=0)
    rows = []
    try:
        for label, points, tensors in (
            ("metric point (+25 losses)", True, False),
            ("tensor frame (~80 KB)", False, True),
        ):
            session = Session(
                "bench", "hash", SPECS, engines=pool, grid_size=8, display_hz=30.0, max_history_points=20_000
            )
            local = await local_seconds(session, frames, points, tensors)
            relayed = await relayed_seconds(url, session, frames, points, tensors)
            rows.append(
                [
                    label,
                    f"{local / frames * 1e6:.0f}",
                    f"{relayed / frames * 1e6:.0f}",
                    f"{(relayed - local) / frames * 1e6:.0f}",
                    f"{relayed / local:.1f}x",
                ]
            )
    finally:
        pool.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    rows = asyncio.run(measure(args.redis, args.frames))
    print_table(
        f"Live relay through Redis, {args.frames} display frames",
        ["per display frame", "local µs", "relayed µs", "Redis adds µs", "ratio"],
        rows,
    )


if __name__ == "__main__":
    main()
