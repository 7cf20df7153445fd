"""The load generator of bench_load.py: websocket watchers and a health poller, each group in a
process of its own so that the clients' own work never sits in the timings they take.

A watcher subscribes to a set of views and reads everything the server sends, as the browser does:
it keeps the metric points (checking that their steps only ever increase), and counts the binary
frames that brought a tensor newer than the one it had (a view "refreshing"). Frame headers are
parsed with json.loads, not pydantic: the generator shares the machine with the server it measures.
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import connect


@dataclass
class Shared:
    """Values the driver and every client process share (multiprocessing shared memory)."""

    window: Any  # doubles [begin, end]: the measured stretch (time.monotonic(), one clock for all)
    stop_at: Any  # double: when the watchers hang up (moved once the last points are in)
    connected: Any  # int with a lock: watchers with an open websocket
    last_steps: Any  # one int per watcher: the step of the last metric point it received


@dataclass
class WatcherReport:
    session: str
    connected: bool = False
    histories: int = 0  # history messages: 1 is the start; more means it fell behind or a run restarted
    steps: list[int] = field(default_factory=list)  # metric point steps, in the order received
    out_of_order: int = 0  # points whose step was not above the one before
    frames: int = 0  # binary messages
    fresh_frames: int = 0  # binary messages in the window carrying a newer tensor than the watcher had
    view_updates: dict[str, int] = field(default_factory=dict)  # per view: newer tensors in the window
    counters: list[tuple[float, int]] = field(default_factory=list)  # (time, step) first and last in the window
    errors: list[str] = field(default_factory=list)


def _record_headers(message: bytes) -> list[dict]:
    """The JSON headers of a binary message's tensor records (docs/protocol.md), data skipped."""
    headers, offset = [], 0
    while offset < len(message):
        (length,) = struct.unpack_from("<I", message, offset)
        header = json.loads(message[offset + 4 : offset + 4 + length])
        start = offset + 4 + length + ((-(4 + length)) % 4)
        count = 1
        for n in header["shape"]:
            count *= n
        headers.append(header)
        offset = start + 4 * count
    return headers


async def _watch(index: int, url: str, session: str, views: list[str], shared: Shared) -> WatcherReport:
    report = WatcherReport(session)
    latest: dict[str, int] = {}  # record key -> newest step seen
    try:
        # No keepalive pings: a browser sends none, and on a busy server their 20-s timeout ended
        # every watcher of a first version of this benchmark (a client artefact, not a server fault).
        options = {"compression": None, "max_size": None, "max_queue": None, "open_timeout": 60, "ping_interval": None}
        async with connect(url, **options) as ws:
            report.connected = True
            with shared.connected.get_lock():
                shared.connected.value += 1
            await ws.send(json.dumps({"type": "subscribe", "views": views}))
            while True:
                if time.monotonic() >= shared.stop_at.value:
                    break
                try:  # a short wait: the driver may move stop_at
                    message = await asyncio.wait_for(ws.recv(), timeout=0.25)
                except TimeoutError:
                    continue
                now = time.monotonic()
                begin, end = shared.window[0], shared.window[1]  # set by the driver once every session plays
                if isinstance(message, bytes):
                    report.frames += 1
                    fresh = False
                    for h in _record_headers(message):
                        key = f"{h['name']}/{h.get('layer')}/{h.get('param')}/{h.get('first_step')}"
                        if h["step"] > latest.get(key, -1):
                            latest[key] = h["step"]
                            fresh = True
                            if begin <= now <= end:
                                report.view_updates[h["view"]] = report.view_updates.get(h["view"], 0) + 1
                    if fresh and begin <= now <= end:
                        report.fresh_frames += 1
                    continue
                msg = json.loads(message)
                if msg["type"] == "history":
                    report.histories += 1
                    report.steps = [p["step"] for p in msg["points"]]
                    shared.last_steps[index] = report.steps[-1] if report.steps else -1
                elif msg["type"] == "metrics":
                    if begin <= now <= end:  # keep the first and the latest
                        report.counters[1 if report.counters else 0 :] = [(now, msg["step"])]
                    for p in msg["points"]:
                        if report.steps and p["step"] <= report.steps[-1]:
                            report.out_of_order += 1
                        report.steps.append(p["step"])
                    if msg["points"]:
                        shared.last_steps[index] = msg["points"][-1]["step"]
                elif msg["type"] == "error":
                    report.errors.append(f"{msg['code']}: {msg['message']}")
    except Exception as exc:  # a refused or dropped connection is a result, not a crash
        report.errors.append(f"{type(exc).__name__}: {exc}")
    return report


async def _watch_all(jobs: list[tuple[int, str, str]], views: list[str], shared: Shared) -> list[WatcherReport]:
    return list(await asyncio.gather(*(_watch(i, url, sid, views, shared) for i, url, sid in jobs)))


def run_watchers(jobs: list[tuple[int, str, str]], views: list[str], shared: Shared, out: Any) -> None:
    """Process entry: watch every (index, stream url, session id) in `jobs` until
    `shared.stop_at`; the reports go to the queue `out`."""
    reports = asyncio.run(_watch_all(jobs, views, shared))
    out.put([asdict(r) for r in reports])


def run_health_poller(url: str, period: float, shared: Shared, out: Any) -> None:
    """Process entry: GET /api/health every `period` seconds until `shared.stop_at`; the queue `out` gets
    [(monotonic time sent, milliseconds or None on timeout, status or None)]."""
    samples: list[tuple[float, float | None, int | None]] = []
    with httpx.Client(base_url=url, timeout=5) as client:
        next_at = time.monotonic()
        while time.monotonic() < shared.stop_at.value:
            sent = time.monotonic()
            started = time.perf_counter()
            try:
                status: int | None = client.get("/api/health").status_code
                samples.append((sent, (time.perf_counter() - started) * 1000, status))
            except httpx.HTTPError:
                samples.append((sent, None, None))
            next_at += period
            time.sleep(max(0.0, next_at - time.monotonic()))
    out.put(samples)
