"""Twin runs in Chromium: a comparison's runs side by side, their loss curves overlaid in one chart
(read off the drawn canvas), their boundaries in small multiples, one play/pause for all."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .lessons_helpers import start_lesson, stored_tokens

pytestmark = pytest.mark.browser

# The twin chart's colours (lessons/twins.js), one per run in order.
COLOURS = [(0x08, 0x77, 0xBD), (0xE8, 0x59, 0x0C), (0x2F, 0x9E, 0x5B)]

# Pixels of the uPlot canvas close to each run's colour.
COUNT_COLOURS = """([el, colours]) => {
  const canvas = el.querySelector("canvas");
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  const counts = colours.map(() => 0);
  for (let i = 0; i < data.length; i += 4) {
    colours.forEach(([r, g, b], k) => {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40 && data[i + 3] > 200) counts[k]++;
    });
  }
  return counts;
}"""

# How many distinct colours a small multiple's boundary canvas shows (a blank canvas shows one).
CANVAS_COLOURS = """el => {
  const { data } = el.getContext("2d").getImageData(0, 0, el.width, el.height);
  const seen = new Set();
  for (let i = 0; i < data.length; i += 16) seen.add((data[i] >> 4) * 256 + (data[i + 1] >> 4) * 16 + (data[i + 2] >> 4));
  return seen.size;
}"""


def drawn_curves(page, chart):
    """Pixels of each run's colour on the chart and the width (device pixels) of each run's curve,
    read from one and the same drawing."""
    while True:
        draws = chart.get_attribute("data-draws")
        counts = page.evaluate(COUNT_COLOURS, [chart.element_handle(), COLOURS[:2]])
        spans = [int(w) for w in (chart.get_attribute("data-spans") or "").split(",")]
        if chart.get_attribute("data-draws") == draws:
            return counts, spans


def statuses(client, ids):
    return [client.get(f"/api/sessions/{i}").json()["status"] for i in ids]


def wait_statuses(client, ids, wanted, timeout=15.0):
    deadline = time.monotonic() + timeout
    while (seen := statuses(client, ids)) != [wanted] * len(ids):
        assert time.monotonic() < deadline, f"runs never all {wanted}: {seen}"
        time.sleep(0.1)


def test_a_comparison_plays_together_and_draws_one_curve_per_run(server, client, watched):
    page = watched.page
    progress = start_lesson(page, server.url, "15-dropout")
    ids = [s["id"] for s in progress["sessions"]]
    twins = page.get_by_test_id("twin-runs")
    expect(twins.get_by_test_id("twin-card")).to_have_count(2)
    expect(twins.get_by_test_id("twin-legend")).to_have_text("with dropoutwithout dropout")
    assert statuses(client, ids) == ["idle", "idle"]

    twins.get_by_test_id("twin-play-pause").click()
    wait_statuses(client, ids, "running")
    expect(twins.get_by_test_id("twin-status")).to_have_text(["running", "running"])
    chart = twins.get_by_test_id("twin-chart")
    page.wait_for_function(
        "el => (el.dataset.points || '').split(',').length === 2 && el.dataset.points.split(',').every(n => +n >= 5)",
        arg=chart.element_handle(),
        timeout=30000,
    )
    # the canvas really shows both curves: pixels of each run's colour along the width its steps
    # span (runs train at their own speed, so one curve may be much shorter; a later run is dashed,
    # so an earlier one it hides shows through the gaps, at least a third of its length)
    counts, spans = drawn_curves(page, chart)
    assert all(w >= 4 for w in spans), f"each run's curve spans some steps: {spans}"
    assert all(n >= w / 3 for n, w in zip(counts, spans, strict=True)), (
        f"pixels of each run's colour {counts}, widths {spans}"
    )
    # each run's boundary is painted (not a blank canvas)
    boundaries = twins.get_by_test_id("twin-boundary")
    for i in range(2):
        page.wait_for_function("el => +(el.dataset.frames || 0) > 0", arg=boundaries.nth(i).element_handle())
        assert boundaries.nth(i).evaluate(CANVAS_COLOURS) > 5

    twins.get_by_test_id("twin-play-pause").click()
    wait_statuses(client, ids, "paused")
    expect(twins.get_by_test_id("twin-status")).to_have_text(["paused", "paused"])
    # the two runs trained on the same data, and both are this browser's
    tokens = stored_tokens(page)
    assert all(tokens.get(i) for i in ids)


def test_a_comparison_of_image_runs_shows_their_numbers(server, client, watched):
    page = watched.page
    start_lesson(page, server.url, "19-pooling")
    twins = page.get_by_test_id("twin-runs")
    expect(twins.get_by_test_id("twin-card")).to_have_count(2)
    expect(twins.get_by_test_id("twin-boundary")).to_have_count(0)
    page.get_by_test_id("step-batch").click()  # the page's session: the first run only
    expect(twins.get_by_test_id("twin-step").first).to_have_text("1")
    expect(twins.get_by_test_id("twin-step").nth(1)).to_have_text("0")
    expect(twins.get_by_test_id("twin-loss").first).not_to_have_text("—")


def drawn(locator, attribute: str = "frames") -> dict:
    """A twin canvas once painted (not the blank 300x150 it mounts as): its size, how many colours it
    shows and its data attributes, read in one moment."""
    locator.page.wait_for_function(
        f"el => +(el.dataset.{attribute} || 0) > 0 && !(el.width === 300 && el.height === 150)",
        arg=locator.element_handle(),
        timeout=30000,
    )
    seen: dict = locator.evaluate(
        "el => ({ width: el.width, height: el.height, colours: (" + CANVAS_COLOURS + ")(el), data: { ...el.dataset } })"
    )
    return seen


def test_image_comparisons_show_each_runs_first_feature_maps_and_output_bars(server, client, watched):
    """Lesson 20's key view in small multiples: the probe digit's first-conv feature maps of each run
    (same padding keeps 8x8, valid shrinks to 6x6) and each run's ten output bars summing to 1."""
    page = watched.page
    start_lesson(page, server.url, "20-padding")
    twins = page.get_by_test_id("twin-runs")
    maps, outputs = twins.get_by_test_id("twin-maps"), twins.get_by_test_id("twin-output")
    expect(maps).to_have_count(2)
    expect(outputs).to_have_count(2)
    same, valid = drawn(maps.nth(0)), drawn(maps.nth(1))
    assert same["data"]["shape"] == "4x8x8" and valid["data"]["shape"] == "4x6x6", (same, valid)
    assert same["colours"] > 4 and valid["colours"] > 4, (same, valid)  # pictures, not flat fills
    assert same["width"] > valid["width"], (same["width"], valid["width"])  # the valid maps are drawn smaller
    for i in range(2):
        out = drawn(outputs.nth(i))
        values = [float(v) for v in out["data"]["values"].split(",")]
        assert out["data"]["role"] == "bars" and len(values) == 10 and abs(sum(values) - 1) < 1e-4, out
        assert out["data"]["truth"] != "" and out["colours"] > 3, out
    # both runs show the same probe digit: the same true class
    truths = {outputs.nth(i).get_attribute("data-truth") for i in range(2)}
    assert len(truths) == 1, truths


