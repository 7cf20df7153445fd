"""A session held by another node, kept up to date from Redis, for a Hub on this node:
`Hub(mirror, display_hz)` fans it out to this node's watchers as it would the session itself.

Three tasks per mirror, on the event loop:
- the reader: XREAD of the session's stream from id 0 (the stream starts with a snapshot), then
  BLOCK from the last id read; each entry applied at once (cluster/live_replica.py). After a gap it
  reads from 0 again, which starts at the newest snapshot. With no entry for a while it checks the
  holder's lease: gone (or an end event read) sets `holder_gone`, until a holder's snapshot comes.
- the frames: SUBSCRIBE to the session's frames channel, each message the new `frames` (latest-wins).
- the watch: this node's views and probe (from `watch`, as the Hub calls it) written to the
  session's watch hash while this node has watchers (even with no view open: the holder's engine
  then scores metric points at the display rate), and refreshed before its TTL runs out, for the
  holder to compute them.
Every Redis call has a timeout: Redis unreachable sets `problem` (and tells `on_change`) instead
of hanging, and the reader carries on from where it was once Redis answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..schemas.live import LiveDelta, LiveEnd, LiveSnapshot
from ..schemas.stream import ViewName
from ..sessions.hub_source import HubSource
from ..sessions.session_views import ProbeKey, check_probe_in
from ..task_stopping import cancel_and_wait
from .live_framing import decode_records
from .live_keys import LiveKeys
from .live_replica import LiveReplica
from .live_watches import watch_value

logger = logging.getLogger(__name__)
T = TypeVar("T")

BIG_SNAPSHOT = 200_000  # bytes of JSON parsed on a worker thread rather than on the event loop
READ_COUNT = 500  # stream entries per XREAD


class MirrorUnavailable(RuntimeError):
    """No snapshot of the session could be read: nobody publishes it, or Redis does not answer."""


class LiveMirror(LiveReplica):
    def __init__(
        self,
        redis: Any,
        prefix: str,
        session_id: str,
        node: str,
        max_history_points: int,
        *,
        block_ms: int = 1000,
        timeout_seconds: float = 2.0,
        watch_ttl_seconds: float = 6.0,
        start_timeout_seconds: float = 5.0,
        on_change: Callable[[LiveMirror], None] | None = None,
    ) -> None:
        """`redis`: a redis.asyncio.Redis (decode_responses=False); `node`: this node's id (its field
        in the watch hash); `max_history_points`: the holder's cap (the same setting on every node).
        `on_change` is called (on the event loop) whenever `problem` or `holder_gone` changes."""
        super().__init__(session_id, max_history_points)
        self.redis, self.node = redis, node
        self.keys = LiveKeys(prefix, session_id)
        self.block_ms = block_ms
        self.timeout_seconds = timeout_seconds
        self.watch_ttl_seconds = watch_ttl_seconds
        self.start_timeout_seconds = start_timeout_seconds
        self.on_change = on_change
        self.problem: str | None = None  # Redis did not answer: why, until it does again
        self._lease_missing = False
        self._last_id = b"0"
        self._views: frozenset[ViewName] = frozenset()
        self._watching = False  # this node has watchers (with or without views)
        self._probe: ProbeKey | None = None
        self._probe_serial = 0
        self._watch_dirty = asyncio.Event()
        self._pubsub: Any = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def holder_gone(self) -> bool:
        """Nobody publishes the session: its holder said so, or its lease is gone. The node should
        tell its watchers (and load the session itself, or find its new holder)."""
        return self.ended or self._lease_missing

    # ---- what a Hub calls ----
    def watch(self, views: frozenset[ViewName], probe: ProbeKey | None, *, watching: bool | None = None) -> None:
        """This node's watchers open `views` (one of them named `probe`); the holder computes them.
        `watching`: whether this node has watchers at all (by default, whether `views` has any):
        its entry stays in the watch hash while it does, views or none. Raises ProbeOutOfRange,
        changing nothing, for a sample the data does not have (checked here against the splits'
        sizes, so the watcher hears at once, as on the holder)."""
        if probe is not None:
            state = self.state()
            check_probe_in(probe, state.train_size, state.validation_size)
            self._probe, self._probe_serial = probe, self._probe_serial + 1
        self._views = views
        self._watching = bool(views or watching)
        self._watch_dirty.set()

    def refresh_telemetry(self) -> None:
        """Nothing to do here: the holder recomputes the views when this node's watch changes."""

    # ---- start and stop ----
    async def start(self) -> None:
        """Subscribe to the frames, read the stream up to its end (a snapshot and the deltas after
        it), then keep reading in the background. Raises MirrorUnavailable if no snapshot came
        within `start_timeout_seconds`."""
        self._pubsub = self.redis.pubsub()
        try:
            await self._call(self._pubsub.subscribe(self.keys.frames))
            deadline = asyncio.get_running_loop().time() + self.start_timeout_seconds
            while not self.synced:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    raise MirrorUnavailable(f"no snapshot of session {self.id} on {self.keys.stream}")
                await self._read(block_ms=max(1, min(self.block_ms, int(left * 1000))))
        except BaseException as exc:
            await self._close_pubsub()
            if isinstance(exc, MirrorUnavailable):
                raise
            if isinstance(exc, Exception):
                raise MirrorUnavailable(f"session {self.id}: {type(exc).__name__}: {exc}") from exc
            raise
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(job()) for job in (self._read_loop, self._frames_loop, self._watch_loop)]

    async def close(self) -> None:
        for task in self._tasks:
            await cancel_and_wait(task)
        self._tasks = []
        with contextlib.suppress(Exception):  # else its entry expires by itself
            await self._call(self.redis.hdel(self.keys.watch, self.node))
        await self._close_pubsub()

    # ---- the reader ----
    async def _read_loop(self) -> None:
        backoff = 0.1
        while True:
            try:
                got = await self._read(self.block_ms)
                if not got:
                    await self._check_lease()
                self._set_problem(None)
                backoff = 0.1
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:  # Redis unreachable or too slow: say so and try again
                self._set_problem(exc)
                await asyncio.sleep(backoff)
                backoff = min(2.0, backoff * 2)

    async def _read(self, block_ms: int) -> int:
        """Read and apply the entries after the last one read; returns how many."""
        reply = await self._call(
            self.redis.xread({self.keys.stream: self._last_id}, count=READ_COUNT, block=block_ms),
            extra=block_ms / 1000,
        )
        entries = _entries(reply)
        for entry_id, fields in entries:
            self._last_id = entry_id
            await self._apply(fields)
        return len(entries)

    async def _apply(self, fields: dict[bytes, bytes]) -> None:
        kind, body = fields.get(b"k"), fields.get(b"j", b"")
        pieces = decode_records(fields[b"s"]) if b"s" in fields else []
        if kind == b"snapshot":
            if len(body) > BIG_SNAPSHOT:
                snap = await asyncio.to_thread(LiveSnapshot.model_validate_json, body)
            else:
                snap = LiveSnapshot.model_validate_json(body)
            was_gone = self.holder_gone
            self.apply_snapshot(snap, pieces)
            self._lease_missing = False
            if was_gone:
                self._changed()
        elif kind == b"delta":
            if self.apply_delta(LiveDelta.model_validate_json(body), pieces) == "gap":
                logger.info("session %s: live events missed; reading again from the snapshot", self.id)
                self._last_id = b"0"  # the stream starts with the newest snapshot
        elif kind == b"end":
            was_gone = self.holder_gone
            self.apply_end(LiveEnd.model_validate_json(body).run)
            if self.holder_gone != was_gone:
                self._changed()

    async def _check_lease(self) -> None:
        missing = not await self._call(self.redis.exists(self.keys.lease))
        if missing != self._lease_missing:
            was_gone = self.holder_gone
            self._lease_missing = missing
            if self.holder_gone != was_gone:
                self._changed()

    # ---- the frames ----
    async def _frames_loop(self) -> None:
        while True:
            try:
                if self._pubsub is None:
                    self._pubsub = self.redis.pubsub()
                    await self._call(self._pubsub.subscribe(self.keys.frames))
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None and message.get("type") == "message":
                    self.take_frames(decode_records(message["data"]))
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except ValueError:
                logger.warning("session %s: an unreadable tensor frame was dropped", self.id)
            except Exception as exc:  # the connection broke: subscribe again (the reader reports it)
                logger.debug("session %s: frames subscription lost: %s", self.id, exc)
                await self._close_pubsub()
                await asyncio.sleep(0.5)

    async def _close_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pubsub.aclose(), self.timeout_seconds)

    # ---- the watch ----
    async def _watch_loop(self) -> None:
        written: tuple[frozenset[ViewName], int] | None = None
        while True:
            try:
                pipe = self.redis.pipeline(transaction=False)
                if self._watching:
                    value = watch_value(self._views, self._probe, self._probe_serial, self.watch_ttl_seconds)
                    pipe.hset(self.keys.watch, self.node, value)
                    pipe.pexpire(self.keys.watch, int(self.watch_ttl_seconds * 1000))
                    wanted: tuple[frozenset[ViewName], int] | None = (self._views, self._probe_serial)
                else:
                    pipe.hdel(self.keys.watch, self.node)
                    wanted = None
                self._watch_dirty.clear()
                if self._watching or written is not None:
                    await self._call(pipe.execute())
                written = wanted
                period = self.watch_ttl_seconds / 3
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:
                logger.debug("session %s: watch not written: %s", self.id, exc)
                self._watch_dirty.set()  # try again soon
                period = 0.5
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._watch_dirty.wait(), period)

    # ---- helpers ----
    async def _call(self, call: Awaitable[T], extra: float = 0.0) -> T:
        return await asyncio.wait_for(call, self.timeout_seconds + extra)

    def _set_problem(self, exc: BaseException | None) -> None:
        problem = None if exc is None else (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        if problem == self.problem:
            return
        if problem is not None and self.problem is None:
            logger.warning("session %s: Redis does not answer (%s)", self.id, problem)
        self.problem = problem
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            try:
                self.on_change(self)
            except Exception:
                logger.exception("session %s: on_change failed", self.id)


def _entries(reply: Any) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """XREAD's entries of the one stream read, in RESP2's shape (a list of [stream, entries]) or
    RESP3's (a dict stream -> entries)."""
    if not reply:
        return []
    streams = reply.values() if isinstance(reply, dict) else [entries for _, entries in reply]
    return [(entry_id, fields) for entries in streams for entry_id, fields in entries]


if TYPE_CHECKING:  # mypy checks that a mirror is what a Hub reads
    _mirror_is_a_hub_source: type[HubSource] = LiveMirror
