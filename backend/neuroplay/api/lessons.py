"""/api/lessons: the lessons (lessons/<id>/ folders, loaded and checked at server start)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, HTTPException, Request

from ..lessons.catalog import summary_of
from ..schemas.error_codes import coded
from ..schemas.errors import ErrorResponse
from ..schemas.lesson import Lesson, LessonSummary

router = APIRouter(prefix="/api/lessons")


def lessons_of(request: Request) -> Mapping[str, Lesson]:
    lessons: Mapping[str, Lesson] = request.app.state.lessons
    return lessons


def lesson_named(request: Request, lesson_id: str) -> Lesson:
    """The lesson, or 404 naming the id and where the known ones are listed."""
    lesson = lessons_of(request).get(lesson_id)
    if lesson is None:
        message = f"no lesson {lesson_id!r}; GET /api/lessons lists them"
        raise coded(HTTPException(404, message), "lesson_not_found", id=lesson_id)
    return lesson


@router.get("", response_model=list[LessonSummary])
def list_lessons(request: Request) -> list[LessonSummary]:
    """Every lesson in order, with its concepts (1-25) and its title and summary in both languages."""
    return [summary_of(lesson) for lesson in lessons_of(request).values()]


@router.get("/{lesson_id}", response_model=Lesson, responses={404: {"model": ErrorResponse}})
def read_lesson(lesson_id: str, request: Request) -> Lesson:
    return lesson_named(request, lesson_id)
