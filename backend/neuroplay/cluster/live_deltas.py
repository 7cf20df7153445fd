"""What changed in one held session since the events last published for it, as stream entries.

The same reading of a session as Hub.tick's (sessions/hub.py): state when `state_version` moved, a
reset when the generation or the history's revision did (else the points after the last one sent),
the batch losses and series pieces after the last ones sent, the counters. Making an entry changes
nothing here: the publisher commits the marks it returns only once Redis took the entry, so a
failed round trip is sent again (as part of a snapshot) rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from ..schemas.live import LiveCounters, LiveDelta, LiveEnd, LiveReset, LiveSnapshot
from ..schemas.stream import ViewName
from ..sessions.hub_source import HubSource
from ..sessions.session_views import ProbeKey, SessionViews
from .live_framing import encode_records

Fields = dict[bytes, bytes]  # one stream entry: k (kind), j (JSON), s (framed series pieces, if any)


class LiveSource(HubSource, Protocol):
    """What the holder's publisher reads of a session, beyond what a Hub reads (a Session is one)."""

    @property
    def owner_token_hash(self) -> str: ...

    @property
    def views(self) -> SessionViews: ...

    def watch(
        self, views: frozenset[ViewName], probe: ProbeKey | None, source: str = "local", watching: bool | None = None
    ) -> None: ...


@dataclass(frozen=True)
class Marks:
    """Where the published events of a session stand (as the Hub's private fields do for a hub)."""

    state_version: int = -1
    generation: int = -1
    revision: int = -1
    last_step: int = -1
    last_loss_step: int = -1
    series_serial: int = 0
    counters: LiveCounters | None = None


class SnapshotParts:
    """A snapshot's data copied on the event loop at one moment; serialised later on a thread (a
    long history is a few MB of JSON)."""

    def __init__(self, session: LiveSource, run: str, seq: int) -> None:
        s = session
        self.run, self.seq = run, seq
        self.state_version = s.state_version  # read before state(): a change meanwhile is sent again
        self.state = s.state()
        self.owner_token_hash = s.owner_token_hash
        self.revision = s.history.revision
        self.points = list(s.history.points)
        self.batch_losses = list(s.views.batch_losses.pairs)
        self.series = s.views.series_since(0)
        self.counters = counters_of(s)

    def marks(self) -> Marks:
        return Marks(
            state_version=self.state_version,
            generation=self.counters.generation,
            revision=self.revision,
            last_step=self.points[-1].step if self.points else -1,
            last_loss_step=self.batch_losses[-1][0] if self.batch_losses else -1,
            series_serial=self.series[-1][0] if self.series else 0,
            counters=self.counters,
        )

    def fields(self) -> Fields:
        """The entry (call on a worker thread)."""
        body = LiveSnapshot(
            run=self.run,
            seq=self.seq,
            owner_token_hash=self.owner_token_hash,
            state_version=self.state_version,
            state=self.state,
            revision=self.revision,
            points=self.points,
            batch_losses=self.batch_losses,
            series_serials=[serial for serial, _ in self.series],
            counters=self.counters,
        )
        return entry("snapshot", body.model_dump_json().encode(), [record for _, record in self.series])


def counters_of(s: HubSource) -> LiveCounters:
    return LiveCounters(generation=s.generation, status=s.status, step=s.step, epoch=s.epoch)


def entry(kind: str, body: bytes, series: list | None = None) -> Fields:
    fields = {b"k": kind.encode(), b"j": body}
    if series:
        fields[b"s"] = encode_records(series)
    return fields


def end_entry(run: str, seq: int) -> Fields:
    return entry("end", LiveEnd(run=run, seq=seq).model_dump_json().encode())


def delta(s: LiveSource, marks: Marks, run: str, seq: int) -> tuple[Marks, Fields | None]:
    """The tick's entry (None when nothing changed) and the marks once it is published."""
    state_version = s.state_version
    state = s.state() if state_version != marks.state_version else None
    history = s.history
    generation, revision = s.generation, history.revision
    reset = None
    points: list = []
    last_step, last_loss_step = marks.last_step, marks.last_loss_step
    if generation != marks.generation or revision != marks.revision:
        # A new run or points taken back: the mirror starts its curve and its loss log over.
        everything = list(history.points)
        losses = list(s.views.batch_losses.pairs)
        reset = LiveReset(generation=generation, revision=revision, points=everything, batch_losses=losses)
        last_step = everything[-1].step if everything else -1
        last_loss_step = losses[-1][0] if losses else -1
        fresh_losses: list[tuple[int, float]] = []
    else:
        points = history.since(last_step)
        if points:
            last_step = points[-1].step
        fresh_losses = s.views.batch_losses.since(last_loss_step)
        if fresh_losses:
            last_loss_step = fresh_losses[-1][0]
    pieces = s.views.series_since(marks.series_serial)
    counters = counters_of(s)
    if (
        state is None
        and reset is None
        and not points
        and not fresh_losses
        and not pieces
        and counters == marks.counters
    ):
        return marks, None
    body = LiveDelta(
        run=run,
        seq=seq,
        state_version=state_version,
        state=state,
        reset=reset,
        points=points,
        batch_losses=fresh_losses,
        series_serials=[serial for serial, _ in pieces],
        counters=counters,
    )
    new_marks = replace(
        marks,
        state_version=state_version,
        generation=generation,
        revision=revision,
        last_step=last_step,
        last_loss_step=last_loss_step,
        series_serial=pieces[-1][0] if pieces else marks.series_serial,
        counters=counters,
    )
    return new_marks, entry("delta", body.model_dump_json().encode(), [record for _, record in pieces])
