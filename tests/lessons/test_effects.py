"""Each lesson's declared effects happen on the engine's real training, with the lesson's own seeds;
a challenge's declared solution meets it, and the lesson's starting network does not already."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest

from neuroplay.engine import PhaseStepper
from neuroplay.engine.stepping import Phase
from neuroplay.lessons import effects
from neuroplay.lessons.catalog import load_lessons
from neuroplay.lessons.challenge import challenge_met
from neuroplay.lessons.effects import CHECKS, check_effects
from neuroplay.lessons.simulate import LessonRuns, train
from neuroplay.schemas.lesson import Effect
from neuroplay.sessions.build import TrainingArrays

LESSONS = load_lessons()


@pytest.fixture(scope="module")
def runs_of() -> Callable[[str], LessonRuns]:
    """One LessonRuns per lesson for the whole module, so a run trained for one test (its recorded
    training) is read again by the others instead of retrained."""
    made: dict[str, LessonRuns] = {}

    def get(lesson_id: str) -> LessonRuns:
        if lesson_id not in made:
            made[lesson_id] = LessonRuns(LESSONS[lesson_id])
        return made[lesson_id]

    return get


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_the_lesson_shows_its_effect(lesson_id: str, runs_of: Callable[[str], LessonRuns]) -> None:
    verdicts = check_effects(runs_of(lesson_id))
    failed = [v.detail for v in verdicts if not v.ok]
    assert not failed, failed


def test_every_effect_kind_has_one_check_and_is_used() -> None:
    union = get_args(Effect)[0]  # Annotated[Reaches | Sooner | ..., discriminator]
    kinds = {get_args(member.model_fields["kind"].annotation)[0] for member in get_args(union)}
    assert set(CHECKS) == kinds
    assert {effect.kind for lesson in LESSONS.values() for effect in lesson.effects} == kinds


def _reversed(effect: Effect) -> dict[str, object]:
    return {"runs": list(reversed(effect.runs))}


def _swapped(other: str) -> Callable[[Effect], dict[str, object]]:
    return lambda effect: {"runs": getattr(effect, other), other: effect.runs}


@pytest.mark.parametrize(
    ("lesson_id", "index", "change"),
    [
        ("15-dropout", 0, _reversed),  # gap_lower
        ("03-bias", 0, _reversed),  # ranked
        ("13-batches", 0, _reversed),  # rougher
        ("09-cost", 0, _reversed),  # sooner
        ("18-cnn", 0, _reversed),  # fewer_params
        ("24-vanishing-gradient", 0, _swapped("others")),  # grad_norm_ratio
        ("19-pooling", 0, _swapped("others")),  # gradient_share
        ("20-padding", 0, _swapped("keep")),  # shapes_shrink
        ("11-learning-rate", 0, _swapped("misses")),  # reaches
        ("25-exploding-gradient", 0, lambda e: {"runs": ["clipped"]}),  # diverges
        ("25-exploding-gradient", 1, lambda e: {"runs": ["unclipped"]}),  # finite
        ("02-weights", 1, lambda e: {"edit": e.edit.model_copy(update={"value": 0.9})}),  # edit_moves_boundary
        ("10-gradient-descent", 0, lambda e: {"loss_below": 0.0005}),  # falls_every_step
        ("14-epochs", 0, lambda e: {"rise": 20.0}),  # overfits: the rise it shows is about 8x, not 20x
        ("24-vanishing-rnn", 0, _swapped("others")),  # time_grad_fade
        ("04-softmax", 0, lambda e: {"within_steps": 20}),  # probe_probabilities: p(true) only ~0.16 by then
        ("06-layers", 0, lambda e: {"model": LESSONS["06-layers"].runs[0].session.model}),  # built_reaches
    ],
)
def test_a_check_fails_when_the_effect_does_not_happen(
    lesson_id: str, index: int, change: Callable[[Effect], dict[str, object]], runs_of: Callable[[str], LessonRuns]
) -> None:
    """The checks can fail: each lesson's promise turned the wrong way round is refused."""
    lesson = LESSONS[lesson_id]
    effect = lesson.effects[index]
    wrong = effect.model_copy(update=change(effect))
    verdict = CHECKS[wrong.kind](wrong, runs_of(lesson_id))
    assert not verdict.ok, verdict.detail


