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
    stage: str  # "forward" | "loss" | "backward" | "update" (as the wire's StepPhase.stage)
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
        if phase.stage == "forward":
            i = phase.layer or 0
            if i == 0:
                self.batch = t.next_batch() if batch is None else (batch[0], batch[1], False)
                self.activation = self.batch[0]
            assert self.activation is not None
            self.activation = net.layers[i].forward(self.activation, True)
            self.next_phase = Phase("forward", i + 1) if i < last else Phase("loss")
            return phase, None
        assert self.batch is not None  # set by the first forward phase
        _, yb, ended = self.batch
        flowing = self.activation  # the output (loss phase) or the gradient flowing back
        if phase.stage == "loss":
            assert flowing is not None
            self.loss = t.loss.value(flowing, yb)
            if not np.isfinite(self.loss):
                result = t._diverged_in_forward(self.loss, ended)
                self._reset()
                return phase, result
            fused_grad = t.loss.grad_wrt_logits
            if t.fused and fused_grad is not None:
                self.activation = fused_grad(flowing, yb)
            else:
                self.activation = t.loss.grad(flowing, yb)
            self.next_phase = Phase("backward", last)
        elif phase.stage == "backward":
            assert flowing is not None
            i = phase.layer or 0
            layer = net.layers[i]
            layer.grad_output = flowing
            need = i > 0
            if t.fused and i == last:
                # Layer does not declare it: only layers with a fused activation have it (checked by
                # Trainer.set_loss, which fuses only when the last layer has that activation).
                fused_backward = getattr(layer, "backward_from_preactivation")  # noqa: B009
                self.activation = fused_backward(flowing, need)
            else:
                self.activation = layer.backward(flowing, need)
            self.next_phase = Phase("backward", i - 1) if i > 0 else Phase("update")
        else:
            assert self.loss is not None
            result = t.apply_gradients(self.loss, ended)
            self._reset()
            return phase, result
        return phase, None
