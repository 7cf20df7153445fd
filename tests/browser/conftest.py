"""Browser-test fixtures: a fresh context per test and a page whose console errors fail the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import VIEWPORT, Watched, watch


@pytest.fixture()
def context(browser) -> Iterator[object]:
    # bypass_csp: Playwright's wait_for_function evaluates its predicate with eval(), which the page's
    # policy forbids; test_content_security_policy.py runs the page with the policy enforced.
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", bypass_csp=True)
    yield ctx
    ctx.close()


@pytest.fixture()
def watched(context) -> Iterator[Watched]:
    """A page in a fresh context; the test fails if the page logged an error it did not expect."""
    page = context.new_page()
    page.set_default_timeout(15000)
    w = watch(page)
    yield w
    problems = w.unexpected()
    assert not problems, "errors in the browser:\n" + "\n".join(problems)


FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


@pytest.fixture(scope="session", autouse=True)
def frontend_installed() -> None:
    """The page imports its libraries from frontend/node_modules (see frontend/README.md)."""
    missing = [
        name
        for name in ("preact", "htm", "uplot", "@preact/signals", "@preact/signals-core")
        if not (FRONTEND / "node_modules" / name / "package.json").exists()
    ]
    if missing:
        pytest.fail(f"frontend libraries missing ({', '.join(missing)}): run `npm ci` in frontend/", pytrace=False)
