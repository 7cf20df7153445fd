"""What Hub.tick reads of a session, as plain data: the hub's tests and the fan-out benchmark
(benchmarks/bench_fanout.py) drive a real Hub with it, without an engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from neuroplay.sessions.history import MetricHistory
from neuroplay.sessions.session_views import BatchLossLog


@dataclass
class Frames:
    frames: list[tuple[str, str, bytes]]


@dataclass
class FakeViews:
    batch_losses: BatchLossLog = field(default_factory=BatchLossLog)

    def series_since(self, serial: int) -> list:
        return []


@dataclass
class FakeSession:
    """state_version -1: the hub has sent the state already (no state message to send)."""

    history: MetricHistory = field(default_factory=lambda: MetricHistory(100_000))
    views: FakeViews = field(default_factory=FakeViews)
    generation: int = 1
    status: str = "running"
    step: int = 0
    epoch: int = 0
    state_version: int = -1
    running: bool = True
    frames: Frames | None = None
