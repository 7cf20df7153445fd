"""Fan-out of one session's telemetry to everyone watching it.

One Hub per watched session runs a loop at display rate: it sends state when it changed, every new
metric point, and tensor frames computed once per frame for the union of the views the watchers have
open. Each watcher (Subscriber) has its own small outbox: text messages in order, metric points
accumulated until its connection is free, and tensors latest-wins. A slow watcher therefore never
slows training or the others, and its outbox cannot grow without bound.

A watcher's metric stream starts with its first subscribe (`Hub.start_stream`): the whole history, or
for a reconnecting watcher that still has a prefix of it, only the points it lacks.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from typing import Literal

from ..schemas.session import MetricPoint, SessionStatus
from ..schemas.stream import ErrorMessage, HistoryMessage, MetricsMessage, StateMessage, ViewName
from ..views.series import thin_batch_losses
from .hub_source import HubFrames, HubSource
from .session_views import ProbeKey
from .telemetry import EncodedRecord

Role = Literal["owner", "viewer"]


MAX_PENDING_TEXTS = 256  # unsent text messages (errors, pongs, states) before a watcher is dropped
# Tensor bytes a watcher is sent per second at most (issue 9: under 2 MB/s with every view open;
# metrics with 256 batch losses a frame take up to ~0.2 MB/s more). Small records go first, so a
# view of a few numbers keeps the display rate while neuron maps of a wide network wait their turn
# (latest-wins: they are never stale).
TENSOR_BYTES_PER_SECOND = 1_600_000
TENSOR_BURST_SECONDS = 0.25  # how much unused budget may be saved up
MAX_PENDING_SERIES = 256  # series pieces waiting for a watcher that reads nothing


Counters = tuple[int, SessionStatus, int, int]  # generation, status, step, epoch


class SharedMetrics:
    """One tick's metrics message, serialised at most once for every watcher whose pending metrics
    are exactly that tick's (the usual case: a watcher that keeps up). With 60 watchers this is one
    model_dump_json a tick instead of 60 on the event loop (measured: docs/performance.md)."""

    def __init__(self, counters: Counters, points: list[MetricPoint], losses: list[tuple[int, float]]) -> None:
        self.counters, self.points, self.losses = counters, points, losses
        self._json: str | None = None

    def matches(self, counters: Counters, points: list[MetricPoint], losses: list[tuple[int, float]]) -> bool:
        """Whether a watcher with these pending metrics would serialise the same message (the same
        objects: the hub hands every watcher the very points and losses it shares here)."""
        return counters == self.counters and _same_objects(points, self.points) and _same_objects(losses, self.losses)

    def json(self) -> str:
        if self._json is None:
            self._json = metrics_json(self.counters, self.points, self.losses)
        return self._json


def _same_objects(ours: list, theirs: list) -> bool:
    return len(ours) == len(theirs) and all(a is b for a, b in zip(ours, theirs))


def metrics_json(counters: Counters, points: list[MetricPoint], losses: list[tuple[int, float]]) -> str:
    generation, status, step, epoch = counters
    return MetricsMessage(
        generation=generation,
        status=status,
        step=step,
        epoch=epoch,
        points=points,
        batch_losses=thin_batch_losses(losses),
    ).model_dump_json()


class Subscriber:
    """One websocket's outbox."""

    def __init__(self, role: Role, max_pending_points: int) -> None:
        self.role: Role = role
        self.views: set[ViewName] = set()
        self.max_pending_points = max_pending_points
        self.texts: list[str] = []
        self.overflowed = False  # more unread text messages than MAX_PENDING_TEXTS
        self.points: list[MetricPoint] = []
        self.batch_losses: list[tuple[int, float]] = []  # since the last metrics message
        self.metrics_due = False
        self.counters: Counters = (0, "idle", 0, 0)
        self.shared_metrics: SharedMetrics | None = None  # this tick's message, if ours is the same
        self.tensors: dict[str, bytes] = {}
        # Tensor messages already joined for another watcher of the same hub, by their records (the
        # hub's, cleared with every new frame): watchers that keep up send one bytes object, joined once.
        self.joined: dict[tuple[bytes, ...], bytes] = {}
        self.series: list[bytes] = []  # pieces of series, in order; each is sent once
        self._budget = TENSOR_BYTES_PER_SECOND * TENSOR_BURST_SECONDS  # bytes it may be sent now
        self._budget_at = time.monotonic()
        self.min_step = -1  # points up to here were already sent in a history message
        self.generation = 0
        self.started = False  # the history (or a resume's catch-up) was sent: points may follow
        self.needs_history = False
        self._history_text: str | None = None  # a history message queued and not yet taken
        self.wakeup = asyncio.Event()
        # Set when the session left this node (many servers: its lease went to another): the
        # connection is closed after what is queued, and the client's resume reconnects it.
        self.close_reason: str | None = None
        self.owner_token: str | None = None  # kept once `auth` proved it, for commands sent elsewhere

    def push_text(self, text: str) -> None:
        if len(self.texts) >= MAX_PENDING_TEXTS:
            # The client sends faster than it reads: stop queueing; the connection gets closed.
            self.overflowed = True
            return
        self.texts.append(text)
        self.wakeup.set()

    def push_history(self, generation: int, points: list[MetricPoint]) -> None:
        self.generation = generation
        self.started = True
        self.points.clear()
        self.min_step = points[-1].step if points else -1
        # A history still unsent is superseded by this one: a stalled watcher of a long run keeps
        # at most one (up to max_history_points points) in its outbox, not one per catch-up.
        stale = self._history_text
        if stale is not None:
            self.texts = [text for text in self.texts if text is not stale]
        self._history_text = HistoryMessage(generation=generation, points=points).model_dump_json()
        self.push_text(self._history_text)

    def push_catch_up(self, counters: Counters, since_step: int, points: list[MetricPoint]) -> None:
        """Resume: the points after `since_step` go out in the next metrics message."""
        self.generation = counters[0]
        self.started = True
        self.counters = counters
        self.points = list(points)
        self.min_step = points[-1].step if points else since_step
        self.metrics_due = True
        self.wakeup.set()

    @property
    def history_held(self) -> bool:
        """Whether a history message is queued and not yet taken for sending."""
        return self._history_text is not None

    def take_texts(self) -> list[str]:
        """The text messages to send now, in order (a history among them is no longer held)."""
        texts, self.texts = self.texts, []
        if self._history_text is not None and any(text is self._history_text for text in texts):
            self._history_text = None
        return texts

    def push_points(self, generation: int, points: list[MetricPoint]) -> None:
        if not self.started or generation != self.generation:
            return
        fresh = [p for p in points if p.step > self.min_step]
        if len(self.points) + len(fresh) > self.max_pending_points:
            self.points.clear()
            self.needs_history = True  # far behind: resend the (thinned) history instead
        else:
            self.points.extend(fresh)
        self.metrics_due = True
        self.wakeup.set()

    def push_batch_losses(self, generation: int, pairs: list[tuple[int, float]]) -> None:
        if not self.started or generation != self.generation:
            return
        self.batch_losses.extend(pairs)
        if len(self.batch_losses) > self.max_pending_points:  # far behind: keep the newest
            del self.batch_losses[: len(self.batch_losses) - self.max_pending_points]
        self.metrics_due = True
        self.wakeup.set()

    def set_counters(self, counters: Counters) -> None:
        if counters != self.counters:
            self.counters = counters
            self.metrics_due = True
            self.wakeup.set()

    def push_series(self, pieces: list[EncodedRecord]) -> None:
        """Pieces of series (grad_norms): appended, not latest-wins, so no step goes missing. A
        watcher that reads nothing keeps only the newest MAX_PENDING_SERIES."""
        self.series.extend(frame for _, view, frame in pieces if view in self.views)
        del self.series[: max(0, len(self.series) - MAX_PENDING_SERIES)]
        self.wakeup.set()

    def set_tensors(self, frames: list[EncodedRecord]) -> None:
        for key, view, frame in frames:
            if view in self.views:
                self.tensors[key] = frame
        self.wakeup.set()

    def take_metrics(self) -> str | None:
        shared, self.shared_metrics = self.shared_metrics, None
        if not self.metrics_due:
            return None
        if shared is not None and shared.matches(self.counters, self.points, self.batch_losses):
            text = shared.json()
        else:
            text = metrics_json(self.counters, self.points, self.batch_losses)
        self.points = []
        self.batch_losses = []
        self.metrics_due = False
        return text

    def take_tensor_message(self, now: float | None = None) -> bytes | None:
        """The pending tensor records the byte budget allows now as one binary message (records
        back to back: one socket write instead of one per tensor), or None."""
        frames = self.take_tensors(now)
        if not frames:
            return None
        key = tuple(frames)
        message = self.joined.get(key)
        if message is None:
            message = self.joined[key] = b"".join(frames)
        return message

    def take_tensors(self, now: float | None = None) -> list[bytes]:
        """The pending tensor records the byte budget allows now (`now`: time.monotonic()),
        smallest first; the others stay pending (and are replaced by newer ones) until the budget
        refills."""
        now = time.monotonic() if now is None else now
        series, self.series = self.series, []  # small, and in order: they go first, always
        most = TENSOR_BYTES_PER_SECOND * TENSOR_BURST_SECONDS
        self._budget = min(most, self._budget + (now - self._budget_at) * TENSOR_BYTES_PER_SECOND)
        self._budget_at = now
        self._budget -= sum(len(frame) for frame in series)
        frames = series
        for key, frame in sorted(self.tensors.items(), key=lambda item: len(item[1])):
            # A record larger than the whole burst still goes, when the budget is full.
            if len(frame) <= self._budget or (not frames and self._budget >= most):
                frames.append(frame)
                self._budget -= len(frame)
                del self.tensors[key]
        return frames


