"""What nodes of a cluster tell one another about a live session through Redis (cluster/live_*.py):
the JSON of the events on a session's stream, and what a node watches of a session held elsewhere.

Between servers only, never sent to a browser, so not exported to shared_schemas/. The binary parts
(series pieces, tensor frames) are framed by cluster/live_framing.py.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel
from .inspect import ProbeRef
from .session import MetricPoint, SessionState, SessionStatus
from .stream import ViewName

# The stream entry's `k` field: what its `j` field holds.
LiveKind = Literal["snapshot", "delta", "end"]


class LiveCounters(WireModel):
    generation: int
    status: SessionStatus
    step: int
    epoch: int


class LiveEntry(WireModel):
    """What every event carries: which publisher wrote it and its place in that publisher's order."""

    run: str = Field(description="One publisher's turn with the session: new when a node starts publishing it.")
    seq: int = Field(description="1, 2, 3... within a run: a mirror that sees a number skipped has missed events.")


class LiveReset(WireModel):
    """A new run (generation) or points taken back (history revision): the curve starts over."""

    generation: int
    revision: int = Field(description="The holder's MetricHistory.revision.")
    points: list[MetricPoint]
    batch_losses: list[tuple[int, float]] = Field(description="The holder's whole batch-loss log after the reset.")


class LiveDelta(LiveEntry):
    """What changed in one display tick, in the order a Hub hands it on: the state (when it
    changed), a reset, the new points, the new batch losses, the new series pieces (their bytes in
    the entry's `s` field, their holder serials here) and the counters."""

    state_version: int = Field(description="The holder's Session.state_version.")
    state: SessionState | None = None
    reset: LiveReset | None = None
    points: list[MetricPoint] = Field(default_factory=list)
    batch_losses: list[tuple[int, float]] = Field(default_factory=list)
    series_serials: list[int] = Field(default_factory=list)
    counters: LiveCounters


class LiveSnapshot(LiveEntry):
    """Everything a mirror needs to start from: the first entry of the stream (older ones are
    trimmed when a new snapshot is written), and written again as the stream grows. The series
    pieces the holder keeps are in the entry's `s` field, their serials here."""

    owner_token_hash: str
    state_version: int
    state: SessionState
    revision: int
    points: list[MetricPoint]
    batch_losses: list[tuple[int, float]]
    series_serials: list[int]
    counters: LiveCounters


class LiveEnd(LiveEntry):
    """The holder stopped publishing the session (it unloaded it or gave up its lease)."""


class LiveWatch(WireModel):
    """What one node's watchers open of a session held elsewhere: a field of the session's watch
    hash, keyed by the node, written by its mirror while the node has watchers (views open or
    not) and read by the holder every tick."""

    views: list[ViewName]
    probe: ProbeRef | None = Field(None, description="The probe this node's watchers named last.")
    probe_serial: int = Field(0, description="Counts the probes this node named: a probe named again wins again.")
    until_ms: int = Field(description="Wall-clock milliseconds after which the holder ignores this entry.")
