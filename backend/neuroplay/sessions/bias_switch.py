"""A model change that only switches layers' biases on or off keeps everything else the network has
learned (issue 10, "Editing by hand": the bias switch is a hand edit, so the learner sees what the
bias alone did, not a fresh network).

Turning `use_bias` off drops that layer's b and nothing else: every other weight, the optimizer state
of the other parameters, the frozen masks, the batch order and the generators carry over, so the
network then computes exactly f(Σ w_i x_i) with the weights it had. Turning it on again adds b at the
layer's initial value (zero), with no optimizer state and no frozen entries, so f(Σ w_i x_i + 0).
"""

from __future__ import annotations

from ..engine import Trainer
from ..engine.freezing import PREFIX as FROZEN_PREFIX
from ..schemas.model import NetworkSpec
from .engine_state import EngineState


def _without_bias_flag(spec: NetworkSpec) -> list[dict[str, object]]:
    return [{k: v for k, v in layer.model_dump().items() if k != "use_bias"} for layer in spec.layers]


def switched_biases(old: NetworkSpec, new: NetworkSpec) -> frozenset[int] | None:
    """The layers whose `use_bias` differs, when nothing else of the model does; None otherwise
    (any other change builds a new network with new weights)."""
    if old.input_shape != new.input_shape or len(old.layers) != len(new.layers):
        return None
    if _without_bias_flag(old) != _without_bias_flag(new):
        return None
    switched = frozenset(
        i for i, (a, b) in enumerate(zip(old.layers, new.layers, strict=True)) if a.model_dump() != b.model_dump()
    )
    return switched or None


def carry_over(before: EngineState, trainer: Trainer, switched: frozenset[int]) -> None:
    """Lay `before` (the old trainer's state) over `trainer`, freshly built from the new specs, for
    everything but the switched layers' b: a b that is gone is dropped, a b that is new keeps the
    fresh trainer's initial value."""
    dropped = {f"layer{i}.b" for i in switched}
    fresh = trainer.network.get_weights()
    weights = {key: fresh[key] if key in dropped else before.weights[key] for key in fresh}
    # Optimizer slots are named layer{i}.{param}.{slot}; frozen masks frozen.layer{i}.{param}.
    optimizer = {key: value for key, value in before.optimizer.items() if key.rsplit(".", 1)[0] not in dropped}
    arrays = {
        key: value
        for key, value in before.trainer_arrays.items()
        if not (key.startswith(FROZEN_PREFIX) and key.removeprefix(FROZEN_PREFIX) in dropped)
    }
    EngineState(before.step, before.epoch, weights, optimizer, before.trainer_state, arrays).load_into(trainer)
