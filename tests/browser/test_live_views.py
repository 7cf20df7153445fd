"""The views of what happens inside the network (issue 9), in a real Chromium against a real server:
feature maps of the probe, the gradient strip, dropout masks, RNN states, batch-norm statistics,
distributions, picking the probe, and the subscription following what is on screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DIGITS_CNN = {"dataset": {"name": "digits"}}


def open_session(context, page, server, client, body: dict) -> str:
    """Create a session with `body`, hand this browser its owner token, and open it."""
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    context.add_init_script(
        f"localStorage.setItem('neuroplay.tokens', JSON.stringify({{{created['id']!r}: {created['owner_token']!r}}}))"
    )
    page.goto(f"{server.url}/s/{created['id']}")
    page.get_by_test_id("layer-card").first.wait_for()
    return created["id"]


def play(page) -> None:
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")


def pause(page) -> None:
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")


# Reads a canvas once it has been painted (data-drawn > 0: never the blank 300x150 canvas a
# re-render makes) and says whether it is a picture: its size and how many different colours it has.
PICTURE = """el => {
  if (!(Number(el.dataset.drawn) > 0)) return null;
  const ctx = el.getContext('2d');
  const px = ctx.getImageData(0, 0, el.width, el.height).data;
  const colours = new Set();
  for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  return { width: el.width, height: el.height, colours: colours.size, url: el.toDataURL() };
}"""


def picture(locator, timeout: float = 15000) -> dict:
    """The painted picture of a canvas: waits until it is drawn, then reads it in one moment."""
    handle = locator.element_handle(timeout=timeout)
    locator.page.wait_for_function(
        "el => Number(el.dataset.drawn) > 0 && !(el.width === 300 && el.height === 150)", arg=handle, timeout=timeout
    )
    return locator.evaluate(PICTURE)


def subscription(page) -> dict:
    return page.evaluate("window.__neuroplay.subscription()")


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


def test_the_gradient_strip_gains_points_while_training(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"training": {"clip_norm": 0.01}})
    strip = page.get_by_test_id("grad-norms")
    expect(strip).to_be_visible()
    expect(strip.get_by_test_id("grad-layer")).to_have_count(3)  # three dense layers
    page.wait_for_function("window.__neuroplay.subscription().views.includes('grad_norms')")
    play(page)
    page.wait_for_function("document.querySelector('[data-testid=grad-norms]').dataset.points > 20")
    first = int(strip.get_attribute("data-points"))
    page.wait_for_function(f"document.querySelector('[data-testid=grad-norms]').dataset.points > {first}")
    pause(page)
    # The threshold is named, and with a threshold this low clipping acts: after < before.
    expect(strip).to_contain_text("clipping threshold 0.01")
    assert int(strip.get_attribute("data-clipped")) > 0, "the steps where clipping acted are marked"
    before = float(strip.locator("[data-latest=grad_norm_global]").inner_text())
    after = float(strip.locator("[data-latest=grad_norm_global_clipped]").inner_text())
    assert after <= 0.0100001 < before
    # It stays on screen whichever tab is open.
    page.get_by_test_id("tab-histograms").click()
    expect(strip).to_be_visible()


def test_a_dropout_layer_greys_the_units_it_dropped(server, client, context, watched):
    page = watched.page
    model = {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 8, "activation": "tanh"},
            {"type": "dropout", "rate": 0.5},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    }
    open_session(context, page, server, client, {"model": model, "training": {"steps_per_second": 30}})
    page.wait_for_function("window.__neuroplay.subscription().views.includes('dropout_mask')")
    play(page)
    page.wait_for_function("document.querySelectorAll('.graph-node.is-dropped').length > 0")
    expect(page.get_by_test_id("dropout-count")).to_contain_text("of 8 dropped this step")
    # The mask changes from step to step: the set of grey units is not always the same.
    seen = set()
    for _ in range(40):
        seen.add(
            page.evaluate(
                "[...document.querySelectorAll('.graph-node')].map(n => n.classList.contains('is-dropped') ? 1 : 0).join('')"
            )
        )
        if len(seen) > 2:
            break
        page.wait_for_timeout(100)
    assert len(seen) > 2, seen
    pause(page)


def test_a_dropout_block_shows_its_mask(server, client, context, watched):
    page = watched.page
    model = {
        "input_shape": [1, 8, 8],
        "layers": [
            {"type": "flatten"},
            {"type": "dense", "units": 16, "activation": "relu"},
            {"type": "dropout", "rate": 0.5},
            {"type": "dense", "units": 10, "activation": "softmax"},
        ],
    }
    open_session(context, page, server, client, {"dataset": {"name": "digits"}, "model": model})
    play(page)
    mask = page.get_by_test_id("dropout-mask")
    expect(mask).to_be_visible()
    expect(page.get_by_test_id("dropout-count")).to_contain_text("of 16 dropped this step")
    pause(page)


def test_the_rnn_heatmap_is_drawn(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"dataset": {"name": "sine"}})
    page.get_by_test_id("tab-rnn_states").click()
    page.wait_for_function("window.__neuroplay.subscription().views.includes('rnn_states')")
    heatmap = page.get_by_test_id("rnn-heatmap")
    drawn = picture(heatmap)
    # (16 units, 20 time steps): 20 columns of cells, 16 rows.
    assert drawn["width"] % 20 == 0 and drawn["height"] % 16 == 0, drawn
    assert drawn["colours"] > 10
    play(page)
    grads = picture(page.get_by_test_id("rnn-grads"))
    assert grads["colours"] > 1
    expect(page.get_by_test_id("rnn-view").locator("[data-rnn-range]")).to_contain_text("log scale")
    pause(page)
    # The probe sequence's prediction against its target, in the probe tab.
    page.get_by_test_id("tab-probe").click()
    expect(page.get_by_test_id("probe-canvas").last).to_have_attribute("data-role", "sequence")
    picture(page.get_by_test_id("probe-canvas").last)


def test_batch_norm_statistics_and_distributions_are_drawn(server, client, context, watched):
    page = watched.page
    model = {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 6, "activation": "linear"},
            {"type": "batch_norm"},
            {"type": "activation", "activation": "tanh"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    }
    open_session(context, page, server, client, {"model": model})
    play(page)
    page.get_by_test_id("tab-bn_stats").click()
    for what in ("mean", "var", "gamma", "beta", "before", "after"):
        expect(page.get_by_test_id(f"bn-{what}")).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=bn-view]').dataset.frames > 2")
    page.get_by_test_id("tab-histograms").click()
    expect(page.get_by_test_id("hist-canvas").first).to_be_visible()
    page.wait_for_function("document.querySelector('[data-testid=hist-view]').dataset.frames > 2")
    pause(page)


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


def test_every_view_text_exists_in_both_languages(server, watched):
    page = watched.page
    page.goto(server.url)
    page.get_by_test_id("layer-card").first.wait_for()
    missing = page.evaluate(
        """async () => {
          const { viewTexts } = await import('/js/i18n_views.js');
          const en = Object.keys(viewTexts.en), zh = Object.keys(viewTexts.zh);
          return { zh: en.filter(k => !zh.includes(k)), en: zh.filter(k => !en.includes(k)),
                   empty: [...en, ...zh].filter(k => !viewTexts.en[k] || !viewTexts.zh[k]) };
        }"""
    )
    assert missing == {"zh": [], "en": [], "empty": []}


def test_batch_losses_are_drawn_under_the_curves_and_the_axis_switches(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"training": {"steps_per_second": 300}})
    play(page)
    chart = page.get_by_test_id("loss-chart")
    page.wait_for_function("document.querySelector('[data-testid=loss-chart]').dataset.batches > 30")
    pause(page)
    expect(chart).to_have_attribute("data-axis", "steps")
    steps = int(page.get_by_test_id("step-counter").inner_text().replace(",", ""))
    epochs = int(page.get_by_test_id("epoch-counter").inner_text().replace(",", ""))
    assert epochs >= 1
    expect(chart).to_have_attribute("data-xmax", str(steps))
    page.get_by_test_id("chart-axis-epochs").click()
    expect(chart).to_have_attribute("data-axis", "epochs")
    expect(page.get_by_test_id("chart-axis-epochs")).to_have_attribute("aria-pressed", "true")
    # The last point (the pause) sits between its epoch and the next one.
    xmax = float(chart.get_attribute("data-xmax"))
    assert epochs <= xmax < epochs + 1
    # The batch losses survive the switch (they are kept in the state, not in the chart).
    assert int(chart.get_attribute("data-batches")) > 30
    # Every batch loss is a real loss of a real step: as many as steps were trained, at most.
    assert int(chart.get_attribute("data-batches")) <= steps


def test_layer_blocks_paint_every_parameter(server, client, context, watched):
    page = watched.page
    model = {
        "input_shape": [1, 8, 8],
        "layers": [
            {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
            {"type": "batch_norm"},
            {"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "valid", "activation": "relu"},
            {"type": "flatten"},
            {"type": "dense", "units": 10, "activation": "softmax"},
        ],
    }
    open_session(context, page, server, client, {"dataset": {"name": "digits"}, "model": model})
    weights = page.get_by_test_id("block-weights")
    expect(weights).to_have_count(5)  # conv W, gamma, beta, conv W, dense W
    for i in range(5):
        expect(weights.nth(i)).to_be_visible()
    sizes = weights.evaluate_all("els => els.map(e => [e.dataset.param, e.width, e.height])")
    assert [s[0] for s in sizes] == ["W", "gamma", "beta", "W", "W"]
    # The second convolution reads 4 channels: 4 rows of kernels, where the first has 1.
    tile = sizes[0][2]
    assert sizes[3][2] == 4 * (tile + 3) - 3, sizes
    # An RNN shows both of its matrices.
    page.get_by_test_id("dataset-sine").click()
    expect(page.locator("[data-testid=block-weights][data-param=W_x]")).to_be_visible()
    expect(page.locator("[data-testid=block-weights][data-param=W_h]")).to_be_visible()
    w_h = page.locator("[data-testid=block-weights][data-param=W_h]").evaluate("e => [e.width, e.height]")
    assert w_h[0] > 0 and w_h[1] > 0


def test_the_plane_rings_the_current_batch_when_training_is_slow(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"training": {"steps_per_second": 3, "batch_size": 5}})
    canvas = page.get_by_test_id("boundary-canvas")
    # Idle (stepping by hand is slow): the batch view is watched; one batch step rings its points.
    page.wait_for_function("window.__neuroplay.subscription().views.includes('batch')")
    page.get_by_test_id("step-batch").click()
    expect(canvas).to_have_attribute("data-batch-step", "1")
    play(page)
    page.wait_for_function(
        "document.querySelector('[data-testid=boundary-canvas]').dataset.batchStep > 2", timeout=20000
    )
    # As fast as it goes, batches are a blur: nobody asks for them.
    page.get_by_test_id("speed").select_option("max")
    page.wait_for_function("!window.__neuroplay.subscription().views.includes('batch')")
    pause(page)
