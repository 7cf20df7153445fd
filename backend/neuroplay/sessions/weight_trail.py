"""The weights a session showed, kept so that the loss landscape can draw the optimizer's path from
before its tab was opened: every published snapshot (one per display frame while it plays, one per
step or edit while it is stopped) is offered, and a bounded number are kept, evenly thinned.

Each kept point is a real snapshot's weights, never an interpolation: when the trail is full every
other point is dropped and from then on only every second snapshot offered is kept (the spacing
doubles, as often as needed), so the kept points stay evenly spread from the first to the newest. The
newest snapshot is always kept besides, so the path ends where the weights are.

A new network (generation) starts the trail again; so does a step counter that goes back (a restore).
A model too large for the memory budget keeps no trail at all, and the browser then says its path
starts when the tab was opened.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .telemetry import Snapshot

# Floats kept per session at most (2 MB of float32: a playground MLP's 400 points take kilobytes);
# at most MAX_POINTS points, and at least MIN_POINTS (fewer would not draw a path worth the name), so
# models beyond about 31,000 weights keep none.
BUDGET_FLOATS = 500_000
MAX_POINTS = 400
MIN_POINTS = 16


@dataclass(frozen=True)
class TrailView:
    """What the trail holds now: (step, weights) oldest first, the newest included."""

    points: tuple[tuple[int, dict[str, np.ndarray]], ...]
    generation: int
    thinned: bool  # points were dropped to stay within the budget


class WeightTrail:
    """Offered every published snapshot (by the engine's reader thread or a holder of the session's
    control lock), read by landscape requests on other threads: a lock keeps the two apart."""

    def __init__(self, budget_floats: int = BUDGET_FLOATS, max_points: int = MAX_POINTS) -> None:
        self._budget = budget_floats
        self._max_points = max_points
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._capacity = 0  # 0: the model is too large to keep a trail
        self._kept: list[tuple[int, dict[str, np.ndarray]]] = []
        self._newest: tuple[int, dict[str, np.ndarray]] | None = None
        self._stride = 1  # keep every stride-th snapshot offered
        self._offered = 0
        self._thinned = False

    def offer(self, snapshot: Snapshot) -> None:
        weights, step = snapshot.weights, snapshot.step
        with self._lock:
            newest = self._newest
            if snapshot.generation != self._generation or (newest is not None and step < newest[0]):
                self._start(snapshot.generation, weights)
            if not self._capacity:
                return
            if self._newest is not None and self._newest[0] == step:
                # The same step again (an edit moved the weights in place, or a pause republished it).
                if self._kept and self._kept[-1][0] == step:
                    self._kept[-1] = (step, weights)
                self._newest = (step, weights)
                return
            self._newest = (step, weights)
            if self._offered % self._stride == 0:
                self._kept.append((step, weights))
                if len(self._kept) > self._capacity:
                    self._kept = self._kept[::2]
                    self._stride *= 2
                    self._thinned = True
            self._offered += 1

    def view(self) -> TrailView | None:
        """The points kept (the newest included), or None when this model keeps no trail."""
        with self._lock:
            if not self._capacity or self._generation is None:
                return None
            points = list(self._kept)
            if self._newest is not None and (not points or points[-1][0] != self._newest[0]):
                points.append(self._newest)
            return TrailView(tuple(points), self._generation, self._thinned)

    def _start(self, generation: int, weights: dict[str, np.ndarray]) -> None:
        floats = sum(int(np.size(v)) for v in weights.values())
        fits = self._budget // max(floats, 1)
        self._generation = generation
        self._capacity = min(self._max_points, fits) if fits >= MIN_POINTS else 0
        self._kept, self._newest = [], None
        self._stride, self._offered, self._thinned = 1, 0, False
