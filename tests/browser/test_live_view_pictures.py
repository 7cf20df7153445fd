"""What the live views of issue 9 paint, read from the canvases' pixels in a real Chromium: the
gradient meter's clipping threshold line and clipped-step marks, the output bars' true class, the
batch-norm and distribution charts, and the loss chart's epoch markers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .live_helpers import BN_MLP, DIGITS_CNN, open_session, pause, picture, play

pytestmark = pytest.mark.browser

# The pixels of a canvas near one colour (any alpha above `min_alpha`): [x, y] of each.
PIXELS_NEAR = """(el, [rgb, tol, minAlpha, maxAlpha]) => {
  const px = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
  const out = [];
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3];
    if (a < minAlpha || a > maxAlpha) continue;
    if (Math.abs(px[i] - rgb[0]) <= tol && Math.abs(px[i + 1] - rgb[1]) <= tol && Math.abs(px[i + 2] - rgb[2]) <= tol)
      out.push([(i / 4) % el.width, Math.floor(i / 4 / el.width)]);
  }
  return { width: el.width, height: el.height, pixels: out };
}"""
CLIP_RED = [200, 55, 45]  # grad_norms.js CLIP_COLOUR
TRUE_GREEN = [47, 158, 91]  # probe_draw.js: the outline of the true class's bar


def painted(page) -> None:
    """Two animation frames later: the page's frame loop and uPlot have painted what they had."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def pixels_near(locator, rgb, tol=30, min_alpha=40, max_alpha=255) -> dict:
    return locator.evaluate(PIXELS_NEAR, [rgb, tol, min_alpha, max_alpha])


def test_the_meter_draws_the_clipping_threshold_as_a_line_and_marks_the_clipped_steps(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"training": {"clip_norm": 0.01}})
    strip = page.get_by_test_id("grad-norms")
    page.wait_for_function("window.__neuroplay.subscription().views.includes('grad_norms')")
    play(page)
    page.wait_for_function("document.querySelector('[data-testid=grad-norms]').dataset.points > 40")
    pause(page)
    painted(page)
    red = pixels_near(strip.locator(".grad-plot canvas").first, CLIP_RED)
    rows: dict[int, int] = {}
    for _, y in red["pixels"]:
        rows[y] = rows.get(y, 0) + 1
    # With a threshold this low clipping acts at every step: its marks are a band of rows along the
    # bottom edge, red nearly all across; the threshold is a dashed line (6 on, 4 off) above it.
    wide = sorted(y for y, n in rows.items() if n > 0.35 * red["width"])
    assert wide, rows
    bottom = wide[-1]
    band = [y for y in wide if y > bottom - 12]  # the marks: 6 px tall
    line = [y for y in wide if y <= bottom - 12]
    assert len(band) >= 4, ("the steps where clipping acted are marked", rows)
    assert line, ("the clipping threshold is drawn as a line", rows)
    on_line = rows[line[0]]
    assert on_line < 0.8 * red["width"], "the threshold line is dashed"
    # The marks are per step: the columns they cover are the steps clipping acted at (all of them).
    marked = {x for x, y in red["pixels"] if y in band}
    assert len(marked) > 0.5 * red["width"]


def test_the_output_bars_mark_the_true_class_of_the_probe(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, DIGITS_CNN)
    labels = [int(y[0]) for y in client.get(f"/api/sessions/{sid}/data").json()["validation"]["y"]]
    page.get_by_test_id("tab-probe").click()
    bars = page.get_by_test_id("probe-layer").last.get_by_test_id("probe-canvas")
    expect(bars).to_have_attribute("data-role", "bars")
    # Two probes of different classes: the outlined bar moves to the other class's row.
    other = next(i for i, label in enumerate(labels) if label != labels[0])
    view = page.get_by_test_id("probe-view")
    for index in (0, other):
        if index:
            page.get_by_test_id("samples").get_by_test_id("sample").nth(index).click()
        expect(view).to_have_attribute("data-drawn-probe", f"validation:{index}")
        drawn = picture(bars)
        assert drawn["colours"] > 5
        found = pixels_near(bars, TRUE_GREEN, tol=12)
        row_height = drawn["height"] / 10  # ten classes, one row each
        rows = {int(y // row_height) for _, y in found["pixels"]}
        assert rows == {labels[index]}, (index, rows, labels[index])


def test_batch_norm_and_distribution_charts_are_pictures_that_change_over_time(server, client, context, watched):
    page = watched.page
    model = BN_MLP
    open_session(context, page, server, client, {"model": model, "training": {"steps_per_second": 60}})
    page.get_by_test_id("tab-bn_stats").click()
    play(page)
    for what in ("mean", "var", "gamma", "beta", "before", "after"):
        drawn = picture(page.get_by_test_id(f"bn-{what}"))
        assert drawn["colours"] > 2, (what, drawn["colours"])
    # The normalised inputs x̂ have mean 0 and variance 1: their histogram spans about ±2.
    after = page.locator("[data-bn-range='after-1']").inner_text()
    lo, hi = (float(v.replace("−", "-")) for v in after.split("…"))
    assert -6 < lo < -0.5 and 0.5 < hi < 6, after
    page.get_by_test_id("tab-histograms").click()
    weights = page.locator("canvas[data-series='weight/0/W']")
    picture(weights)
    page.wait_for_function("document.querySelector('[data-testid=hist-view]').dataset.frames > 30")
    pause(page)
    # Percentile bands against step: the band's height differs from one column (step) to another.
    columns = weights.evaluate(
        """el => {
          const px = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
          const cols = [];
          for (let x = 0; x < el.width; x++) {
            let col = '';
            for (let y = 0; y < el.height; y++) col += String.fromCharCode(48 + (px[(y * el.width + x) * 4 + 3] >> 5));
            cols.push(col);
          }
          return cols;
        }"""
    )
    painted = [c for c in columns if c.strip("0")]
    assert len(painted) > 0.8 * len(columns), "the bands run from the first step to the last"
    # The columns (steps) differ: the bands' edges and the median move as the weights change. Bands
    # drawn flat (one value for every step) leave at most three kinds of column: the two anti-aliased
    # ends and the rest; how far the first layer's weights move in 30 frames varies (10 to 40 kinds).
    assert len(set(painted)) > 5, len(set(painted))
    for kind in ("grad/0/W", "output/0"):
        assert picture(page.locator(f"canvas[data-series='{kind}']"))["colours"] > 2, kind


def test_the_loss_chart_marks_each_epoch_on_the_steps_axis(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"training": {"steps_per_second": 300}})
    play(page)
    page.wait_for_function("Number(document.querySelector('[data-testid=epoch-counter]').textContent) >= 3")
    pause(page)
    painted(page)
    chart = page.get_by_test_id("loss-chart").locator(".uplot").first

    # The markers are counted where they are stroked (batch_losses.js): their pixels, rgba(0,0,0,0.10)
    # blended with the curves and the batch dots, cannot be told from the grid's lines reliably.
    def counts() -> tuple[int, int]:
        epochs = int(page.get_by_test_id("epoch-counter").inner_text().replace(",", ""))
        return epochs, int(chart.get_attribute("data-epoch-markers") or "0")

    # The counter and the chart redraw apart: read both until the last points have been drawn.
    for _ in range(50):
        epochs, drawn = counts()
        if epochs - 1 <= drawn <= epochs + 1:
            break
        page.wait_for_timeout(100)
    assert epochs - 1 <= drawn <= epochs + 1, (drawn, epochs)
    page.get_by_test_id("chart-axis-epochs").click()  # the axis is in epochs: no markers needed
    expect(chart).to_have_attribute("data-epoch-markers", "0")
