"""The unit inspector and the f/f′ plots in Chromium against a real server (issue 10): a dense unit
reached with the keyboard alone, every number the panel shows against GET .../inspect and
GET .../params, gradients held back until the backward pass reaches the layer, a conv unit picked on
a feature-map cell, and a sigmoid layer's plot with its pre-activation histogram; English and
Chinese."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from .live_helpers import DIGITS_CNN, open_session
from .stepping_helpers import MLP_2421, inspect, panel_numbers, param

pytestmark = pytest.mark.browser

TOL = {"rel": 1e-6, "abs": 1e-9}


def shown_matches(text: str, value: float) -> bool:
    """The text shows the value to its four significant digits."""
    return float(text) == pytest.approx(value, rel=1e-3, abs=1e-12)


def by_index(page, name: str) -> dict[int, float]:
    out = {}
    for index, value, text in panel_numbers(page, name):
        assert shown_matches(text, value), (name, index, text, value)
        out[int(index)] = value
    return out


def one(page, name: str) -> float:
    numbers = panel_numbers(page, name)
    assert len(numbers) == 1, (name, numbers)
    _, value, text = numbers[0]
    assert shown_matches(text, value), (name, text, value)
    return value


def tab_to_a_unit(page) -> None:
    """Tab from the top of the page until the focus is on a unit of the graph (keyboard only)."""
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.dataset?.inspectable === '1'"):
            return
    raise AssertionError("Tab never reached a unit of the network graph")


def test_a_dense_unit_reached_by_keyboard_shows_the_servers_numbers(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, MLP_2421)
    page.get_by_test_id("network-graph").locator(".graph-node[data-inspectable='1']").first.wait_for()
    tab_to_a_unit(page)
    assert page.evaluate("[document.activeElement.dataset.layer, document.activeElement.dataset.unit]") == ["0", "0"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")  # layer 2, the same position (unit 2)
    page.keyboard.press("Enter")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.locator("#inspector-title")).to_have_text("Unit 2.2")
    expect(inspector.get_by_test_id("insp-grads")).to_be_visible()  # no step walked: everything is known

    got = inspect(client, sid)
    layer = got["layers"][1]
    W, b = param(client, sid, 1, "W"), param(client, sid, 1, "b")
    j = 1
    x = by_index(page, "x")
    assert sorted(x) == [0, 1, 2, 3]
    for i, value in x.items():
        assert value == pytest.approx(layer["input"][i], **TOL)
    for i, value in by_index(page, "w").items():
        assert value == pytest.approx(W[i][j], **TOL)
    for i, value in by_index(page, "product").items():
        assert value == pytest.approx(W[i][j] * layer["input"][i], **TOL)
    assert one(page, "sum") == pytest.approx(sum(W[i][j] * layer["input"][i] for i in range(4)), **TOL)
    assert one(page, "b") == pytest.approx(b[j], **TOL)
    assert one(page, "u") == pytest.approx(layer["preactivation"][j], **TOL)
    assert one(page, "u") == pytest.approx(one(page, "sum") + one(page, "b"), rel=1e-5, abs=1e-6)
    y = one(page, "y")
    assert y == pytest.approx(layer["output"][j], **TOL) and y == pytest.approx(np.tanh(one(page, "u")), rel=1e-5)
    expect(inspector).to_contain_text("tanh(u)")
    assert one(page, "dy") == pytest.approx(layer["output_grad"][j], **TOL)
    assert one(page, "dfdu") == pytest.approx(1 - layer["output"][j] ** 2, **TOL)
    assert one(page, "du") == pytest.approx(layer["param_grads"]["b"][j], **TOL)
    assert one(page, "du") == pytest.approx(one(page, "dy") * one(page, "dfdu"), rel=1e-5, abs=1e-9)
    for i, value in by_index(page, "dw").items():
        assert value == pytest.approx(layer["param_grads"]["W"][i][j], **TOL)
        assert value == pytest.approx(one(page, "du") * x[i], rel=1e-5, abs=1e-9)
    assert one(page, "db") == pytest.approx(layer["param_grads"]["b"][j], **TOL)

    # Escape closes it; the focus stays on the unit, and Enter opens it again.
    page.keyboard.press("Escape")
    expect(inspector).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("inspector").locator("#inspector-title")).to_have_text("Unit 2.2")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("inspector").locator("#inspector-title")).to_have_text("单元 2.2")
    expect(page.get_by_test_id("inspector")).to_contain_text("针对探针样本")


def test_while_stepping_the_inspector_waits_for_the_phases_of_its_layer(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, MLP_2421)
    page.get_by_test_id("network-graph").locator(".graph-node[data-layer='2']").first.click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector.locator("#inspector-title")).to_have_text("Unit 3.1")
    page.get_by_test_id("step-forward").click()
    expect(inspector.get_by_test_id("insp-forward-wait")).to_contain_text("has not reached layer 3")
    page.keyboard.press("f")
    page.keyboard.press("f")
    expect(page.get_by_test_id("phase")).to_have_text("forward · layer 3 (Dense)")
    expect(inspector.get_by_test_id("insp-grads-wait")).to_be_visible()
    got = inspect(client, sid)["layers"][2]
    assert one(page, "y") == pytest.approx(got["output"][0], **TOL)
    page.keyboard.press("b")  # the loss, then backward through layer 3
    expect(page.get_by_test_id("phase")).to_have_text("backward · layer 3 (Dense)")
    expect(inspector.get_by_test_id("insp-grads")).to_be_visible()
    # Sigmoid with binary cross-entropy: the loss enters at u, dL/du = p − y.
    assert one(page, "du") == pytest.approx(got["param_grads"]["b"][0], **TOL)
    assert one(page, "dfdu") == pytest.approx(got["output"][0] * (1 - got["output"][0]), **TOL)


def test_a_conv_unit_picked_on_a_feature_map_cell(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, DIGITS_CNN)
    page.get_by_test_id("tab-probe").click()
    page.get_by_test_id("probe-layer").nth(0).get_by_test_id("probe-layer-toggle").click()
    maps = page.get_by_test_id("probe-canvas")
    maps.focus()
    page.keyboard.press("ArrowRight")  # the first press picks cell (1, 1) of map 1
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    expect(page.get_by_test_id("probe-hover")).to_contain_text("channel 2, row 2, column 2")
    page.keyboard.press("Enter")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.locator("#inspector-title")).to_have_text("Layer 1, map 2, row 2, column 2")
    got = inspect(client, sid)["layers"][0]
    W = np.array(param(client, sid, 0, "W"))
    b = param(client, sid, 0, "b")
    c, r, k = 1, 1, 1
    padded = np.pad(np.array(got["input"]), ((0, 0), (1, 1), (1, 1)))  # "same" padding of a 3×3 kernel
    field = padded[:, r : r + 3, k : k + 3]
    cells = {}
    for index, value, text in panel_numbers(page, "x"):
        assert shown_matches(text, value) or value == 0
        ci, di, dj = map(int, index.split(","))
        cells[(ci, di, dj)] = value
    assert len(cells) == 9
    for (ci, di, dj), value in cells.items():
        assert value == pytest.approx(field[ci, di, dj], **TOL)
    for index, value, _ in panel_numbers(page, "w"):
        ci, di, dj = map(int, index.split(","))
        assert value == pytest.approx(W[c, ci, di, dj], **TOL)
    products = panel_numbers(page, "product")
    assert len(products) == 9
    for index, value, text in products:
        ci, di, dj = map(int, index.split(","))
        assert value == pytest.approx(field[ci, di, dj] * W[c, ci, di, dj], **TOL)
        assert shown_matches(text, value) or value == 0
    assert one(page, "sum") == pytest.approx(float((field * W[c]).sum()), rel=1e-5, abs=1e-7)
    assert one(page, "b") == pytest.approx(b[c], **TOL)
    assert one(page, "u") == pytest.approx(got["preactivation"][c][r][k], **TOL)
    assert one(page, "u") == pytest.approx(one(page, "sum") + one(page, "b"), rel=1e-5, abs=1e-6)
    assert one(page, "y") == pytest.approx(got["output"][c][r][k], **TOL)
    expect(inspector).to_contain_text("relu(u)")  # f named
    assert one(page, "dy") == pytest.approx(got["output_grad"][c][r][k], **TOL)
    assert one(page, "dfdu") == pytest.approx(got["slope"][c][r][k], **TOL)
    du = one(page, "du")
    assert du == pytest.approx(got["preactivation_grad"][c][r][k], **TOL)
    assert du == pytest.approx(one(page, "dy") * one(page, "dfdu"), rel=1e-5, abs=1e-9)
    # This position's share dL/du · x of the kernel's gradient, cell by cell.
    shares = panel_numbers(page, "share")
    assert len(shares) == 9
    for index, value, _ in shares:
        ci, di, dj = map(int, index.split(","))
        assert value == pytest.approx(du * field[ci, di, dj], rel=1e-5, abs=1e-9)
    assert one(page, "db") == pytest.approx(got["param_grads"]["b"][c], **TOL)
    for index, value, _ in panel_numbers(page, "dW"):
        ci, di, dj = map(int, index.split(","))
        assert value == pytest.approx(got["param_grads"]["W"][c][ci][di][dj], **TOL)


def test_a_sigmoid_layer_plots_f_and_its_slope_over_its_preactivations(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, MLP_2421)
    plot = page.get_by_test_id("layer-card").nth(0).get_by_test_id("act-plot")
    expect(plot).to_have_attribute("data-activation", "sigmoid")
    hist = client.get(f"/api/sessions/{sid}/preactivations", params={"split": "validation", "samples": 256}).json()
    layer0 = next(h for h in hist["layers"] if h["index"] == 0)
    expect(plot).to_have_attribute("data-values", str(layer0["values"]))
    expect(plot).to_have_attribute(
        "title", re.compile(f"sigmoid \\(blue\\) and its slope .* u of {layer0['values']} values")
    )
    canvas = plot.get_by_test_id("act-canvas")
    page.wait_for_function(
        "el => Number(el.dataset.drawn) > 0 && Number(el.dataset.bars) > 0", arg=canvas.element_handle()
    )
    assert int(canvas.get_attribute("data-bars")) == sum(1 for c in layer0["counts"] if c)
    # The histogram is drawn over the server's curves' axis, which covers it whole.
    assert float(canvas.get_attribute("data-lo")) == layer0["curve"]["u"][0] <= layer0["edges"][0]
    assert float(canvas.get_attribute("data-hi")) == layer0["curve"]["u"][-1] >= layer0["edges"][-1]
    drawn = canvas.evaluate(
        """el => { const px = el.getContext('2d').getImageData(0, 0, el.width, el.height).data; const seen = new Set();
          for (let i = 0; i < px.length; i += 4) if (px[i + 3]) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
          return [...seen]; }"""
    )
    assert 0x0877BD in drawn and 0xF59322 in drawn, "f (blue) and f′ (orange) are drawn"
    # The share of saturated units: the server's count of values where sigmoid′ is under a tenth of its top.
    share = layer0["flat_values"] / layer0["values"]
    flat = plot.get_by_test_id("act-flat")
    assert float(flat.get_attribute("data-value")) == pytest.approx(share)
    expect(flat).to_have_text(f"{round(share * 100)} %")
    expect(plot).to_have_attribute("title", re.compile(f"saturated: {round(share * 100)} %$"))
    page.get_by_test_id("lang-toggle").click()
    expect(plot).to_have_attribute("title", re.compile(f"{layer0['values']} 个 u 值 · 饱和：{round(share * 100)} %$"))
    # A tanh layer gets its own plot; the output sigmoid too.
    expect(page.get_by_test_id("act-plot")).to_have_count(3)
    expect(page.get_by_test_id("layer-card").nth(1).get_by_test_id("act-plot")).to_have_attribute(
        "data-activation", "tanh"
    )


def test_a_recurrent_unit_at_a_time_step_by_keyboard(server, client, context, watched):
    """The sine preset (simple_rnn, 16 units over 20 steps): a cell of the RNN view's heatmap picked with
    the arrow keys and Enter; every number against GET .../inspect and .../params; the step's shares
    of the weights' gradients summing over all steps to the server's gradients (BPTT)."""
    page = watched.page
    sid = open_session(context, page, server, client, {"dataset": {"name": "sine"}})
    page.get_by_test_id("tab-rnn_states").click()
    heatmap = page.get_by_test_id("rnn-heatmap")
    expect(heatmap).to_be_visible()
    heatmap.focus()
    page.keyboard.press("ArrowRight")  # the first press picks unit 1 at the last step
    expect(page.get_by_test_id("rnn-cursor")).to_have_text(re.compile("^Unit 1, time step 20:"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.locator("#inspector-title")).to_have_text("Layer 1, unit 3, time step 19")
    expect(inspector.get_by_test_id("insp-grads")).to_be_visible()
    expect(inspector.get_by_test_id("insp-pick-step")).to_have_value("19")

    got = inspect(client, sid)["layers"][0]
    steps = got["recurrence"]
    W_x, W_h, b = (np.array(param(client, sid, 0, name)) for name in ("W_x", "W_h", "b"))
    t, j = 18, 2
    x_t = np.array(got["input"][t])
    h_prev = np.array(steps["states"][t - 1])
    du = steps["preactivation_grads"][t][j]
    x = by_index(page, "x")
    assert sorted(x) == [0] and x[0] == pytest.approx(x_t[0], **TOL)
    assert by_index(page, "w")[0] == pytest.approx(W_x[0, j], **TOL)
    assert by_index(page, "product")[0] == pytest.approx(W_x[0, j] * x_t[0], **TOL)
    h = by_index(page, "h")
    assert sorted(h) == list(range(16))
    for k, value in h.items():
        assert value == pytest.approx(h_prev[k], **TOL)
    for k, value in by_index(page, "wh").items():
        assert value == pytest.approx(W_h[k, j], **TOL)
    for k, value in by_index(page, "hproduct").items():
        assert value == pytest.approx(W_h[k, j] * h_prev[k], **TOL)
    assert one(page, "sumx") == pytest.approx(W_x[0, j] * x_t[0], **TOL)
    assert one(page, "sumh") == pytest.approx(float(h_prev @ W_h[:, j]), rel=1e-6, abs=1e-9)
    assert one(page, "b") == pytest.approx(b[j], **TOL)
    u = one(page, "u")
    assert u == pytest.approx(got["preactivation"][t][j], **TOL)
    assert u == pytest.approx(one(page, "sumx") + one(page, "sumh") + one(page, "b"), rel=1e-5, abs=1e-6)
    y = one(page, "y")
    assert y == pytest.approx(steps["states"][t][j], **TOL) and y == pytest.approx(np.tanh(u), rel=1e-5)
    expect(inspector).to_contain_text("tanh(u)")
    assert one(page, "dy") == pytest.approx(steps["state_grads"][t][j], **TOL)
    assert one(page, "dfdu") == pytest.approx(1 - y**2, **TOL)
    assert one(page, "du") == pytest.approx(du, **TOL)
    assert one(page, "du") == pytest.approx(one(page, "dy") * one(page, "dfdu"), rel=1e-5, abs=1e-9)
    assert one(page, "db") == pytest.approx(du, **TOL)
    assert by_index(page, "dw")[0] == pytest.approx(du * x_t[0], **TOL)
    for k, value in by_index(page, "dwh").items():
        assert value == pytest.approx(du * h_prev[k], **TOL)
    # "All steps": the server's gradients, the sums of the shares over the 20 steps.
    du_all = np.array(steps["preactivation_grads"])[:, j]
    previous = np.vstack([[steps["initial_state"]], steps["states"][:-1]])
    assert one(page, "dbTotal") == pytest.approx(got["param_grads"]["b"][j], **TOL)
    assert one(page, "dbTotal") == pytest.approx(du_all.sum(), rel=1e-4, abs=1e-8)
    assert by_index(page, "dwTotal")[0] == pytest.approx(got["param_grads"]["W_x"][0][j], **TOL)
    assert by_index(page, "dwTotal")[0] == pytest.approx(
        float(np.array(got["input"])[:, 0] @ du_all), rel=1e-4, abs=1e-8
    )
    for k, value in by_index(page, "dwhTotal").items():
        assert value == pytest.approx(got["param_grads"]["W_h"][k][j], **TOL)
        assert value == pytest.approx(float(previous[:, k] @ du_all), rel=1e-4, abs=1e-8)
    expect(inspector.get_by_test_id("insp-bptt")).to_contain_text("sum of its shares at every step")

    # The first step reads the initial state h₀; typed in the picker.
    step_input = inspector.get_by_test_id("insp-pick-step")
    step_input.fill("1")
    step_input.press("Enter")
    expect(inspector.locator("#inspector-title")).to_have_text("Layer 1, unit 3, time step 1")
    expect(inspector).to_contain_text("State before the first step h₀")
    for k, value in by_index(page, "h").items():
        assert value == steps["initial_state"][k] == 0
    assert one(page, "u") == pytest.approx(got["preactivation"][0][j], **TOL)
    page.get_by_test_id("lang-toggle").click()
    expect(inspector.locator("#inspector-title")).to_have_text("第 1 层，单元 3，时间步 1")
    expect(inspector.get_by_test_id("insp-bptt")).to_contain_text("随时间反向传播")
    # Escape closes it; the layer's block opens a unit at the last step.
    inspector.get_by_test_id("insp-pick-step").focus()
    page.keyboard.press("Escape")
    expect(inspector).to_have_count(0)
    page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id("tab-network").click()
    page.locator('[data-testid="layer-block"][data-type="simple_rnn"]').get_by_test_id("block-inspect").click()
    expect(page.get_by_test_id("inspector").locator("#inspector-title")).to_have_text("Layer 1, unit 1, time step 20")
