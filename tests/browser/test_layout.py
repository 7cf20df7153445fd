"""The page's layout at common laptop sizes, in Chromium: the top bar with Play stays on screen, the
decision boundary and the loss curve are in view without scrolling, and no column grows taller
than the window (the 2-D network graph used to float in a column as tall as the data panel)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import open_app, settle
from .lessons_helpers import start_lesson

pytestmark = pytest.mark.browser

SIZES = [(1280, 800), (1280, 720), (1024, 768)]
LESSON = "01-neuron"  # one 2-D run: the plane is shown


def box(page, testid: str) -> dict:
    found = page.get_by_test_id(testid).first.bounding_box()
    assert found, f"{testid} is not on screen"
    return found


def in_view(page, found: dict) -> bool:
    height, width = page.viewport_size["height"], page.viewport_size["width"]
    return (
        found["y"] >= 0 and found["y"] + found["height"] <= height + 0.5 and found["x"] + found["width"] <= width + 0.5
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_play_boundary_and_loss_curve_are_in_view(server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        open_app(page, server.url)
        # One row of top bar, and the page itself never scrolls: the columns do.
        assert box(page, "play-pause")["y"] < 20
        assert page.locator(".topbar").bounding_box()["height"] < 90
        assert page.evaluate("document.documentElement.scrollHeight") <= height
        for testid in ("play-pause", "boundary-canvas", "metrics"):
            assert in_view(page, box(page, testid)), (testid, box(page, testid))
        plot = page.locator(".chart-plot").bounding_box()
        assert in_view(page, plot) and plot["height"] >= 90, plot
        assert box(page, "boundary-canvas")["width"] >= 170
        # Every column is at most the window's height (each scrolls on its own).
        for column in page.locator(".col").all():
            assert column.bounding_box()["y"] + column.bounding_box()["height"] <= height + 0.5
        # Scrolling the network column to its end moves neither Play nor the plane.
        page.locator(".col-net").evaluate("e => e.scrollTo(0, e.scrollHeight)")
        page.mouse.wheel(0, 2000)
        settle(page)
        assert box(page, "play-pause")["y"] < 20
        assert in_view(page, box(page, "boundary-canvas"))
        # The palette names are not broken inside a word ("Activati-on").
        for tag in ("activation", "dropout", "batch_norm"):
            name = page.get_by_test_id(f"palette-{tag}").locator(".palette-name")
            assert name.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), tag
            assert name.evaluate(
                "e => { const r = document.createRange(); r.selectNodeContents(e); "
                "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
            ) <= len(name.inner_text().split()), tag
    finally:
        context.close()


def test_the_top_bar_stays_when_a_narrow_page_scrolls(server, browser):
    """Below about 860 px the columns stack and the area under the top bar scrolls; Play stays."""
    context = browser.new_context(viewport={"width": 820, "height": 700}, locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        open_app(page, server.url)
        page.mouse.move(400, 400)
        page.mouse.wheel(0, 1500)
        page.wait_for_function("document.querySelector('.layout').scrollTop > 0")
        play = box(page, "play-pause")
        assert 0 <= play["y"] < 60, play
        expect(page.get_by_test_id("play-pause")).to_be_visible()
    finally:
        context.close()


def test_the_layout_follows_the_room_beside_an_open_lesson(server, browser):
    """A lesson's panel takes 380 px: at 1400 px the playground lays out as a 1024 px window does."""
    context = browser.new_context(viewport={"width": 1400, "height": 800}, locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        start_lesson(page, server.url, LESSON)
        expect(page.locator("body")).to_have_class(re.compile("has-lesson"))
        app = page.locator(".app").bounding_box()
        assert app["width"] <= 1021, app
        assert page.evaluate("document.documentElement.scrollHeight") <= 800
        assert in_view(page, box(page, "play-pause"))
        plane = box(page, "boundary-canvas")
        assert in_view(page, plane) and plane["x"] + plane["width"] <= app["width"], plane
        assert page.locator(".layout").evaluate("e => getComputedStyle(e).gridTemplateColumns.split(' ').length") == 4
    finally:
        context.close()
