"""A lesson's failures are said in the language the learner reads them in: the picker's "cannot
start" and a comparison's refused play keep the server's error (code and params) and render it
when shown, so switching the language rewrites a message already on screen. The server's real
answers are replayed (page.route) for requests that would not fail by themselves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..locale_helpers import catalog
from .helpers import latin_sentences, open_app
from .lessons_helpers import open_picker, start_lesson

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
SET_ZH = "async () => (await import('/js/i18n.js')).setLang('zh')"


def test_a_lesson_that_cannot_start_says_why_in_the_language_of_the_moment(server, client, watched):
    page = watched.page
    watched.allow(r"status of 404")
    refused = client.post("/api/sessions", json={"lesson": "99-gone"})
    assert refused.status_code == 404 and refused.json()["code"] == "lesson_not_found", refused.text

    def lesson_gone(route) -> None:  # the lesson went away between the list and the click
        body = route.request.post_data or ""
        if route.request.method == "POST" and '"lesson"' in body:
            route.fulfill(status=404, content_type="application/json", body=refused.text)
        else:
            route.continue_()

    page.route("**/api/sessions", lesson_gone)
    open_app(page, server.url)
    open_picker(page)
    page.locator('[data-testid=lesson-item][data-lesson="15-dropout"]').click()
    error = page.get_by_test_id("lesson-error")
    expect(error).to_have_text("There is no lesson 99-gone.")
    page.evaluate(SET_ZH)
    expect(error).to_contain_text("99-gone")
    text = error.inner_text()
    assert CJK.search(text) and latin_sentences(text) == [], text


def test_a_refused_play_of_a_comparison_follows_the_language_switch(server, client, watched):
    page = watched.page
    watched.allow(r"status of 403")
    progress = start_lesson(page, server.url, "15-dropout")
    other = progress["sessions"][1]["id"]
    refused = client.post(
        f"/api/sessions/{other}/commands", json={"action": "play"}, headers={"Authorization": "Bearer not-the-owner"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_owner", refused.text
    # the second run's play is refused as the server refuses a token that does not own it
    page.route(
        f"**/api/sessions/{other}/commands",
        lambda route: route.fulfill(status=403, content_type="application/json", body=refused.text),
    )
    page.get_by_test_id("twin-play-pause").click()
    banner = page.get_by_test_id("error")
    expect(banner).to_contain_text(str(catalog("en")["errors.not_owner"]))
    page.get_by_test_id("lang-toggle").click()
    expect(banner).to_contain_text(str(catalog("zh")["errors.not_owner"]))
    assert latin_sentences(banner.inner_text()) == [], banner.inner_text()
