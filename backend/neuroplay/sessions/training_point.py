"""Where a session's training stands, exactly (Session.training_point), and the optimizer's real next
update from there, taken on a copy: a trainer rebuilt from the specs with that engine state laid over
it (as an engine process or a restore does, so it continues bit-identically) takes its next batch
step, and the change of the weights is the answer. The session itself is not touched.

Everything the next `step` command does is in it: the next batch of the batch order, augmentation,
dropout masks from the saved generators, the loss, clipping, L2, frozen entries and the optimizer's
own state (momentum's velocity, Adam's moments and step count, RMSprop's average). So the landscape's
step arrow is that step, not −η·∇L.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import Dataset
from ..engine.optimizers import ParamKey
from .build import Specs, TrainingArrays, make_trainer, new_network
from .engine_state import EngineState


@dataclass(frozen=True)
class TrainingPoint:
    """The engine state the next step starts from, with the specs and data of the same moment."""

    state: EngineState
    generation: int
    specs: Specs
    data: Dataset
    frozen: dict[ParamKey, np.ndarray]  # the entries the learner froze (True: kept fixed)


@dataclass(frozen=True)
class NextUpdate:
    """θ_next − θ of the next batch step, flat in `Network.parameters()` order (float64)."""

    delta: np.ndarray
    batch: int  # samples in the batch it trains on


def next_update(point: TrainingPoint) -> NextUpdate | None:
    """The next batch step's change of the weights, taken on a copy; None if that step diverges."""
    trainer = make_trainer(point.specs, new_network(point.specs), TrainingArrays.of(point.data))
    point.state.load_into(trainer)
    before = _flat(trainer.network.parameters())
    position = trainer.batches.position
    batch = min(trainer.batches.batch_size, trainer.batches.n - position)
    result = trainer.train_step()
    if result.diverged:
        return None
    delta = _flat(trainer.network.parameters()) - before
    return NextUpdate(delta, batch) if np.isfinite(delta).all() else None


def _flat(params: list[tuple[ParamKey, np.ndarray, np.ndarray]]) -> np.ndarray:
    return np.concatenate([p.ravel() for _, p, _ in params]).astype(np.float64) if params else np.zeros(0)
