"""When a playing session's engine process scores a metric point, and over how many samples.

Scoring both whole splits after every epoch held a CNN session at about half of the engine's speed:
one pass over the 28x28 shapes splits took about as long as the epoch itself. Here scoring gets at
most SCORING_SHARE of the engine process's work (a token bucket filled by the CPU time the loop
uses and emptied by the CPU time of each point; CPU time, so that a busy machine's preemptions count
for neither side; a loop paced below full speed fills it by the wall clock instead). Whole splits are scored whenever that budget allows a
point at least every MAX_GAP seconds; when it cannot, each point scores the same fixed subsample of
each split (the first rows of a fixed shuffle, so one point differs from the next by the network,
not by the samples), sized to fit, and says how many samples it is over. A pause or a manual step
still scores both splits whole (sessions/session.py). docs/decisions.md has the reasoning.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from ..engine import Network
from ..engine.losses import Loss
from ..schemas.session import MetricPoint
from .build import TrainingArrays
from .evaluation import evaluate

SCORING_SHARE = 0.03  # of the loop's CPU time: an unwatched session keeps >= 95 % of the bare engine
MAX_GAP = 0.5  # seconds: whole-split points further apart than this make the curve too coarse
MIN_SUBSAMPLE = 256  # samples per split: fewer make the curve noisier than the learning it shows
PROBE = 64  # samples per split of a job's first point, which measures what scoring costs
ROUND_TO = 64  # subsample sizes move in steps of this, so neighbouring points are over the same rows
COST_MEMORY = 0.5  # weight of the newest measurement in the per-sample cost estimate


class ScoringSchedule:
    """The metric points of one training job. `take` is called at epoch ends, at most as often as the
    pace's point interval; it scores a point when the budget has room and returns it, else None."""

    def __init__(self, data: TrainingArrays, clock: Callable[[], float] = time.process_time, seed: int = 0) -> None:
        """`clock` fills the budget: the process's CPU time, or the wall clock for a paced loop."""
        self.data, self.clock, self.seed = data, clock, seed
        self.started = clock()
        self.sizes = (len(data.x_train), len(data.x_val))
        self.spent = 0.0  # seconds spent scoring since `started`
        self.seconds_per_sample: float | None = None  # measured; None until the first point
        self._orders: tuple[np.ndarray, np.ndarray] | None = None  # the fixed shuffles, made on first use

    def counts(self, now: float) -> tuple[int, int] | None:
        """Samples to score of each split at `now` (on `clock`): the whole split or a subsample, or
        None to wait."""
        if self.seconds_per_sample is None:
            # Nothing measured yet: the first point scores a small probe of each split, at once (on a
            # big network a whole split could hold training up for seconds); its cost sets the pace
            # of the rest, and a cheap network gets a whole point at the next epoch end.
            return min(self.sizes[0], PROBE), min(self.sizes[1], PROBE)
        budget = SCORING_SHARE * (now - self.started) - self.spent
        whole_cost = self.seconds_per_sample * sum(self.sizes)
        affordable = SCORING_SHARE * MAX_GAP  # scoring seconds the budget gains per MAX_GAP
        if whole_cost <= affordable:
            return self.sizes if whole_cost <= budget else None
        fraction = affordable / whole_cost
        counts = tuple(min(n, max(MIN_SUBSAMPLE, ROUND_TO * math.ceil(fraction * n / ROUND_TO))) for n in self.sizes)
        return (counts[0], counts[1]) if self.seconds_per_sample * sum(counts) <= budget else None

    def take(self, network: Network, loss: Loss, step: int, epoch: int, now: float | None = None) -> MetricPoint | None:
        counts = self.counts(self.clock() if now is None else now)
        if counts is None:
            return None
        began = time.thread_time()  # this thread's CPU time: BLAS runs one thread here (engine_pool.py)
        train_rows, val_rows = self._rows(counts)
        point = evaluate(network, loss, self.data, step, epoch, train_rows, val_rows)
        cost = time.thread_time() - began
        self.spent += cost
        measured = cost / max(sum(counts), 1)
        previous = self.seconds_per_sample
        self.seconds_per_sample = (
            measured if previous is None else COST_MEMORY * measured + (1 - COST_MEMORY) * previous
        )
        return point

    def _rows(self, counts: tuple[int, int]) -> tuple[np.ndarray | None, np.ndarray | None]:
        """None for a whole split, else the first `count` rows of its fixed shuffle, in storage order
        (reading them in order is kinder to the cache)."""
        if self._orders is None:
            rng = np.random.default_rng(self.seed)
            self._orders = (rng.permutation(self.sizes[0]), rng.permutation(self.sizes[1]))
        return tuple(  # type: ignore[return-value]
            None if count == size else np.sort(order[:count])
            for count, size, order in zip(counts, self.sizes, self._orders)
        )
