"""A training step taken one phase at a time, so a learner can watch each part happen:
forward through layer 0, 1, …, the loss, backward through the last layer, …, layer 0, the update.

Every phase leaves the layers' caches (observe()) as a full step would at that point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .training import StepResult, Trainer


@dataclass(frozen=True)
class Phase:
    kind: str  # "forward" | "loss" | "backward" | "update"
    layer: int | None = None


class PhaseStepper:
    """Walks one training step of `trainer` phase by phase; `advance()` does the next phase."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self._reset()

    def _reset(self) -> None:
        self.next_phase = Phase("forward", 0)
        self.activation: np.ndarray | None = None  # the value flowing forward or the gradient backward
        self.batch: tuple[np.ndarray, np.ndarray, bool] | None = None
        self.loss: float | None = None

    @property
    def in_progress(self) -> bool:
        return self.batch is not None

    def advance(self, batch: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[Phase, StepResult | None]:
        """Carry out the next phase. Returns it, and the StepResult once the update (or a
        divergence) ends the step.

        `batch` (x, y) is what a step that starts with this call trains on instead of the trainer's
        next batch (a learner steps through one sample); the batch order is then left as it is, and
        the step ends no epoch. Ignored while a step is in progress."""
        t, net = self.trainer, self.trainer.network
        phase, last = self.next_phase, len(net.layers) - 1
        if phase.kind == "forward":
            if phase.layer == 0:
                self.batch = t.next_batch() if batch is None else (batch[0], batch[1], False)
                self.activation = self.batch[0]
            self.activation = net.layers[phase.layer].forward(self.activation, True)
            self.next_phase = Phase("forward", phase.layer + 1) if phase.layer < last else Phase("loss")
        elif phase.kind == "loss":
            _, yb, ended = self.batch
            self.loss = t.loss.value(self.activation, yb)
            if not np.isfinite(self.loss):
                result = t._diverged_in_forward(self.loss, ended)
                self._reset()
                return phase, result
            if t.fused:
                self.activation = t.loss.grad_wrt_logits(self.activation, yb)
            else:
                self.activation = t.loss.grad(self.activation, yb)
            self.next_phase = Phase("backward", last)
        elif phase.kind == "backward":
            layer = net.layers[phase.layer]
            layer.grad_output = self.activation
            need = phase.layer > 0
            if t.fused and phase.layer == last:
                self.activation = layer.backward_from_preactivation(self.activation, need)
            else:
                self.activation = layer.backward(self.activation, need)
            self.next_phase = Phase("backward", phase.layer - 1) if phase.layer > 0 else Phase("update")
        else:
            result = t.apply_gradients(self.loss, self.batch[2])
            self._reset()
            return phase, result
        return phase, None
