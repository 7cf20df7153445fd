"""Lessons that the learner completes by hand, in Chromium: lesson 06 builds 2-4-1 from the output
layer alone by driving the palette as its steps say, and lesson 04-softmax's probe shows ten output
bars that sum to 1 with the true digit's bar growing as the network trains (read off the canvas)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .helpers import number, session_id
from .lessons_helpers import focused, start_lesson

pytestmark = pytest.mark.browser


def settled(page) -> None:
    expect(page.get_by_test_id("layer-stack")).to_have_attribute("data-pending", "0")


def best_val_accuracy(client, sid: str) -> float:
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    return max((p["val_accuracy"] or 0.0) for p in history) if history else 0.0


def test_the_layers_lesson_builds_2_4_1_from_the_output_layer_with_the_palette(server, client, watched):
    page = watched.page
    start_lesson(page, server.url, "06-layers")
    panel = page.get_by_test_id("lesson-panel")
    cards = page.get_by_test_id("layer-card")
    # Step 1: the output layer alone (a network needs one layer to have an answer at all).
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-role", "output")
    expect(page.get_by_test_id("input-shape")).to_have_text("(2)")
    expect(page.get_by_test_id("layer-shape")).to_have_text(["(1)"])
    expect(page.get_by_test_id("total-params")).to_contain_text("3")
    # Step 2: the palette is pointed at; "+" on Dense puts a hidden layer before the output.
    panel.get_by_test_id("lesson-next").click()
    expect(panel.get_by_test_id("lesson-step-title")).to_have_text("Add the hidden layer")
    # the outline follows the step once it has rendered: wait for it, then read what is outlined
    expect(page.get_by_test_id("palette")).to_have_attribute("data-lesson-focus", "")
    assert "palette" in focused(page)
    page.get_by_test_id("add-dense").click()
    settled(page)
    expect(cards).to_have_count(2)
    hidden = page.locator('[data-testid=layer-card][data-role="hidden"]')
    # as the step says: 4 units, tanh (typed in, as a learner would, even if they are the defaults)
    box = hidden.get_by_test_id("units-input")
    box.fill("4")
    box.press("Enter")
    hidden.get_by_test_id("activation").select_option("tanh")
    settled(page)
    # Step 3: the shapes between the layers read 2 -> 4 -> 1, 17 parameters.
    panel.get_by_test_id("lesson-next").click()
    expect(panel.get_by_test_id("lesson-step-title")).to_have_text("Check the shapes")
    expect(page.get_by_test_id("input-shape")).to_have_text("(2)")
    expect(page.get_by_test_id("layer-shape")).to_have_text(["(4)", "(1)"])
    expect(page.get_by_test_id("layer-params")).to_have_text(["12 params", "5 params"])
    assert number(page.get_by_test_id("total-params").inner_text()) == 17
    sid = session_id(page)
    view = client.get(f"/api/sessions/{sid}").json()
    assert [(l["type"], l["units"], l["activation"]) for l in view["model"]["layers"]] == [
        ("dense", 4, "tanh"),
        ("dense", 1, "sigmoid"),
    ]
    assert [l["output_shape"] for l in view["layers"]] == [[4], [1]]
    # Step 4: the step's action plays it, and the network the learner built learns the circle.
    panel.get_by_test_id("lesson-next").click()
    panel.get_by_test_id("lesson-action").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    deadline = time.monotonic() + 60
    while (acc := best_val_accuracy(client, sid)) <= 0.9:
        assert time.monotonic() < deadline, f"the built 2-4-1 never passed 90 % validation accuracy: {acc}"
        time.sleep(0.5)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")


# Each output bar's painted length as a share of the bar's full width, read off the pixels of the
# row's middle line (probe_draw.js's paintClassBars: the largest bar in #0877bd, the others in
# #9fb3c8), and the row the green outline marks as the true class.
BARS = """el => {
  const { data } = el.getContext("2d").getImageData(0, 0, el.width, el.height);
  const n = el.dataset.values.split(",").length;
  const rowH = el.height / n, scale = rowH / 16; // 16 CSS pixels a row, drawn at the device's pixel ratio
  const left = Math.round(+el.dataset.barLeft * scale), width = +el.dataset.barWidth * scale;
  const near = (k, [r, g, b]) => Math.abs(data[k] - r) + Math.abs(data[k + 1] - g) + Math.abs(data[k + 2] - b) < 30;
  const shares = [], outlined = [];
  for (let i = 0; i < n; i++) {
    const y = Math.floor(i * rowH + rowH / 2);
    let filled = 0;
    for (let x = left; x < left + width; x++) {
      const k = (y * el.width + x) * 4;
      if (near(k, [0x08, 0x77, 0xbd]) || near(k, [0x9f, 0xb3, 0xc8])) filled++;
    }
    shares.push(filled / width);
    // the outline's top edge runs along the row's top, just above the bar
    const top = Math.floor(i * rowH + scale * 1.5), mid = (top * el.width + left + Math.floor(width / 2)) * 4;
    if (near(mid, [0x2f, 0x9e, 0x5b])) outlined.push(i);
  }
  return { shares, outlined, values: el.dataset.values.split(",").map(Number), truth: el.dataset.truth };
}"""


def read_bars(bars) -> dict:
    bars.page.wait_for_function(
        "el => (el.dataset.values || '').split(',').length === 10 && !(el.width === 300 && el.height === 150)",
        arg=bars.element_handle(),
    )
    while True:  # one drawing: the values before and after the read are the same
        before = bars.get_attribute("data-values")
        drawn: dict = bars.evaluate(BARS)
        if bars.get_attribute("data-values") == before:
            return drawn


def test_the_softmax_lesson_shows_ten_bars_that_sum_to_one_and_the_true_digit_growing(server, client, watched):
    page = watched.page
    start_lesson(page, server.url, "04-softmax")
    panel = page.get_by_test_id("lesson-panel")
    layers = page.get_by_test_id("probe-layer")
    expect(layers).to_have_count(3)
    bars = layers.nth(2).get_by_test_id("probe-canvas")
    expect(bars).to_have_attribute("data-role", "bars")
    start = read_bars(bars)
    truth = int(start["truth"])
    assert start["outlined"] == [truth], start
    assert abs(sum(start["values"]) - 1) < 1e-4 and abs(sum(start["shares"]) - 1) < 0.08, start
    assert start["shares"][truth] < 0.3, start  # untrained: about a tenth each
    # the second step plays; the true digit's bar passes one half
    panel.get_by_test_id("lesson-next").click()
    panel.get_by_test_id("lesson-action").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    page.wait_for_function(
        "([el, k]) => +(el.dataset.values || '').split(',')[k] > 0.6", arg=[bars.element_handle(), truth], timeout=60000
    )
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    end = read_bars(bars)
    assert end["outlined"] == [truth], end
    assert abs(sum(end["values"]) - 1) < 1e-4 and abs(sum(end["shares"]) - 1) < 0.08, end
    assert end["shares"][truth] > 0.5 and end["shares"][truth] > start["shares"][truth] + 0.3, (start, end)
    # every bar matches its number (within two pixels' share of the width)
    assert all(abs(s - v) < 0.03 for s, v in zip(end["shares"], end["values"], strict=True)), end
