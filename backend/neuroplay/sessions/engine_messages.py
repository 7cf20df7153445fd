"""What the server and an engine process (engine_process.py) say to each other over their socket.

Both ends are this same package in the same version, so the messages are pickled dataclasses rather
than pydantic models: nothing outside the server ever sees them (docs/decisions.md).
One `Start` (which names the watched views) is answered by `Progress` and `Saved` messages while training runs and by exactly one
`Stopped`, whether the server asked for it (`Stop`) or training ended by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..schemas.errors import Problem
from ..schemas.session import MetricPoint
from ..views.registry import Record
from .build import Specs, TrainingArrays
from .engine_state import EngineState


@dataclass(frozen=True)
class Pace:
    """How the engine process paces its loop and its reports."""

    steps_per_second: float | None  # None: flat out
    snapshot_interval: float  # seconds between weight snapshots (the display rate)
    point_interval: float  # at most one metric point per this many seconds (at epoch ends)
    checkpoint_interval: float  # seconds between Saved messages


# ---- server -> engine process ----
@dataclass(frozen=True)
class Start:
    job: int  # numbered by the process's EngineWorker; a Stop names the job it stops
    specs: Specs
    data_key: str  # names `data`; the process keeps the last one, so a repeated play sends None
    data: TrainingArrays | None
    state: EngineState
    pace: Pace
    views: frozenset[str] = frozenset()  # the views watched now (later changes come as Watch)
    probe: tuple[str, int] | None = None  # (split, index) of the probe sample
    watched: bool = False  # anyone watches the session, with or without a view open


@dataclass(frozen=True)
class Watch:
    """The watched views, the probe or whether anyone watches changed: the running job computes
    these, and paces its metric points for them, from now on."""

    job: int
    views: frozenset[str]
    probe: tuple[str, int] | None
    watched: bool


@dataclass(frozen=True)
class Stop:
    job: int


# ---- engine process -> server ----
@dataclass(frozen=True)
class Progress:
    """Sent at display rate: the counters, the metric points since the last message, the weights,
    the records of the watched engine views (and which views were computed: none when nobody
    watches), and every batch's [step, loss] since the last message (thinned to 256)."""

    step: int
    epoch: int
    points: list[MetricPoint]
    weights: dict[str, np.ndarray]
    records: list[Record] = field(default_factory=list)
    computed: tuple[str, ...] = ()
    batch_losses: list[tuple[int, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Saved:
    """The whole engine state, every `checkpoint_interval`, for the store."""

    state: EngineState
    points: list[MetricPoint]  # points not yet sent, so the checkpoint's history is complete


@dataclass(frozen=True)
class Stopped:
    """Training ended: asked to (`Stop`), diverged, or failed. `state` is where it ended (for a
    divergence: the weights of the last good step)."""

    state: EngineState
    points: list[MetricPoint]
    diverged: str | None = None  # where a NaN/Inf appeared (at step state.step + 1)
    error: Problem | None = None  # an unexpected engine failure, for the user
    batch_losses: list[tuple[int, float]] = field(default_factory=list)  # since the last Progress
