"""The browser's own rules for lessons, run in Chromium against the server's: the challenge check
(lessons/challenge.js) gives the same answer as lessons/challenge.py on the same points, and the
lesson text's markdown subset becomes the elements it should (never raw markup)."""

from __future__ import annotations

import random

import pytest

from neuroplay.lessons.catalog import load_lessons
from neuroplay.lessons.challenge import challenge_met
from neuroplay.schemas.lesson import Challenge
from neuroplay.schemas.session import MetricPoint

from .helpers import open_app

pytestmark = pytest.mark.browser

CHECK_IN_BROWSER = """async ([cases]) => {
  const { checkChallenge } = await import("/js/lessons/challenge.js");
  return cases.map(([challenge, params, points]) => checkChallenge(challenge, params, points));
}"""


def random_points(rng: random.Random, n: int) -> list[MetricPoint]:
    steps = sorted(rng.sample(range(0, 4000), n))

    def maybe(lo: float, hi: float) -> float | None:
        return None if rng.random() < 0.15 else rng.uniform(lo, hi)

    return [
        MetricPoint(
            step=s, epoch=i, loss=maybe(0, 1), val_loss=maybe(0, 1), accuracy=maybe(0.5, 1), val_accuracy=maybe(0.5, 1)
        )
        for i, s in enumerate(steps)
    ]


def test_the_browser_checks_a_challenge_as_the_server_does(server, watched):
    page = watched.page
    open_app(page, server.url)
    rng = random.Random(11)
    challenges = [lesson.challenge for lesson in load_lessons().values() if lesson.challenge is not None]
    assert len(challenges) == 3
    # the lessons' challenges, and variations: each metric, both kinds of target, no size limit
    challenges += [
        Challenge.model_validate(
            {
                "metric": metric,
                **({"at_least": 0.9} if "accuracy" in metric else {"at_most": 0.1}),
                "max_params": rng.choice([None, 20]),
                "within_steps": rng.choice([500, 2000]),
                "solution": challenges[0].solution.model_dump(),
            }
        )
        for metric in ("loss", "val_loss", "accuracy", "val_accuracy")
    ]
    cases = []
    for challenge in challenges:
        for _ in range(12):
            cases.append((challenge, rng.choice([10, 15, 17, 25, 60000]), random_points(rng, rng.randint(0, 30))))
    wire = [
        [c.model_dump(mode="json"), params, [p.model_dump(mode="json") for p in points]] for c, params, points in cases
    ]
    answers = page.evaluate(CHECK_IN_BROWSER, [wire])
    expected = [challenge_met(c, params, points) for c, params, points in cases]
    assert [a["met"] for a in answers] == expected
    assert 0 < sum(expected) < len(expected), "the cases should both meet and miss"
    for (challenge, _, points), answer in zip(cases, answers, strict=True):
        if answer["met"]:  # the step shown is the first point meeting the rule
            first = next(
                p.step for p in points if p.step <= challenge.within_steps and challenge_met(challenge, 0, [p]) is True
            )
            assert answer["step"] == first


RENDER = """async ([source]) => {
  const { render, h } = await import("preact");
  const { Markdown } = await import("/js/lessons/markdown.js");
  const box = document.createElement("div");
  render(h(Markdown, { source }), box);
  return box.querySelector(".lesson-md").innerHTML;
}"""


def test_the_lesson_markdown_subset_renders_as_elements(server, watched):
    page = watched.page
    open_app(page, server.url)
    source = (
        "# Heading\n\nA *first* paragraph\nwrapped, with `W_h` and **bold** and _em_.\n\n"
        "- one\n- two `x`\n\n1. first\n2. second\n\nh_t = f(W_x x_t) stays as text; <b>not markup</b>"
    )
    assert page.evaluate(RENDER, [source]) == (
        '<h3 class="lesson-md-heading">Heading</h3>'
        "<p>A <em>first</em> paragraph wrapped, with <code>W_h</code> and <strong>bold</strong> and <em>em</em>.</p>"
        "<ul><li>one</li><li>two <code>x</code></li></ul>"
        "<ol><li>first</li><li>second</li></ol>"
        "<p>h_t = f(W_x x_t) stays as text; &lt;b&gt;not markup&lt;/b&gt;</p>"
    )
