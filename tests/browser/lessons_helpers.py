"""What the lesson browser tests share: starting a lesson from the picker and reading its progress."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from neuroplay.lessons.catalog import load_lessons

from .helpers import open_app

# Every lesson folder is listed (concepts 4 and 24 have two lessons each).
LESSON_COUNT = len(load_lessons())


def open_picker(page) -> None:
    page.get_by_test_id("lessons-button").click()
    expect(page.get_by_test_id("lesson-item")).to_have_count(LESSON_COUNT)
    expect(page.get_by_test_id("lesson-item").first).to_be_focused()  # the dialog is open and takes keys


def start_lesson(page, url: str, lesson_id: str, *, fresh: bool = True) -> dict:
    """Open the app (when `fresh`), pick the lesson and wait until its panel and first run are shown.
    Returns the progress the page keeps in localStorage ({id, step, sessions})."""
    if fresh:
        open_app(page, url)
    open_picker(page)
    page.locator(f'[data-testid=lesson-item][data-lesson="{lesson_id}"]').click()
    expect(page.get_by_test_id("lesson-panel")).to_have_attribute("data-lesson", lesson_id)
    expect(page.get_by_test_id("lesson-picker")).to_have_count(0)
    progress = stored_progress(page)
    assert progress and progress["id"] == lesson_id
    page.wait_for_url(f"**/s/{progress['sessions'][0]['id']}")
    page.get_by_test_id("layer-card").first.wait_for()
    return progress


def stored_progress(page) -> dict | None:
    value: dict | None = json.loads(page.evaluate("localStorage.getItem('neuroplay.lesson') || 'null'"))
    return value


def stored_tokens(page) -> dict:
    value: dict = json.loads(page.evaluate("localStorage.getItem('neuroplay.tokens') || '{}'"))
    return value


def focused(page) -> list[str]:
    """The control names of every element the lesson outlines and pulses now."""
    names: list[str] = page.locator("[data-lesson-focus]").evaluate_all("els => els.map(e => e.dataset.control).sort()")
    return names