def test_the_recurrent_comparison_shows_each_runs_predicted_sequence(server, client, watched):
    page = watched.page
    start_lesson(page, server.url, "22-recurrent-neuron")
    outputs = page.get_by_test_id("twin-runs").get_by_test_id("twin-output")
    expect(outputs).to_have_count(2)
    for i in range(2):
        out = drawn(outputs.nth(i))
        assert out["data"]["role"] == "sequence" and len(out["data"]["values"].split(",")) == 10, out
        assert out["colours"] > 2, out


def test_leaving_a_comparison_keeps_the_shown_run_and_pauses_the_others(server, client, watched):
    page = watched.page
    progress = start_lesson(page, server.url, "15-dropout")
    shown, other = (s["id"] for s in progress["sessions"])
    page.get_by_test_id("twin-play-pause").click()
    wait_statuses(client, [shown, other], "running")
    page.get_by_test_id("lesson-leave").click()
    expect(page.get_by_test_id("lesson-panel")).to_have_count(0)
    wait_statuses(client, [other], "paused")
    assert statuses(client, [shown]) == ["running"]
    expect(page.get_by_test_id("status")).to_have_text("running")
    page.get_by_test_id("play-pause").click()
    wait_statuses(client, [shown], "paused")


# Per bar of a twin's gradient canvas (lessons/twin_grads.js), how many pixels of its column are
# drawn in the bar colour: the bar's height as painted.
BAR_HEIGHTS = """el => {
  const n = el.dataset.norms.split(",").length;
  const { data } = el.getContext("2d").getImageData(0, 0, el.width, el.height);
  const slot = el.width / n;
  return [...Array(n).keys()].map((i) => {
    const x = Math.floor(i * slot + slot / 2);
    let h = 0;
    for (let y = 0; y < el.height; y++) {
      const k = (y * el.width + x) * 4;
      if (Math.abs(data[k] - 0x08) + Math.abs(data[k + 1] - 0x77) + Math.abs(data[k + 2] - 0xbd) < 40) h++;
    }
    return h;
  });
}"""