def test_the_probe_probabilities_check_fails_when_the_outputs_do_not_sum_to_one() -> None:
    """The same digits network with ten sigmoid outputs instead of softmax (trained with MSE): each
    output in [0, 1], but not one distribution over the classes."""
    lesson = LESSONS["04-softmax"]
    run = lesson.runs[0]
    model = run.session.model
    assert model is not None
    sigmoid = model.layers[-1].model_copy(update={"activation": "sigmoid"})
    layers = [*model.layers[:-1], sigmoid]
    training = run.session.training.model_copy(update={"loss": "mse"})  # cross-entropy needs softmax
    session = run.session.model_copy(
        update={"model": model.model_copy(update={"layers": layers}), "training": training}
    )
    changed = lesson.model_copy(update={"runs": [run.model_copy(update={"session": session})]})
    verdict = CHECKS["probe_probabilities"](lesson.effects[0], LessonRuns(changed))
    assert not verdict.ok and "sums" in verdict.detail, verdict.detail


CHALLENGES = [lesson_id for lesson_id, lesson in LESSONS.items() if lesson.challenge is not None]


@pytest.mark.parametrize("lesson_id", CHALLENGES)
def test_the_challenge_is_solvable_and_not_solved_by_the_preset(
    lesson_id: str, runs_of: Callable[[str], LessonRuns]
) -> None:
    lesson = LESSONS[lesson_id]
    challenge = lesson.challenge
    assert challenge is not None
    runs = runs_of(lesson_id)
    name = lesson.runs[0].name
    arrays = TrainingArrays.of(runs.data(name))
    solution = runs.fresh_trainer(name, challenge.solution)
    record = train(solution, arrays, challenge.within_steps)
    assert challenge_met(challenge, solution.network.param_count(), record.points)
    for run in lesson.runs:  # the challenge asks for more than the lesson's own networks do
        count = runs.fresh_trainer(run.name).network.param_count()
        small = challenge.max_params is None or count <= challenge.max_params
        points = runs.record(run.name, challenge.within_steps).points if small else []
        assert not challenge_met(challenge, count, points), run.name


class _EarlyUpdate(PhaseStepper):
    """Changes a weight in the forward pass: the walk's weights move before its update."""

    def advance(self, batch=None):  # type: ignore[no-untyped-def]
        phase, result = super().advance(batch)
        if phase.stage == "forward":
            self.trainer.network.layers[-1].params["b"][0] += 1e-3
        return phase, result


class _OtherStep(PhaseStepper):
    """Its update is not a whole step's (a tenth more of it): the walk ends elsewhere."""

    def advance(self, batch=None):  # type: ignore[no-untyped-def]
        phase, result = super().advance(batch)
        if phase.stage == "update":
            for layer in self.trainer.network.layers:
                for value in layer.params.values():
                    value *= 1.1
        return phase, result


class _ForwardOrderBackward(PhaseStepper):
    """Names its backward phases input layer first: not the order backpropagation goes."""

    def advance(self, batch=None):  # type: ignore[no-untyped-def]
        phase, result = super().advance(batch)
        if phase.stage == "backward" and phase.layer is not None:
            phase = Phase("backward", len(self.trainer.network.layers) - 1 - phase.layer)
        return phase, result


@pytest.mark.parametrize("stepper", [_EarlyUpdate, _OtherStep, _ForwardOrderBackward])
@pytest.mark.parametrize("lesson_id", ["08-forward", "12-backprop"])
def test_the_phase_walk_check_fails_when_stepping_is_not_a_training_step(
    lesson_id: str, stepper: type[PhaseStepper], runs_of: Callable[[str], LessonRuns], monkeypatch: pytest.MonkeyPatch
) -> None:
    """phase_walk has no number to turn round: its promise is that the stepper walks one real
    training step. A stepper that breaks it (weights moved early, another update, backward in the
    wrong order) is refused."""
    (effect,) = [e for e in LESSONS[lesson_id].effects if e.kind == "phase_walk"]
    assert CHECKS["phase_walk"](effect, runs_of(lesson_id)).ok  # the real stepper passes
    monkeypatch.setattr(effects, "PhaseStepper", stepper)
    verdict = CHECKS["phase_walk"](effect, runs_of(lesson_id))
    assert not verdict.ok, verdict.detail
