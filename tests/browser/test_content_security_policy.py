"""The page works under its own Content-Security-Policy, enforced (the other browser tests bypass
it only because Playwright's wait_for_function polls through eval, which the policy forbids)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import VIEWPORT, watch

pytestmark = pytest.mark.browser


def test_the_page_loads_streams_and_trains_under_the_policy(server, browser) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")  # bypass_csp off: the policy holds
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        watched = watch(page)
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        response = page.goto(server.url)
        assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
        # the import map (inline, allowed by its hash) resolved every library: the app rendered
        cards = page.get_by_test_id("layer-card")
        expect(cards).to_have_count(3)
        expect(page.get_by_test_id("loss-value")).to_have_text(re.compile(r"^\d+\.\d+$"))
        # the websocket (connect-src 'self') delivers the views, uPlot (styles from script) draws
        expect(page.locator("[data-testid=boundary-canvas][data-frames]")).not_to_have_attribute("data-frames", "0")
        expect(page.locator(".graph-node")).to_have_count(2 + 4 + 2 + 1)
        page.get_by_test_id("play-pause").click()
        expect(page.get_by_test_id("status")).to_have_text("running")
        expect(page.get_by_test_id("step-counter")).not_to_have_text("0")
        page.get_by_test_id("play-pause").click()
        expect(page.get_by_test_id("status")).to_have_text("paused")
        assert not violations, violations
        assert not watched.unexpected(), watched.unexpected()
        # and an inline script the policy does not name is refused
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
            " document.head.appendChild(s); }"
        )
        expect(page.locator("body")).to_be_attached()
        assert page.evaluate("() => window.injected === undefined")
        assert any("Content Security Policy" in v for v in violations)
    finally:
        context.close()
