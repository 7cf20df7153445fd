"""A trainer's state as plain data and back: weights, optimizer state, batch order and every random
generator. EngineState is the engine side's idea of "where training is": it travels between the
server and an engine process (engine_messages.py) and into checkpoints (capture.py). It depends on
the engine only, so every module of sessions/ can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import Trainer


def _generators(trainer: Trainer) -> Iterator[tuple[str, np.random.Generator]]:
    """Every random generator the trainer's run draws from, by a stable name: the batch shuffler, any
    the trainer holds itself, and those of the layers (dropout masks; build_network hands all layers
    one Generator, which then appears under several names with the same state)."""
    yield "batches.rng", trainer.batches.rng
    owners: list[tuple[str, Any]] = [("trainer", trainer)]
    owners += [(f"layer{i}", layer) for i, layer in enumerate(trainer.network.layers)]
    for prefix, owner in owners:
        for name, value in sorted(vars(owner).items()):
            if isinstance(value, np.random.Generator) and value is not trainer.batches.rng:
                yield f"{prefix}.{name}", value


def _plain(value: Any) -> Any:
    """A generator state as JSON-able Python (NumPy integers become ints)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def trainer_state(trainer: Trainer) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(JSON-able state, arrays) that make a freshly built trainer continue exactly where this one is."""
    batches = trainer.batches
    state = {
        "step_count": trainer.step_count,
        "position": batches.position,
        "epoch": batches.epoch,
        "generators": {name: _plain(g.bit_generator.state) for name, g in _generators(trainer)},
    }
    return state, {"order": batches.order.copy(), **trainer.frozen.arrays()}


def load_trainer_state(trainer: Trainer, state: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    batches = trainer.batches
    order = np.asarray(arrays["order"])
    if order.shape != (batches.n,):
        raise ValueError(f"saved batch order has {order.size} entries; the training set has {batches.n}")
    batches.order = order.astype(batches.order.dtype, copy=True)
    batches.position = int(state["position"])
    batches.epoch = int(state["epoch"])
    trainer.step_count = int(state["step_count"])
    trainer.frozen.load_arrays(arrays, trainer.network)  # entries the learner froze (none saved: none)
    saved = state["generators"]
    for name, generator in _generators(trainer):
        if name in saved:  # a generator added by a later version starts from its seed
            generator.bit_generator.state = saved[name]


@dataclass(frozen=True)
class EngineState:
    """Everything training changes in a trainer, as plain arrays and data: laid over a trainer built
    from the same specs, it continues exactly where this one was. It travels between the server and
    the engine process (sessions/engine_process.py) and into checkpoints."""

    step: int
    epoch: int
    weights: dict[str, np.ndarray]
    optimizer: dict[str, np.ndarray]
    trainer_state: dict[str, Any]
    trainer_arrays: dict[str, np.ndarray]

    @classmethod
    def of(cls, trainer: Trainer, step: int, epoch: int) -> EngineState:
        state, arrays = trainer_state(trainer)
        return cls(
            step=step,
            epoch=epoch,
            weights=trainer.network.get_weights(),
            optimizer={name: np.array(value, copy=True) for name, value in trainer.optimizer.state_arrays().items()},
            trainer_state=state,
            trainer_arrays=arrays,
        )

    def load_into(self, trainer: Trainer) -> None:
        trainer.network.set_weights(self.weights)
        trainer.optimizer.load_state_arrays(self.optimizer)
        load_trainer_state(trainer, self.trainer_state, self.trainer_arrays)
