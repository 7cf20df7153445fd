"""The loss landscape view (issue 10, "Gradient descent you can see") in a real Chromium against a
real server: a one-neuron regression's true landscape over its weight and bias, the optimizer's path
growing while it plays, one full-batch step landing on the tip of the step arrow, random directions
for a bigger model, and its texts in both languages."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from .helpers import session_id
from .live_helpers import open_session, pause, play

pytestmark = pytest.mark.browser

ONE_NEURON = {
    "model": {"input_shape": [1], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]},
    "dataset": {"name": "plane", "features": ["x1"], "points": 200, "noise": 0.1},
    "training": {"optimizer": "sgd", "learning_rate": 0.05, "batch_size": 10000},
}


def open_landscape(page) -> None:
    page.get_by_test_id("tab-landscape").click()
    page.wait_for_function("Number(document.querySelector('[data-testid=landscape-canvas]')?.dataset.drawn) > 0")


def path_points(page) -> int:
    return int(page.get_by_test_id("landscape-canvas").get_attribute("data-path-points") or 0)


def path_end(page) -> list[float]:
    return [float(v) for v in page.get_by_test_id("landscape-canvas").get_attribute("data-path-end").split(",")]


def contour_segments(grid: list[list[float | None]], count: int = 14) -> tuple[int, int]:
    """(levels, segments) of the contour lines of the server's grid, by marching squares as a person
    would draw them: `count` levels evenly spaced in log(loss) between the grid's extremes, one
    segment per cell a level crosses (two at a saddle); cells with a missing corner are skipped."""
    values = [v for row in grid for v in row if v is not None]
    lo, hi = min(values), max(values)
    if not hi > lo:
        return 0, 0
    log = lo > 0
    a, b = (math.log(lo), math.log(hi)) if log else (lo, hi)
    levels = [a + (k + 1) * (b - a) / (count + 1) for k in range(count)]
    levels = [math.exp(v) for v in levels] if log else levels
    segments = 0
    for level in levels:
        for j in range(len(grid) - 1):
            for i in range(len(grid[0]) - 1):
                corners = (grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i])
                if any(c is None for c in corners):
                    continue
                code = sum(1 << n for n, c in enumerate(corners) if c > level)
                segments += 0 if code in (0, 15) else 2 if code in (5, 10) else 1
    return len(levels), segments


def test_one_neuron_landscape_path_and_step_arrow(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, ONE_NEURON)
    open_landscape(page)
    expect(page.get_by_test_id("landscape-axes-text")).to_contain_text("the values of layer0.W[0, 0] and layer0.b[0]")
    expect(page.get_by_test_id("landscape-computed")).to_contain_text("at step 0 on 100 training samples")
    expect(page.get_by_test_id("landscape-arrow")).to_contain_text("η = 0.05")
    picture = page.get_by_test_id("landscape-canvas").evaluate(
        """el => {
          const px = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
          const colours = new Set();
          let arrow = 0;
          for (let i = 0; i < px.length; i += 4) {
            colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
            if (px[i] === 200 && px[i + 1] === 55 && px[i + 2] === 45) arrow += 1;
          }
          return { colours: colours.size, arrow };
        }"""
    )
    assert picture["colours"] > 50 and picture["arrow"] > 20, picture  # a shaded map and the red arrow
    # The server's gradient at the weights; one step of full-batch SGD ends at the arrow's tip.
    got = client.get(f"/api/sessions/{sid}/landscape", params={"size": 41, "span": 1}).json()
    centre, gradient = got["center"], got["gradient"]
    assert path_points(page) == 1 and path_end(page) == pytest.approx(centre, abs=1e-6)
    # The contour lines drawn are those of the server's grid.
    canvas = page.get_by_test_id("landscape-canvas")
    levels, segments = contour_segments(got["loss"])
    assert levels == 14 and segments > 100
    assert int(canvas.get_attribute("data-contour-levels")) == levels
    assert int(canvas.get_attribute("data-contours")) == segments
    page.get_by_test_id("step-batch").click()
    page.wait_for_function("Number(document.querySelector('[data-testid=landscape-canvas]').dataset.pathPoints) >= 2")
    tip = [centre[0] - 0.05 * gradient[0], centre[1] - 0.05 * gradient[1]]
    assert path_end(page) == pytest.approx(tip, rel=1e-4, abs=1e-6)
    # Stopped, the map follows the weights (entry axes): recomputed around step 1.
    expect(page.get_by_test_id("landscape-computed")).to_contain_text("at step 1 on")
    # Playing: the path grows from the weights as they stream.
    play(page)
    page.wait_for_function(
        "Number(document.querySelector('[data-testid=landscape-canvas]').dataset.pathPoints) >= 6", timeout=20000
    )
    grown = path_points(page)
    page.wait_for_function(
        f"Number(document.querySelector('[data-testid=landscape-canvas]').dataset.pathPoints) > {grown}",
        timeout=20000,
    )
    pause(page)
    expect(page.get_by_test_id("landscape-path")).to_contain_text(re.compile(r"Orange path: \d+ points"))
    # The path heads for the minimum: the loss at its end is below the start's.
    final = client.get(f"/api/sessions/{sid}").json()["history"][-1]["loss"]
    assert final < got["center_loss"]


def test_random_directions_for_a_bigger_model(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, {"training": {"optimizer": "adam"}})
    open_landscape(page)
    expect(page.get_by_test_id("landscape-axes-text")).to_contain_text(
        "two random directions through the weights of step 0"
    )
    expect(page.get_by_test_id("landscape-arrow")).to_contain_text("Adam's real next step")
    expect(page.get_by_test_id("landscape-neuron-preset")).to_be_visible()
    before = page.get_by_test_id("landscape-canvas").evaluate("el => el.toDataURL()")
    play(page)
    page.wait_for_function(
        "Number(document.querySelector('[data-testid=landscape-canvas]').dataset.pathPoints) >= 4", timeout=20000
    )
    pause(page)
    assert page.get_by_test_id("landscape-canvas").evaluate("el => el.toDataURL()") != before  # the path drawn
    expect(page.get_by_test_id("landscape-path")).to_contain_text("their shadow on it")
    # Another seed is another plane: its path is drawn again on it, from the server's trail of the
    # weights since step 0 to the current ones.
    page.get_by_test_id("landscape-seed").fill("4")
    page.get_by_test_id("landscape-seed").press("Enter")
    expect(page.get_by_test_id("landscape-computed")).not_to_contain_text("at step 0 on")
    got = client.get(f"/api/sessions/{sid}/landscape", params={"size": 41, "span": 1, "seed": 4}).json()
    first = got["trail"]["points"][0]
    assert first["step"] == 0
    page.wait_for_function(
        f"Number(document.querySelector('[data-testid=landscape-canvas]').dataset.pathPoints) === {len(got['trail']['points']) + 1}"
    )
    start = page.get_by_test_id("landscape-canvas").get_attribute("data-path-start").split(",")
    assert [float(v) for v in start] == pytest.approx([first["x"], first["y"]], rel=1e-9, abs=1e-12)
    expect(page.get_by_test_id("landscape-path")).to_contain_text("since step 0")
    # Two chosen weights as axes instead.
    page.get_by_test_id("landscape-axes").select_option("entries")
    expect(page.get_by_test_id("landscape-axes-text")).to_contain_text(
        "the values of layer0.W[0, 0] and layer0.W[0, 1]"
    )
    page.get_by_test_id("landscape-y").select_option("layer2.b[0]")
    expect(page.get_by_test_id("landscape-axes-text")).to_contain_text("layer0.W[0, 0] and layer2.b[0]")
    # The one-neuron preset opens a session whose landscape is the true one.
    before_id = session_id(page)
    page.get_by_test_id("landscape-neuron-preset").click()
    page.wait_for_function(f"!location.pathname.includes({before_id!r})")
    page.get_by_test_id("tab-landscape").click()
    expect(page.get_by_test_id("landscape-axes-text")).to_contain_text("layer0.W[0, 0] and layer0.b[0]")


def test_the_path_from_before_the_tab_opened(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, ONE_NEURON)
    start = client.get(f"/api/sessions/{sid}/params", params={"layer": 0, "param": "W"}).json()["values"][0][0]
    bias = client.get(f"/api/sessions/{sid}/params", params={"layer": 0, "param": "b"}).json()["values"][0]
    for done in range(1, 4):
        page.get_by_test_id("step-batch").click()
        expect(page.get_by_test_id("step-counter")).to_have_text(re.compile(rf"(^|\D){done}$"))
    open_landscape(page)
    # The server's trail (the weights after steps 0, 1, 2) and the centre at step 3.
    assert path_points(page) == 4
    first = [float(v) for v in page.get_by_test_id("landscape-canvas").get_attribute("data-path-start").split(",")]
    assert first == pytest.approx([start, bias], abs=1e-7)
    expect(page.get_by_test_id("landscape-path")).to_contain_text("Orange path: 4 points")
    expect(page.get_by_test_id("landscape-path")).to_contain_text("since step 0")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("landscape-path")).to_contain_text("从第 0 步开始")


def test_a_large_model_says_its_path_starts_with_the_tab(server, client, context, watched):
    """Beyond the server's budget (about 31,000 weights) no earlier weights are kept."""
    layers = [
        {"type": "dense", "units": 250, "activation": "tanh"},
        {"type": "dense", "units": 125, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ]
    body = {"model": {"input_shape": [2], "layers": layers}, "dataset": {"name": "circle", "points": 100}}
    open_session(context, page := watched.page, server, client, body)
    page.get_by_test_id("step-batch").click()
    expect(page.get_by_test_id("step-counter")).to_have_text(re.compile(r"(^|\D)1$"))
    open_landscape(page)
    expect(page.get_by_test_id("landscape-path")).to_contain_text("since you opened this tab")
    assert path_points(page) == 1


def tip(page, name: str) -> list[float]:
    return [float(v) for v in page.get_by_test_id("landscape-canvas").get_attribute(f"data-{name}-tip").split(",")]


def test_the_arrow_is_adams_real_next_step_not_plain_gradient_descent(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, {"training": {"optimizer": "adam", "batch_size": 10}})
    for done in range(1, 4):  # Adam's moments from earlier steps
        page.get_by_test_id("step-batch").click()
        expect(page.get_by_test_id("step-counter")).to_have_text(re.compile(rf"(^|\D){done}$"))
    open_landscape(page)
    expect(page.get_by_test_id("landscape-computed")).to_contain_text("at step 3 on")
    got = client.get(f"/api/sessions/{sid}/landscape", params={"size": 41, "span": 1, "seed": 0}).json()
    centre, lr = got["center"], got["next_step"]["learning_rate"]
    expected = [centre[0] + got["next_step"]["step"][0], centre[1] + got["next_step"]["step"][1]]
    assert tip(page, "arrow") == pytest.approx(expected, rel=1e-9, abs=1e-12)
    plain = [centre[0] - lr * got["gradient"][0], centre[1] - lr * got["gradient"][1]]
    assert tip(page, "plain") == pytest.approx(plain, rel=1e-9, abs=1e-12)
    apart = max(abs(a - b) for a, b in zip(tip(page, "arrow"), plain, strict=True))
    assert apart > 0.1 * max(abs(v) for v in got["next_step"]["step"]), "Adam's step is not −η·∇L"
    expect(page.get_by_test_id("landscape-arrow")).to_contain_text("Adam's real next step")
    expect(page.get_by_test_id("landscape-arrow")).to_contain_text("next batch of 10 samples")
    expect(page.get_by_test_id("landscape-plain")).to_contain_text("plain gradient descent")
    # One batch step: the path's new point (the real new weights' shadow) lands on the arrow's tip.
    page.get_by_test_id("step-batch").click()
    # (the path already has points from before: the trail of steps 0-3; wait for step 4's)
    page.wait_for_function("document.querySelector('[data-testid=landscape-canvas]').dataset.pathLastStep === '4'")
    assert path_end(page) == pytest.approx(expected, rel=1e-4, abs=1e-6)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("landscape-arrow")).to_contain_text("真实的下一步")


def test_a_bad_request_is_named_and_the_texts_in_chinese(server, client, context, watched):
    page = watched.page
    watched.allow("422")
    open_session(context, page, server, client, ONE_NEURON)
    open_landscape(page)
    page.get_by_test_id("landscape-axes").select_option("entries")
    page.get_by_test_id("landscape-y").select_option("layer0.W[0, 0]")  # the same entry twice
    expect(page.get_by_test_id("landscape-error")).to_contain_text("x and y name the same entry")
    page.get_by_test_id("landscape-y").select_option("layer0.b[0]")
    expect(page.get_by_test_id("landscape-error")).to_have_count(0)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("tab-landscape")).to_have_text("损失地形")
    expect(page.get_by_test_id("landscape-axes-text")).to_contain_text("的取值")
    expect(page.get_by_test_id("landscape-recompute")).to_have_text("在此处重新计算")
