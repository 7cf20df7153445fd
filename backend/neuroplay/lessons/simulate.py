"""Train a lesson's runs in-process, as its sessions would (sessions/build.py, the engine's
Trainer), and record what the effect checks read: the metric points of the loss curve (step 0 and
every epoch's end, as a session records them), every step's batch loss and per-layer gradient norms,
and the step at which a run diverged."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data import DATASETS, Dataset
from ..engine import Trainer
from ..schemas.lesson import Lesson, LessonRun
from ..schemas.model import NetworkSpec
from ..schemas.session import MetricPoint
from ..sessions.build import Specs, TrainingArrays, build_data, build_trainer
from ..sessions.defaults import default_model
from ..sessions.evaluation import evaluate


def specs_of(run: LessonRun) -> Specs:
    body = run.session
    model = body.model or default_model(DATASETS[body.dataset.name], body.dataset)
    return Specs(model, body.dataset, body.training)


@dataclass
class RunRecord:
    """What one run did over its first `steps` steps."""

    points: list[MetricPoint] = field(default_factory=list)
    batch_losses: list[float] = field(default_factory=list)
    grad_norms: list[dict[int, float]] = field(default_factory=list)  # per step: layer -> norm
    diverged_at: int | None = None  # the step (1-based) whose NaN/Inf stopped the run
    steps: int = 0

    def points_until(self, steps: int) -> list[MetricPoint]:
        return [p for p in self.points if p.step <= steps]


class LessonRuns:
    """A lesson's runs, each built fresh (as POST /api/sessions would) and trained on demand."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.runs = {run.name: run for run in lesson.runs}
        self._records: dict[str, RunRecord] = {}
        self._data: dict[str, Dataset] = {}

    def data(self, name: str) -> Dataset:
        if name not in self._data:
            self._data[name] = build_data(specs_of(self.runs[name]).dataset)
        return self._data[name]

    def fresh_trainer(self, name: str, model: NetworkSpec | None = None) -> Trainer:
        """The run's network, freshly initialised, and its trainer; `model` replaces the run's
        network (a challenge's solution) on the same data and training settings."""
        specs = specs_of(self.runs[name])
        if model is not None:
            specs = Specs(model, specs.dataset, specs.training)
        return build_trainer(specs, self.data(name))

    def record(self, name: str, steps: int) -> RunRecord:
        """The run trained for `steps` steps (trained once, for the most steps any effect asks)."""
        known = self._records.get(name)
        if known is not None and known.steps >= steps:
            return known
        self._records[name] = train(self.fresh_trainer(name), TrainingArrays.of(self.data(name)), steps)
        return self._records[name]


# At most about this many metric points per run: on a tiny training set every step ends an epoch, and
# scoring both splits each time would cost more than the training. The points taken are a subset of
# those a session records, so "reaches X within N steps" and "best" read off them are conservative.
MAX_POINTS = 100


def train(trainer: Trainer, arrays: TrainingArrays, steps: int) -> RunRecord:
    record = RunRecord(steps=steps)
    record.points.append(evaluate(trainer.network, trainer.loss, arrays, 0, 0))
    spacing, next_point = max(1, steps // MAX_POINTS), 0
    for step in range(1, steps + 1):
        result = trainer.train_step()
        if result.diverged is not None:
            record.diverged_at = step
            break
        record.batch_losses.append(result.loss)
        record.grad_norms.append(trainer.layer_grad_norms())
        if (result.epoch_ended and step >= next_point) or step == steps:
            next_point = step + spacing
            record.points.append(evaluate(trainer.network, trainer.loss, arrays, step, trainer.batches.epoch))
    return record
