"""Every lesson folder loads, the 25 concepts are covered, a broken lesson fails loudly, texts state
the numbers their effects promise, and twin runs really start alike."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from neuroplay.lessons.catalog import LESSONS_DIR, LessonError, load_lesson, load_lessons
from neuroplay.lessons.simulate import LessonRuns, specs_of
from neuroplay.schemas.lesson import Lesson

LESSONS = load_lessons()
IDS = list(LESSONS)


def test_every_folder_is_a_lesson_and_every_concept_has_one() -> None:
    folders = sorted(p.name for p in LESSONS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert folders == IDS
    assert {c for lesson in LESSONS.values() for c in lesson.concepts} == set(range(1, 26))


def _copy(tmp_path: Path, lesson_id: str = "15-dropout") -> Path:
    folder = tmp_path / lesson_id
    shutil.copytree(LESSONS_DIR / lesson_id, folder)
    return folder


def test_a_broken_lesson_json_names_its_folder_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    data = json.loads((folder / "lesson.json").read_text())
    data["runs"][0]["session"]["training"]["learning_rate"] = -1
    (folder / "lesson.json").write_text(json.dumps(data))
    with pytest.raises(LessonError, match=r"15-dropout/lesson.json: runs\.0\.session\.training\.learning_rate"):
        load_lesson(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["effects"][0].update(runs=["nobody"]), "names unknown runs"),
        (lambda d: d["runs"][1]["session"]["training"].update(seed=5), "same dataset and training seeds"),
        (lambda d: d["controls"]["highlight"].append("training.speed"), "unknown control 'training.speed'"),
        (lambda d: d["effects"][0].update(kind="gets_better"), "effects.0"),
        (lambda d: d["views"].append("feature_maps"), "views.2: Input should be"),
    ],
)
def test_inconsistent_lessons_are_refused(tmp_path: Path, change, message: str) -> None:
    folder = _copy(tmp_path)
    data = json.loads((folder / "lesson.json").read_text())
    change(data)
    (folder / "lesson.json").write_text(json.dumps(data))
    with pytest.raises(LessonError, match=re.escape(message)):
        load_lesson(folder)


def test_texts_must_match_the_steps(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "zh.md").read_text(encoding="utf-8")
    (folder / "zh.md").write_text(text.rsplit("\n## ", 1)[0], encoding="utf-8")
    with pytest.raises(LessonError, match="15-dropout/zh.md has 2 '## ' steps, lesson.json has 3"):
        load_lesson(folder)
    (folder / "zh.md").unlink()
    with pytest.raises(LessonError, match="zh.md is missing"):
        load_lesson(folder)


def test_a_broken_lesson_stops_the_loader(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "lesson.json").write_text("{not json")
    with pytest.raises(LessonError, match="15-dropout/lesson.json"):
        load_lessons(tmp_path)
    (folder / "lesson.json").unlink()  # a folder without its lesson.json is not skipped either
    with pytest.raises(LessonError, match="15-dropout/lesson.json: .*No such file"):
        load_lessons(tmp_path)
    shutil.rmtree(folder)
    (tmp_path / "16 batch norm").mkdir()
    with pytest.raises(LessonError, match="a lesson folder is named like '15-dropout'"):
        load_lessons(tmp_path)


NUMBER_FIELDS = ("within_steps", "above", "below", "factor", "margin", "rise", "at_least", "others_at_most")
NUMBER_FIELDS += ("at_most", "others_at_least", "loss_below", "true_class_above")


def _spellings(value: float) -> set[str]:
    """How a text may write a promised number: as given (0.2, 1500, 1,500) or as a percentage (20 %)."""
    out = {f"{value:g}", f"{value:,.0f}" if value == int(value) else f"{value:g}"}
    if 0 < value < 1:
        out |= {f"{value * 100:g} %", f"{value * 100:g}%"}
    return out


@pytest.mark.parametrize("lesson_id", IDS)
def test_each_text_states_the_numbers_its_effects_promise(lesson_id: str) -> None:
    lesson = LESSONS[lesson_id]
    for effect in lesson.effects:
        for name in NUMBER_FIELDS:
            value = getattr(effect, name, None)
            if value is None or (name == "factor" and value == 1):
                continue
            for lang in ("en", "zh"):
                text = getattr(lesson.text, lang)
                assert any(s in text for s in _spellings(float(value))), f"{lang}: {effect.kind}.{name} = {value}"


def _weights(runs: LessonRuns, name: str) -> list[np.ndarray]:
    net = runs.fresh_trainer(name).network
    return [layer.params[k] for layer in net.layers for k in ("W", "W_x", "W_h") if k in layer.params]


@pytest.mark.parametrize("lesson_id", IDS)
def test_runs_build_and_twins_start_alike(lesson_id: str) -> None:
    """Every run builds as its session would; runs with weights of the same shapes start with the
    same weights, and runs with the same batch size see the same batches."""
    lesson: Lesson = LESSONS[lesson_id]
    runs = LessonRuns(lesson)
    first = lesson.runs[0].name
    reference = _weights(runs, first)
    for run in lesson.runs[1:]:
        weights = _weights(runs, run.name)
        if [w.shape for w in weights] == [w.shape for w in reference]:
            assert all(np.array_equal(a, b) for a, b in zip(weights, reference, strict=True)), run.name
        if specs_of(run).training.batch_size == specs_of(lesson.runs[0]).training.batch_size:
            a, b = runs.fresh_trainer(first), runs.fresh_trainer(run.name)
            if len(a.x) == len(b.x):
                assert np.array_equal(a.batches.order, b.batches.order), run.name
