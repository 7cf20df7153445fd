"""The holder's side of the live relay: one loop per node, at display rate, publishes what changed
in every session the node holds, so that watchers on other nodes see it (cluster/live_mirror.py).

Per session and tick, in one pipelined round trip for all of the node's sessions:
- one entry on the session's stream (`{prefix}live:{id}`, XADD): a delta of the tick
  (cluster/live_deltas.py), or a snapshot of everything, written first and again once the deltas
  since the last one outweigh it; a snapshot trims the stream before itself in the same Lua call,
  so the stream always starts with a complete snapshot and stays about twice a snapshot's size;
- its tensor frames, PUBLISHed on `{prefix}frames:{id}` (latest-wins, framed by live_framing.py),
  only the views another node watches and only while one does;
- a read of its watch hash (live_watches.py), applied to the session when the round trip returns.
A round trip that fails (Redis down or slower than `timeout_seconds`) commits nothing: the next
one sends a snapshot of each session instead, so a mirror never misses what the failed one held.

`add` and `remove` may be called from any thread; `start` and `close` on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..sessions.hub_source import HubFrames
from ..task_stopping import cancel_and_wait
from .live_deltas import Fields, LiveSource, Marks, SnapshotParts, delta, end_entry
from .live_framing import encode_records
from .live_keys import LiveKeys
from .live_watches import RemoteWatches

logger = logging.getLogger(__name__)

# KEYS: stream. ARGV: ttl ms, then the entry's field, value pairs. Appends the snapshot, drops every
# entry before it and keeps the stream alive for the TTL; returns the snapshot's id.
_SNAPSHOT = """
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('XTRIM', KEYS[1], 'MINID', id)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return id
"""


class Published:
    """One held session and where its published events stand."""

    def __init__(self, session: LiveSource, prefix: str) -> None:
        self.session = session
        self.keys = LiveKeys(prefix, session.id)
        self.run = secrets.token_hex(8)  # a new publisher's turn: mirrors start over from its snapshot
        self.seq = 0
        self.marks = Marks()
        self.watches = RemoteWatches()
        self.snapshot_due = True
        self.snapshot_bytes = 0  # the size of the last snapshot
        self.since_snapshot = 0  # bytes of deltas written since
        self.snapshot_at = 0.0
        self.expire_at = 0.0  # when the stream's TTL is next refreshed
        self.frames_sent: HubFrames | None = None
        self.resend_frames = False  # other nodes' views changed: publish the current frames again
        self.expired: list[bytes] = []  # watch fields to delete

    def next_seq(self) -> int:
        # Never reused, even by a round trip that failed: a mirror that saw some of its entries
        # and not the rest sees a number skipped and starts over from the next snapshot.
        self.seq += 1
        return self.seq


class LivePublisher:
    def __init__(
        self,
        redis: Any,
        prefix: str,
        display_hz: float,
        *,
        snapshot_min_seconds: float = 5.0,
        snapshot_min_bytes: int = 64_000,
        stream_ttl_seconds: float = 3600.0,
        timeout_seconds: float = 2.0,
    ) -> None:
        """`redis`: a redis.asyncio.Redis (decode_responses=False). A snapshot is written at most
        every `snapshot_min_seconds` and only once the deltas since the last one add up to its size
        (and `snapshot_min_bytes`); a stream nobody writes to expires after `stream_ttl_seconds`."""
        self.redis, self.prefix = redis, prefix
        self.interval = 1.0 / display_hz
        self.snapshot_min_seconds = snapshot_min_seconds
        self.snapshot_min_bytes = snapshot_min_bytes
        self.stream_ttl_ms = int(stream_ttl_seconds * 1000)
        self.timeout_seconds = timeout_seconds
        self.problem: str | None = None  # why the last round trip failed, until one succeeds
        self._snapshot = redis.register_script(_SNAPSHOT)
        self._lock = threading.Lock()  # add/remove come from the manager's threads
        self._sessions: dict[str, Published] = {}
        self._ended: list[Published] = []  # removed: their end event is still to be written
        self._task: asyncio.Task[None] | None = None

    # ---- the sessions ----
    def add(self, session: LiveSource) -> None:
        """Publish the session from now on (the node holds its lease and has loaded it)."""
        with self._lock:
            if session.id not in self._sessions:
                self._sessions[session.id] = Published(session, self.prefix)

    def remove(self, session_id: str) -> None:
        """Stop publishing it (the node dropped it or lost its lease); its mirrors are told."""
        with self._lock:
            published = self._sessions.pop(session_id, None)
            if published is not None:
                self._ended.append(published)  # its other nodes' views are cleared by the next tick

    def published(self) -> list[str]:
        with self._lock:
            return list(self._sessions)

    # ---- the loop ----
    def start(self) -> None:
        """Start the loop (call on the event loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        """Stop the loop; every session still published gets its end event (if Redis answers)."""
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        for session_id in self.published():
            self.remove(session_id)
        await self.tick()

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            try:
                await self.tick()
            except Exception:  # a bug in one tick must not stop every session's relay
                logger.exception("live publisher tick failed")
            await asyncio.sleep(max(0.0, self.interval - (time.perf_counter() - started)))

    async def tick(self) -> None:
        """One round trip for every session (the loop's work; tests and benchmarks call it)."""
        with self._lock:
            sessions = list(self._sessions.values())
            ended, self._ended = self._ended, []
        now = time.monotonic()
        pipe = self.redis.pipeline(transaction=False)
        handlers: list[Callable[[Any], None]] = []  # one per command queued, in order

        def queue(handler: Callable[[Any], None] = ignore) -> None:
            handlers.append(handler)

        for p in ended:
            p.watches.clear(p.session)  # here, on the loop, where watches are applied
            pipe.xadd(p.keys.stream, end_entry(p.run, p.next_seq()))
            queue()
            pipe.pexpire(p.keys.stream, min(self.stream_ttl_ms, 60_000))  # nobody writes it any more
            queue()
        due = [p for p in sessions if self._snapshot_is_due(p, now)]
        parts = [SnapshotParts(p.session, p.run, p.next_seq()) for p in due]
        if parts:  # a long history is MBs of JSON: serialised off the event loop
            snapshots = dict(zip(due, await asyncio.to_thread(lambda: [part.fields() for part in parts])))
        else:
            snapshots = {}
        for p, part in zip(due, parts):
            fields = snapshots[p]
            await self._snapshot(keys=[p.keys.stream], args=[self.stream_ttl_ms, *flatten(fields)], client=pipe)
            queue(committer(p, part.marks(), size(fields), snapshot=True, now=now))
            p.expire_at = now + self.stream_ttl_ms / 2000
        for p in sessions:
            if p not in snapshots:
                marks, changes = delta(p.session, p.marks, p.run, p.seq + 1)
                if changes is not None:
                    p.next_seq()
                    pipe.xadd(p.keys.stream, changes)
                    queue(committer(p, marks, size(changes), snapshot=False, now=now))
                if now >= p.expire_at:  # a session that changes nothing for long keeps its stream
                    pipe.pexpire(p.keys.stream, self.stream_ttl_ms)
                    queue(set_later(p, "expire_at", now + self.stream_ttl_ms / 2000))
            self._queue_frames(p, pipe, queue)
            if p.expired:
                pipe.hdel(p.keys.watch, *p.expired)
                queue(set_later(p, "expired", []))
            pipe.hgetall(p.keys.watch)
            queue(functools.partial(self._take_watches, p))
        if not handlers:
            return
        try:
            results = await asyncio.wait_for(pipe.execute(), self.timeout_seconds)
        except Exception as exc:  # unreachable, or slower than the timeout: everything goes again
            self._failed(sessions, exc)
            return
        finally:
            with contextlib.suppress(Exception):
                await pipe.reset()
        if self.problem is not None:
            logger.warning("live relay: Redis answers again")
            self.problem = None
        refresh = []
        for handler, result in zip(handlers, results):
            if isinstance(result, Exception):
                logger.warning("live relay: a command failed: %s", result)
                continue
            handler(result)
        for p in sessions:
            if p.resend_frames and p.watches.views and not p.session.running:
                refresh.append(p.session)  # a stopped session computes newly watched views now
        for session in refresh:
            await asyncio.to_thread(session.refresh_telemetry)

    # ---- parts of a tick ----
    def _snapshot_is_due(self, p: Published, now: float) -> bool:
        if p.snapshot_due:
            return True
        outweighs = p.since_snapshot >= max(p.snapshot_bytes, self.snapshot_min_bytes)
        return outweighs and now - p.snapshot_at >= self.snapshot_min_seconds

    def _queue_frames(self, p: Published, pipe: Any, queue: Callable[[Callable[[Any], None]], None]) -> None:
        frames = p.session.frames
        if not p.watches.views or frames is None or (frames is p.frames_sent and not p.resend_frames):
            return
        records = [record for record in frames.frames if record[1] in p.watches.views]
        pipe.publish(p.keys.frames, encode_records(records))

        def sent(_: Any) -> None:
            p.frames_sent = frames
            p.resend_frames = False

        queue(sent)

    def _take_watches(self, p: Published, raw: dict[bytes, bytes]) -> None:
        with self._lock:
            if self._sessions.get(p.session.id) is not p:
                return  # removed meanwhile: its other nodes' views were cleared already
        changed, expired = p.watches.apply(p.session, raw)
        p.expired = expired
        if changed:
            p.resend_frames = True

    def _failed(self, sessions: list[Published], exc: BaseException) -> None:
        problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if self.problem is None:
            logger.warning("live relay: Redis did not answer (%s); trying again", problem)
        self.problem = problem
        for p in sessions:
            p.snapshot_due = True
            p.resend_frames = True


def ignore(_: Any) -> None:
    pass


def set_later(target: object, name: str, value: object) -> Callable[[Any], None]:
    return lambda _: setattr(target, name, value)


def committer(p: Published, marks: Marks, written: int, snapshot: bool, now: float) -> Callable[[Any], None]:
    """What a stream entry changes once Redis took it."""

    def commit(_: Any) -> None:
        p.marks = marks
        if snapshot:
            p.snapshot_due = False
            p.snapshot_bytes, p.since_snapshot, p.snapshot_at = written, 0, now
        else:
            p.since_snapshot += written

    return commit


def size(fields: Fields) -> int:
    return sum(len(value) for value in fields.values())


def flatten(fields: Fields) -> list[bytes]:
    return [part for pair in fields.items() for part in pair]


if TYPE_CHECKING:  # mypy checks that a Session is what the publisher reads
    from ..sessions.session import Session

    _session_is_a_live_source: type[LiveSource] = Session