def test_the_vanishing_gradient_comparison_shows_each_runs_layer_norms_side_by_side(server, client, watched):
    """Lesson 24's key view in small multiples: each run's per-layer gradient norms on one shared log
    scale; the sigmoid net's first layer gets at least 100 times less gradient than its last, the
    ReLU net's does not (the numbers the stream brought, and the bars as painted)."""
    page = watched.page
    progress = start_lesson(page, server.url, "24-vanishing-gradient")
    ids = [s["id"] for s in progress["sessions"]]
    twins = page.get_by_test_id("twin-runs")
    grads = twins.get_by_test_id("twin-grads")
    expect(grads).to_have_count(2)
    expect(twins.get_by_test_id("twin-boundary")).to_have_count(0)
    twins.get_by_test_id("twin-play-pause").click()
    wait_statuses(client, ids, "running")
    for i in range(2):
        page.wait_for_function(
            "el => (el.dataset.norms || '').split(',').length === 8 && +(el.dataset.frames || 0) > 1",
            arg=grads.nth(i).element_handle(),
            timeout=30000,
        )
    twins.get_by_test_id("twin-play-pause").click()
    wait_statuses(client, ids, "paused")
    ratios, heights = [], []
    for i in range(2):
        norms = [float(v) for v in (grads.nth(i).get_attribute("data-norms") or "").split(",")]
        ratios.append(norms[-1] / norms[0])
        heights.append(grads.nth(i).evaluate(BAR_HEIGHTS))
    sigmoid, relu = ratios
    assert sigmoid >= 100 and relu < 100, ratios
    assert heights[0][0] < heights[0][-1] and all(h > 0 for h in heights[0][-1:]), heights


# BAR_HEIGHTS reads the time-gradient canvas too (lessons/twin_probe.js): one bar per time step,
# in the same colour, in equal slots.
TIME_BAR_HEIGHTS = BAR_HEIGHTS


def test_the_long_sequence_comparison_shows_the_gradient_fading_back_through_time(server, client, watched):
    """Lesson 24-vanishing-rnn's key view: each run's ‖dL/dh_t‖ per time step; with 40 steps the first
    step's gradient is at least 100 times below the last one's, with 5 steps it is not (as streamed
    and as painted)."""
    page = watched.page
    progress = start_lesson(page, server.url, "24-vanishing-rnn")
    ids = [s["id"] for s in progress["sessions"]]
    twins = page.get_by_test_id("twin-runs")
    grads = twins.get_by_test_id("twin-time-grads")
    expect(grads).to_have_count(2)
    # A few steps of each run, as the effect reads the first 20 (played on for a thousand steps or so,
    # the network learns to carry the marked values back and the early bars grow again).
    tokens = stored_tokens(page)
    for sid in ids:
        for _ in range(5):
            answer = client.post(
                f"/api/sessions/{sid}/commands",
                json={"action": "step", "unit": "batch"},
                headers={"Authorization": f"Bearer {tokens[sid]}"},
            )
            assert answer.status_code == 200, answer.text
    for i, steps in enumerate((40, 5)):
        page.wait_for_function(
            "([el, n]) => (el.dataset.norms || '').split(',').length === n && +(el.dataset.frames || 0) > 0",
            arg=[grads.nth(i).element_handle(), steps],
            timeout=30000,
        )
    ratios, heights = [], []
    for i in range(2):
        norms = [float(v) for v in (grads.nth(i).get_attribute("data-norms") or "").split(",")]
        ratios.append(norms[-1] / max(norms[0], 1e-30))
        heights.append(grads.nth(i).evaluate(TIME_BAR_HEIGHTS))
    long, short = ratios
    assert long >= 100 and short <= 10, ratios
    assert heights[0][0] < heights[0][-1] / 2 and heights[0][-1] > 0, heights
    assert min(heights[1]) > heights[1][-1] / 2, heights  # short: every step keeps its gradient
