"""A session's training step taken one phase at a time (engine/stepping.py's PhaseStepper), and what
becomes of a step left partial.

A partial step has changed things a full step changes on the way (layer caches and gradients, batch
norm's running statistics in its forward phase, the batch position, the dropout generator) but not
the weights. So the state from before the step is kept, and a partial step is never seen from outside:
checkpoints, forks and downloads take that state, and any other command abandons the step by going
back to it exactly (EngineState, as restore does) before it acts. For a step on the next batch the
command then draws the same batch and the same dropout masks again, so a batch step after some phases
is the step that was in progress, done whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import Phase, PhaseStepper, StepResult, Trainer
from ..schemas.session import StepPhase
from .capture import EngineState


@dataclass(frozen=True)
class StepSource:
    """What a step trains on: the trainer's next batch (sample None), or one sample alone."""

    on: str  # "batch" | "probe"
    sample: tuple[np.ndarray, np.ndarray] | None = None
    key: tuple[str, int] | None = None  # (split, index) of the probe


class PhaseSteps:
    """The phase stepping of one session; used under the session's control lock only."""

    def __init__(self) -> None:
        self._stepper: PhaseStepper | None = None
        self._source: StepSource | None = None
        self.before: EngineState | None = None  # the state before the partial step; None: none partial
        self.last: Phase | None = None  # the phase carried out last, shown until another command

    @property
    def partial(self) -> bool:
        return self.before is not None

    def view(self) -> StepPhase:
        if self.last is None or self._source is None:
            return StepPhase()
        return StepPhase(stage=self.last.stage, layer=self.last.layer, on=self._source.on)  # type: ignore[arg-type]

    def advance(self, trainer: Trainer, step: int, epoch: int, source: StepSource) -> StepResult | None:
        """Carry out the next phase (a new step starts when none is partial, or when the partial one
        trains on something else: that one is abandoned first). Returns the StepResult when the
        step ends (its update, or a divergence)."""
        if self.partial and (self._source is None or self._source.key != source.key or self._source.on != source.on):
            self.abandon(trainer)
        if self._stepper is None or self._stepper.trainer is not trainer:
            self._stepper = PhaseStepper(trainer)
        if not self.partial:
            self.before = EngineState.of(trainer, step, epoch)
            self._source = source
        phase, result = self._stepper.advance(source.sample)
        self.last = phase
        if result is not None:
            self.before = None
        return result

    def finish(self, trainer: Trainer, step: int, epoch: int, source: StepSource) -> StepResult:
        """A whole step phase by phase (used for a batch step on the probe)."""
        while True:
            result = self.advance(trainer, step, epoch, source)
            if result is not None:
                return result

    def abandon(self, trainer: Trainer | None) -> None:
        """Go back to the state before the partial step, if any (None: the trainer was replaced and
        there is nothing to go back to), and show no phase."""
        stepper = self._stepper
        if self.before is not None and stepper is not None and stepper.trainer is trainer and trainer is not None:
            self.before.load_into(trainer)
        self.before = None
        self.last = None
        self._stepper = None
