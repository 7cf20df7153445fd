"""Small things a learner reads, in Chromium: a batch norm's eps in full, what the 2-D graph says
of dropout and batch-norm columns, the loss chart's words while diverged, the drawing hint beside
(not over) the plane."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import DIVERGING, open_app, open_owned

pytestmark = pytest.mark.browser

POINTS_WITH_DROPOUT_AND_BN = {
    "model": {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dropout", "rate": 0.5},
            {"type": "batch_norm"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    }
}


def test_batch_norm_eps_reads_whole_in_its_field(server, client, context, watched):
    page = watched.page
    open_owned(context, page, server, client, POINTS_WITH_DROPOUT_AND_BN)
    eps = page.get_by_test_id("layer-card").nth(2).get_by_test_id("setting-eps")
    expect(eps).to_have_value("1e-5")
    # Nothing of the text hides past the field's edge.
    assert eps.evaluate("e => e.scrollWidth <= e.clientWidth"), eps.evaluate("e => [e.scrollWidth, e.clientWidth]")
    momentum = page.get_by_test_id("layer-card").nth(2).get_by_test_id("setting-momentum")
    expect(momentum).to_have_value("0.1")


def test_dropout_and_batch_norm_columns_are_named_by_their_kind(server, client, context, watched):
    page = watched.page
    open_owned(context, page, server, client, POINTS_WITH_DROPOUT_AND_BN)
    page.wait_for_function("document.querySelectorAll('.graph-col-label').length === 5")
    labels = page.locator(".graph-col-label").all_inner_texts()
    subs = [text.split("\n")[1] for text in labels]
    assert subs == ["2", "4 · tanh", "4 · Dropout", "4 · Batch norm", "1 · sigmoid"], labels


def test_the_loss_chart_does_not_say_press_play_while_diverged(server, client, context, watched):
    page = watched.page
    open_owned(context, page, server, client, DIVERGING)
    empty = page.get_by_test_id("chart-empty")
    expect(empty).to_have_text("Press play: the loss appears here.")
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("diverged")
    expect(page.get_by_test_id("loss-chart")).to_have_class("chart-box is-empty")  # one point: no line
    expect(empty).to_be_visible()
    expect(empty).to_have_text("Training diverged before a second point, so there is no curve to draw.")


def test_the_drawing_hint_sits_under_the_plane_not_over_it(server, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("draw-toggle").click()
    hint = page.get_by_test_id("draw-hint")
    expect(hint).to_be_visible()
    plane = page.get_by_test_id("boundary-canvas").bounding_box()
    box = hint.bounding_box()
    assert box["y"] >= plane["y"] + plane["height"], (box, plane)
    # What it covered (the plane's lower left) is the plane's own again: a click there adds a point.
    x, y = plane["x"] + 14, plane["y"] + plane["height"] - 10
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).dataset.testid", [x, y]) == "boundary-canvas"
