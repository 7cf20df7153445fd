"""The probe view and the plumbing of the live views (issue 9), in a real Chromium against a real
server: feature maps, padding and pooling of the probe, picking the probe, the subscription
following what is on screen, and the views' texts in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .live_helpers import DIGITS_CNN, open_session, pause, picture, play, subscription

pytestmark = pytest.mark.browser


def test_cnn_feature_maps_are_drawn_and_change_while_training(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, DIGITS_CNN)
    page.get_by_test_id("tab-probe").click()
    layers = page.get_by_test_id("probe-layer")
    expect(layers).to_have_count(4)
    conv_maps = layers.nth(0).get_by_test_id("probe-canvas")
    pool_maps = layers.nth(1).get_by_test_id("probe-canvas")
    # The untrained network's maps are drawn at once (the probe is computed from the current weights).
    first = picture(conv_maps)
    assert first["width"] > 100 and first["height"] > 20, first
    assert first["colours"] > 8, "the feature maps should be a picture, not one flat colour"
    assert picture(pool_maps)["colours"] > 4
    expect(layers.nth(0)).to_contain_text("8 feature maps 8×8")
    expect(layers.nth(1)).to_contain_text("8 feature maps 4×4")
    play(page)
    page.wait_for_function(
        "([el, before]) => Number(el.dataset.drawn) > 0 && el.toDataURL() !== before",
        arg=[conv_maps.element_handle(), first["url"]],
    )
    pause(page)
    # The output bars name every class and mark the true one.
    expect(layers.nth(3).get_by_test_id("probe-canvas")).to_have_attribute("data-role", "bars")
    # Enlarging the convolution shows its input with the zero-padding border.
    layers.nth(0).get_by_test_id("probe-layer-toggle").click()
    padded = page.get_by_test_id("probe-padded")
    drawn = picture(padded)
    # 8x8 digit + 1 cell of padding on each side = 10 cells a side.
    assert drawn["width"] == drawn["height"] and drawn["width"] % 10 == 0, drawn
    expect(page.get_by_test_id("probe-padding")).to_contain_text("1 on each side")
    page.get_by_test_id("probe-back").click()
    expect(page.get_by_test_id("probe-layer")).to_have_count(4)
    # The gradients dL/d output: other pictures, with their colour scale; the output as cells, not bars.
    values = picture(layers.nth(0).get_by_test_id("probe-canvas"))
    page.get_by_test_id("probe-mode-grads").click()
    expect(layers.nth(3).get_by_test_id("probe-canvas")).to_have_attribute("data-role", "units")
    page.wait_for_function(
        "([el, before]) => Number(el.dataset.drawn) > 0 && el.toDataURL() !== before",
        arg=[layers.nth(0).get_by_test_id("probe-canvas").element_handle(), values["url"]],
    )
    expect(layers.nth(0).locator("[data-scale]")).to_contain_text("colour: −")


def test_hovering_a_max_pooled_cell_outlines_its_winning_input_cell(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, DIGITS_CNN)
    page.get_by_test_id("tab-probe").click()
    page.get_by_test_id("probe-layer").nth(1).get_by_test_id("probe-layer-toggle").click()
    pooled = page.get_by_test_id("probe-canvas")
    picture(pooled)
    inputs = page.get_by_test_id("probe-pool-input")
    before = picture(inputs)
    box = pooled.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)  # channel 1, row 1, column 1
    expect(page.get_by_test_id("probe-hover")).to_contain_text("channel 1, row 1, column 1")
    # The input is repainted with the window and its winner outlined: red pixels appear.
    page.wait_for_function(
        """([el, before]) => {
          if (el.toDataURL() === before) return false;
          const px = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
          for (let i = 0; i < px.length; i += 4) if (px[i] === 200 && px[i + 1] === 55 && px[i + 2] === 45) return true;
          return false;
        }""",
        arg=[inputs.element_handle(), before["url"]],
    )
    # The keyboard moves the cell too: arrows within a map, Page Down to the next map.
    page.mouse.move(0, 0)
    pooled.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("probe-hover")).to_contain_text("channel 1, row 1, column 1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("probe-hover")).to_contain_text("channel 1, row 2, column 2")
    page.keyboard.press("PageDown")
    expect(page.get_by_test_id("probe-hover")).to_contain_text("channel 2, row 2, column 2")


def test_clicking_a_sample_changes_the_probe(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, DIGITS_CNN)
    page.get_by_test_id("tab-probe").click()
    view = page.get_by_test_id("probe-view")
    expect(view).to_have_attribute("data-probe", "validation:0")
    expect(page.get_by_test_id("probe-view")).to_have_attribute("data-drawn-probe", "validation:0")
    before = picture(page.get_by_test_id("probe-input"))
    assert subscription(page)["probe"] == {"split": "validation", "index": 0}
    page.get_by_test_id("samples-train").click()
    thumb = page.get_by_test_id("samples").get_by_test_id("sample").nth(5)
    thumb.click()
    expect(thumb).to_have_attribute("aria-pressed", "true")
    expect(view).to_have_attribute("data-probe", "train:5")
    # The server streams the new probe; the input drawn is that sample.
    expect(view).to_have_attribute("data-drawn-probe", "train:5")
    page.wait_for_function(
        "([el, before]) => el.toDataURL() !== before",
        arg=[page.get_by_test_id("probe-input").element_handle(), before["url"]],
    )
    assert subscription(page)["probe"] == {"split": "train", "index": 5}
    # The keyboard picks too: the next button and Enter on a thumbnail.
    page.get_by_test_id("probe-next").focus()
    page.keyboard.press("Enter")
    expect(view).to_have_attribute("data-probe", "train:6")
    page.get_by_test_id("samples").get_by_test_id("sample").nth(2).focus()
    page.keyboard.press("Enter")
    expect(view).to_have_attribute("data-drawn-probe", "train:2")


def test_clicking_a_point_on_the_plane_makes_it_the_probe(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, {})
    page.wait_for_function("document.querySelector('[data-testid=boundary-canvas]')?.dataset.frames > 0")
    data = client.get(f"/api/sessions/{sid}/data").json()
    grid = client.get(f"/api/sessions/{sid}").json()["grid"]
    x1, x2 = data["train"]["x"][7]
    canvas = page.get_by_test_id("boundary-canvas")
    box = canvas.bounding_box()
    px = box["x"] + (x1 - grid["x_min"]) / (grid["x_max"] - grid["x_min"]) * box["width"]
    py = box["y"] + (grid["y_max"] - x2) / (grid["y_max"] - grid["y_min"]) * box["height"]
    page.mouse.click(px, py)
    page.get_by_test_id("tab-probe").click()
    picked = page.get_by_test_id("probe-picker")
    expect(picked).to_have_attribute("data-split", "train")
    # Points can lie on top of each other: the one picked is within a few pixels of the click.
    index = int(picked.get_attribute("data-index"))
    px2, py2 = data["train"]["x"][index]
    assert abs(px2 - x1) < 0.5 and abs(py2 - x2) < 0.5
    expect(page.get_by_test_id("probe-view")).to_have_attribute("data-drawn-probe", f"train:{index}")
    # A 2-D MLP's probe shows unit values and the output bars.
    roles = page.get_by_test_id("probe-canvas").evaluate_all("els => els.map(e => e.dataset.role)")
    assert roles == ["units", "units", "bars"]


def test_the_subscription_follows_what_is_on_screen(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, DIGITS_CNN)
    page.wait_for_function("window.__neuroplay.subscription().views.includes('weights')")
    sub = subscription(page)
    assert "probe" not in sub["views"] and sub["probe"] is None
    assert "boundary" not in sub["views"]  # no input plane for images
    page.get_by_test_id("tab-probe").click()
    page.wait_for_function("window.__neuroplay.subscription().views.includes('probe')")
    assert "weights" not in subscription(page)["views"]  # the layer blocks left the screen
    # Tabs move with the arrow keys.
    page.get_by_test_id("tab-probe").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("tab-histograms")).to_have_attribute("aria-selected", "true")
    page.wait_for_function("!window.__neuroplay.subscription().views.includes('probe')")
    assert subscription(page)["probe"] is None
    page.get_by_test_id("tab-network").click()
    page.wait_for_function("window.__neuroplay.subscription().views.includes('weights')")


def test_someone_watching_a_shared_link_picks_their_own_probe(server, client, watched):
    page = watched.page
    created = client.post("/api/sessions", json=DIGITS_CNN).json()
    page.goto(f"{server.url}/s/{created['id']}")  # no owner token in this browser: view only
    expect(page.get_by_test_id("view-only")).to_be_visible()
    page.get_by_test_id("tab-probe").click()
    view = page.get_by_test_id("probe-view")
    expect(view).to_have_attribute("data-drawn-probe", "validation:0")
    page.get_by_test_id("samples").get_by_test_id("sample").nth(3).click()
    expect(view).to_have_attribute("data-drawn-probe", "validation:3")
    expect(page.get_by_test_id("probe-layer").nth(0).get_by_test_id("probe-canvas")).to_have_attribute(
        "data-role", "maps"
    )
