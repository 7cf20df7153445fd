"""Load every lesson folder beside this module: lesson.json (checked by schemas/lesson.py) and the
texts of en.md and zh.md. A broken lesson raises LessonError naming its folder, at server start."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from ..schemas.lesson import LANGUAGES, Lesson, LessonFile, LessonStep, LessonSummary, LocalText

# Read relative to this file, so an editable install (pip install -e .) finds the folders in place.
LESSONS_DIR = Path(__file__).resolve().parent
LESSON_ID = re.compile(r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$")


class LessonError(ValueError):
    """A lesson folder that does not load; the message starts with the folder's name."""


class LessonText:
    """One language's en.md / zh.md: `# title`, a summary paragraph, the body, then one `## ` section
    per walk-through step."""

    def __init__(self, source: str, where: str) -> None:
        head, *sections = re.split(r"^## +", source.strip(), flags=re.MULTILINE)
        lines = head.strip().splitlines()
        if not lines or not lines[0].startswith("# "):
            raise LessonError(f"{where}: must start with '# <title>'")
        self.title = lines[0][2:].strip()
        paragraphs = [p.strip() for p in "\n".join(lines[1:]).strip().split("\n\n") if p.strip()]
        if len(paragraphs) < 2:
            raise LessonError(f"{where}: needs a summary paragraph and a body before the first step")
        self.summary = " ".join(paragraphs[0].split())
        self.body = "\n\n".join(paragraphs[1:])
        self.steps: list[tuple[str, str]] = []
        for section in sections:
            title, _, text = section.partition("\n")
            if not title.strip() or not text.strip():
                raise LessonError(f"{where}: every '## ' step needs a title and a text")
            self.steps.append((title.strip(), text.strip()))


def _both(texts: Mapping[str, LessonText], pick: str) -> LocalText:
    return LocalText.model_validate({lang: getattr(texts[lang], pick) for lang in LANGUAGES})


def load_lesson(folder: Path) -> Lesson:
    lesson_id = folder.name
    if not LESSON_ID.match(lesson_id):
        raise LessonError(f"{lesson_id}: a lesson folder is named like '15-dropout'")
    try:
        data = LessonFile.model_validate(json.loads((folder / "lesson.json").read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:  # ValidationError and JSONDecodeError are ValueErrors
        detail = exc if not isinstance(exc, ValidationError) else "; ".join(_describe(e) for e in exc.errors())
        raise LessonError(f"{lesson_id}/lesson.json: {detail}") from None
    texts: dict[str, LessonText] = {}
    for lang in LANGUAGES:
        path = folder / f"{lang}.md"
        if not path.is_file():
            raise LessonError(f"{lesson_id}: {lang}.md is missing")
        texts[lang] = LessonText(path.read_text(encoding="utf-8"), f"{lesson_id}/{lang}.md")
        if len(texts[lang].steps) != len(data.steps):
            raise LessonError(
                f"{lesson_id}/{lang}.md has {len(texts[lang].steps)} '## ' steps, lesson.json has {len(data.steps)}"
            )
    steps = [
        LessonStep(
            **step.model_dump(),
            title=LocalText.model_validate({lang: texts[lang].steps[i][0] for lang in LANGUAGES}),
            text=LocalText.model_validate({lang: texts[lang].steps[i][1] for lang in LANGUAGES}),
        )
        for i, step in enumerate(data.steps)
    ]
    return Lesson(
        id=lesson_id,
        concepts=data.concepts,
        title=_both(texts, "title"),
        summary=_both(texts, "summary"),
        text=_both(texts, "body"),
        runs=data.runs,
        views=data.views,
        controls=data.controls,
        steps=steps,
        challenge=data.challenge,
        effects=data.effects,
        twin_view=data.twin_view,
    )


def _describe(error: object) -> str:
    e = dict(error)  # type: ignore[call-overload]
    return f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"


def load_lessons(root: Path = LESSONS_DIR) -> Mapping[str, Lesson]:
    """Every lesson under `root`, in folder order (the number prefix orders them)."""
    # Every folder is a lesson (a missing lesson.json is an error, not a folder skipped), except
    # Python's own (__pycache__) and hidden ones.
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    return MappingProxyType({folder.name: load_lesson(folder) for folder in folders})


def summary_of(lesson: Lesson) -> LessonSummary:
    return LessonSummary(
        id=lesson.id, concepts=lesson.concepts, title=lesson.title, summary=lesson.summary, runs=len(lesson.runs)
    )
