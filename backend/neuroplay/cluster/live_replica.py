"""A session held by another node, as a Hub reads it (sessions/hub_source.py), rebuilt from the
events of its stream (cluster/live_publisher.py): no Redis here, only how each event applies.

Points go through a MetricHistory of the same cap, appended one by one in order: its thinning is
deterministic, so the replica's history stays identical to the holder's. Every event is applied on
the event loop in one go, between two Hub ticks, so a hub never sees half of one.

Events of one run (one publisher's turn) are numbered. A delta applies only right after the one
before it; anything else means entries were missed (trimmed while this node was cut off) and the
replica waits for a snapshot, which applies either as a catch-up (the same run, generation and
history revision: the points, losses and pieces it lacks, appended) or as a fresh start (the
history replaced, so the hub resends it whole).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from ..schemas.live import LiveCounters, LiveDelta, LiveSnapshot
from ..schemas.session import MetricPoint, SessionState, SessionStatus
from ..sessions.history import MetricHistory
from ..sessions.session_views import BatchLossLog, SeriesLog
from ..sessions.telemetry import EncodedRecord

Applied = Literal["applied", "skipped", "gap"]


@dataclass(frozen=True)
class RelayedFrames:
    """The latest tensor frame received (TelemetryFrames for a Hub); replaced whole."""

    frames: list[EncodedRecord]


class ReplicaViews:
    """What a Hub reads of SessionViews: the batch losses and the numbered series pieces (numbered
    here: a new holder numbers its own from 1 again)."""

    def __init__(self) -> None:
        self.batch_losses = BatchLossLog()
        self.series = SeriesLog()

    def series_since(self, serial: int) -> list[tuple[int, EncodedRecord]]:
        return self.series.since(serial)


class LiveReplica:
    def __init__(self, session_id: str, max_history_points: int) -> None:
        self.id = session_id
        self.history = MetricHistory(max_history_points)
        self.views = ReplicaViews()
        self.frames: RelayedFrames | None = None
        self.owner_token_hash = ""
        self.state_version = 0  # bumped with every state received
        self.generation = 0
        self.status: SessionStatus = "idle"
        self.step = 0
        self.epoch = 0
        self.synced = False  # a snapshot was applied and every event since
        self.ended = False  # the holder said it stopped publishing this run
        self._state: SessionState | None = None
        self._run: str | None = None
        self._seq = 0
        self._holder_state_version = -1
        self._revision = -1  # the holder's history revision
        self._series_serial = 0  # the holder's number of the last series piece taken

    @property
    def running(self) -> bool:
        return self.status == "running"

    def state(self) -> SessionState:
        """The last state received, with the counters as they are now (the holder's state() reads
        its counters at each call too)."""
        if self._state is None:
            raise RuntimeError(f"no snapshot of session {self.id} received yet")
        update = {"status": self.status, "step": self.step, "epoch": self.epoch, "generation": self.generation}
        return self._state.model_copy(update=update)

    # ---- events ----
    def apply_snapshot(self, snap: LiveSnapshot, pieces: list[EncodedRecord]) -> None:
        same = (snap.run, snap.counters.generation, snap.revision) == (self._run, self.generation, self._revision)
        if same:  # the same history, perhaps further on: take what is missing
            for point in _after(snap.points, self.history.steps[-1] if self.history.steps else -1):
                self.history.append(point)
            self._take_losses(snap.batch_losses)
        else:  # another run, generation or revision: start over
            if snap.run != self._run:
                self._series_serial = 0  # a new holder numbers its pieces from 1
            self.generation, self._revision = snap.counters.generation, snap.revision
            self.history.replace(snap.points)
            self.views.batch_losses.clear()
            self.views.batch_losses.extend(snap.batch_losses)
        self._take_series(snap.series_serials, pieces)
        if snap.run != self._run or snap.state_version != self._holder_state_version:
            self._take_state(snap.state, snap.state_version)
        self.owner_token_hash = snap.owner_token_hash
        self._take_counters(snap.counters)
        self._run, self._seq = snap.run, snap.seq
        self.synced, self.ended = True, False

    def apply_delta(self, delta: LiveDelta, pieces: list[EncodedRecord]) -> Applied:
        if not self.synced:
            return "skipped"  # waiting for a snapshot
        if delta.run == self._run and delta.seq <= self._seq:
            return "skipped"  # read twice (a re-read from the start)
        if delta.run != self._run or delta.seq != self._seq + 1:
            self.synced = False
            return "gap"
        self._seq = delta.seq
        if delta.state is not None:
            self._take_state(delta.state, delta.state_version)
        if delta.reset is not None:
            reset = delta.reset
            self.generation, self._revision = reset.generation, reset.revision
            self.history.replace(reset.points)  # the hub sees the revision move and resends it
            self.views.batch_losses.clear()
            self.views.batch_losses.extend(reset.batch_losses)
        for point in delta.points:
            self.history.append(point)
        self._take_losses(delta.batch_losses)
        self._take_series(delta.series_serials, pieces)
        self._take_counters(delta.counters)
        return "applied"

    def apply_end(self, run: str) -> None:
        if run == self._run:
            self.ended = True

    def take_frames(self, records: list[EncodedRecord]) -> None:
        self.frames = RelayedFrames(records)

    # ---- parts ----
    def _take_state(self, state: SessionState, holder_version: int) -> None:
        self._state, self._holder_state_version = state, holder_version
        self.state_version += 1

    def _take_losses(self, pairs: list[tuple[int, float]]) -> None:
        log = self.views.batch_losses
        last = log.pairs[-1][0] if log.pairs else -1
        at = bisect.bisect_right([step for step, _ in pairs], last)
        if at < len(pairs):
            log.extend(pairs[at:])

    def _take_series(self, serials: list[int], pieces: list[EncodedRecord]) -> None:
        fresh = [piece for serial, piece in zip(serials, pieces) if serial > self._series_serial]
        if serials:
            self._series_serial = max(self._series_serial, serials[-1])
        self.views.series.add(fresh)

    def _take_counters(self, counters: LiveCounters) -> None:
        # The generation moves with a reset or a snapshot only, together with the history it goes with.
        self.status, self.step, self.epoch = counters.status, counters.step, counters.epoch


def _after(points: list[MetricPoint], step: int) -> list[MetricPoint]:
    return points[bisect.bisect_right([p.step for p in points], step) :]
