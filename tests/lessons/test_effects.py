"""Each lesson's declared effects happen on the engine's real training, with the lesson's own seeds;
a challenge's declared solution meets it, and the lesson's starting network does not already."""

from __future__ import annotations

from typing import get_args

import pytest

from neuroplay.lessons.catalog import load_lessons
from neuroplay.lessons.challenge import challenge_met
from neuroplay.lessons.effects import CHECKS, check_effects
from neuroplay.lessons.simulate import LessonRuns, train
from neuroplay.schemas.lesson import Effect
from neuroplay.sessions.build import TrainingArrays

LESSONS = load_lessons()


@pytest.mark.parametrize("lesson_id", list(LESSONS))
def test_the_lesson_shows_its_effect(lesson_id: str) -> None:
    verdicts = check_effects(LessonRuns(LESSONS[lesson_id]))
    failed = [v.detail for v in verdicts if not v.ok]
    assert not failed, failed


def test_every_effect_kind_has_one_check_and_is_used() -> None:
    union = get_args(Effect)[0]  # Annotated[Reaches | Sooner | ..., discriminator]
    kinds = {get_args(member.model_fields["kind"].annotation)[0] for member in get_args(union)}
    assert set(CHECKS) == kinds
    assert {effect.kind for lesson in LESSONS.values() for effect in lesson.effects} == kinds


def test_a_check_fails_when_the_effect_does_not_happen() -> None:
    """The checks can fail: the dropout lesson's promise read the wrong way round is refused."""
    lesson = LESSONS["15-dropout"]
    effect = lesson.effects[0]
    flipped = effect.model_copy(update={"runs": list(reversed(effect.runs))})
    verdict = CHECKS[flipped.kind](flipped, LessonRuns(lesson))
    assert not verdict.ok, verdict.detail


CHALLENGES = [lesson_id for lesson_id, lesson in LESSONS.items() if lesson.challenge is not None]


@pytest.mark.parametrize("lesson_id", CHALLENGES)
def test_the_challenge_is_solvable_and_not_solved_by_the_preset(lesson_id: str) -> None:
    lesson = LESSONS[lesson_id]
    challenge = lesson.challenge
    assert challenge is not None
    runs = LessonRuns(lesson)
    name = lesson.runs[0].name
    arrays = TrainingArrays.of(runs.data(name))
    solution = runs.fresh_trainer(name, challenge.solution)
    record = train(solution, arrays, challenge.within_steps)
    assert challenge_met(challenge, solution.network.param_count(), record.points)
    for run in lesson.runs:  # the challenge asks for more than the lesson's own networks do
        preset = runs.fresh_trainer(run.name)
        count = preset.network.param_count()
        steps = 0 if challenge.max_params is not None and count > challenge.max_params else challenge.within_steps
        own = TrainingArrays.of(runs.data(run.name))
        assert not challenge_met(challenge, count, train(preset, own, steps).points), run.name