class Hub:
    def __init__(self, session: HubSource, display_hz: float) -> None:
        # A live Session, or a mirror of one held by another node (cluster/live_mirror.py).
        self.session = session
        self.interval = 1.0 / display_hz
        self.subscribers: set[Subscriber] = set()
        self._state_version = -1
        self._generation = -1
        self._history_revision = -1
        self._last_step = -1
        self._last_loss_step = -1  # the last batch loss handed to the watchers
        self._series_serial = 0  # the last series piece handed to the watchers
        self.probe: ProbeKey | None = None  # named by the latest subscribe that named one
        self._frames: HubFrames | None = None
        self._views_dirty = False
        self.joined: dict[tuple[bytes, ...], bytes] = {}  # shared by the watchers (Subscriber.joined)
        self.task: asyncio.Task[None] | None = None
        self.ended: str | None = None  # why the session is no longer here (set from any thread)
        self.notice: ErrorMessage | None = None  # what its watchers are told before they are let go

    def end(self, reason: str, notice: ErrorMessage | None = None) -> None:
        """The session left this node: its watchers are told `notice` (if any) and disconnected
        at the next tick, to reconnect (wherever the session is now). Thread-safe: assignments the
        loop reads."""
        self.notice = notice
        self.ended = reason

    def add(self, sub: Subscriber) -> None:
        sub.push_text(StateMessage(state=self.session.state()).model_dump_json())
        sub.joined = self.joined
        self.subscribers.add(sub)
        self._tell_session()  # someone watches now, even before opening a view (no view changed)

    def start_stream(self, sub: Subscriber, since_step: int | None, generation: int | None) -> None:
        """Send the history, or only what a reconnecting watcher lacks: the points after `since_step`
        when `generation` is still current and the point at `since_step` is still in the history
        (otherwise the client's points may differ from ours, so it gets the whole history). Runs on
        the event loop, like tick(), so no point can slip between this and the next tick."""
        if sub.started:
            return
        s = self.session
        points = list(s.history.points)
        if since_step is not None and generation == s.generation:
            at = bisect.bisect_left(points, since_step, key=lambda p: p.step)
            if at < len(points) and points[at].step == since_step:
                sub.push_catch_up((s.generation, s.status, s.step, s.epoch), since_step, points[at + 1 :])
                return
        sub.push_history(s.generation, points)

    def remove(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        self.views_changed()

    def views_changed(self, probe: ProbeKey | None = None) -> None:
        """A watcher came, went, opened or closed views, or named a probe: the session computes the
        union of the views, for the latest probe named, from now on (and knows whether anyone
        watches at all). Raises ProbeOutOfRange (changing nothing) for a sample the data does not
        have."""
        self._tell_session(probe)
        if probe is not None:
            self.probe = probe
        self._views_dirty = True

    def _tell_session(self, probe: ProbeKey | None = None) -> None:
        views = frozenset(v for sub in self.subscribers for v in sub.views)
        self.session.watch(views, probe, watching=bool(self.subscribers))

    async def run(self) -> None:
        """Runs while anyone watches; the manager starts it and drops it when it returns."""
        while self.subscribers:
            started = time.perf_counter()
            await self.tick()
            await asyncio.sleep(max(0.0, self.interval - (time.perf_counter() - started)))

    async def tick(self) -> None:
        s = self.session
        subs = list(self.subscribers)
        if self.ended is not None:
            text = self.notice.model_dump_json() if self.notice is not None else None
            for sub in subs:
                if sub.close_reason is None and text is not None:
                    sub.push_text(text)
                sub.close_reason = self.ended
                sub.wakeup.set()
            return
        if s.state_version != self._state_version:
            self._state_version = s.state_version
            text = StateMessage(state=s.state()).model_dump_json()
            for sub in subs:
                sub.push_text(text)
        history = s.history
        fresh: list[MetricPoint] = []
        if s.generation != self._generation or history.revision != self._history_revision:
            # A new run, or points taken back (an engine process died): everyone starts over.
            new_run = s.generation != self._generation
            self._generation, self._history_revision = s.generation, history.revision
            points = list(history.points)
            self._last_step = points[-1].step if points else -1
            # Batch losses: a new run starts from none; after points were taken back the log was
            # cut back too, and the watchers already have what is left of it.
            losses = s.views.batch_losses.pairs
            self._last_loss_step = -1 if new_run or not losses else losses[-1][0]
            for sub in subs:
                if sub.started:  # the others get theirs when their stream starts
                    sub.push_history(s.generation, points)
        else:
            fresh = history.since(self._last_step)
            if fresh:
                self._last_step = fresh[-1].step
                for sub in subs:
                    sub.push_points(s.generation, fresh)
        pieces = s.views.series_since(self._series_serial)
        if pieces:
            self._series_serial = pieces[-1][0]
            for sub in subs:
                sub.push_series([frame for _, frame in pieces])
        losses = s.views.batch_losses.since(self._last_loss_step)
        if losses:
            self._last_loss_step = losses[-1][0]
            for sub in subs:
                sub.push_batch_losses(s.generation, losses)
        counters: Counters = (s.generation, s.status, s.step, s.epoch)
        shared = SharedMetrics(counters, fresh, losses)
        for sub in subs:
            if sub.needs_history and sub.started:
                sub.needs_history = False
                sub.push_history(s.generation, list(history.points))
            sub.set_counters(counters)
            sub.shared_metrics = shared
            if sub.tensors:  # records held back by the byte budget: try again this frame
                sub.wakeup.set()
        await self._update_tensors(subs)

    async def _update_tensors(self, subs: list[Subscriber]) -> None:
        s = self.session
        if self._views_dirty:
            self._views_dirty = False
            if not s.running:  # a running session recomputes at its next snapshot anyway
                await asyncio.to_thread(s.refresh_telemetry)
            self._frames = None  # resend, so a watcher that just subscribed gets every tensor
        frames = s.frames
        if frames is None or frames is self._frames:
            return
        self._frames = frames
        self.joined.clear()  # messages of older records are not sent again
        for sub in subs:
            sub.set_tensors(frames.frames)
