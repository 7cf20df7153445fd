"""Editing a network by hand in a real Chromium against a real server (issue 10, "Editing by hand";
issue 12, rough edge 4): dragging and typing weights and biases on the 2-D network graph, freezing
one with a click, what a viewer may not do, a kernel set from a preset, the bias switch and the
Simple RNN's units. Every change is read back from the server (GET .../params, GET the session)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import changes_sent, session_id
from .live_helpers import DIGITS_CNN, open_session

pytestmark = pytest.mark.browser


def param(client, page, layer: int, name: str) -> dict:
    r = client.get(f"/api/sessions/{session_id(page)}/params", params={"layer": layer, "param": name})
    assert r.status_code == 200, r.text
    return r.json()


def wait_for_param(client, page, layer, name, predicate, what, timeout=10000):
    deadline = page.evaluate("Date.now()") + timeout
    got = param(client, page, layer, name)
    while not predicate(got):
        assert page.evaluate("Date.now()") < deadline, f"{what}; last {got['values']}"
        page.wait_for_timeout(100)
        got = param(client, page, layer, name)
    return got


def edge(page, layer: int, a: int, b: int):
    return page.locator(f'[data-testid="edge"][data-layer="{layer}"][data-index="{a},{b}"]')


def edge_middle(locator) -> tuple[float, float]:
    """The page coordinates of the middle of an edge's curve (its bounding box's centre may be off it)."""
    return locator.evaluate(
        """el => {
          const p = el.getPointAtLength(el.getTotalLength() / 2);
          const m = el.getScreenCTM();
          return [m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f];
        }"""
    )


def boundary_picture(page) -> str:
    return page.get_by_test_id("boundary-canvas").evaluate("el => el.toDataURL()")


def shown(page, testid="boundary-canvas") -> None:
    page.wait_for_function(f"Number(document.querySelector('[data-testid={testid}]')?.dataset.frames) > 0")


def test_dragging_a_weight_moves_the_boundary(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {})
    shown(page)
    target = edge(page, 2, 0, 0)  # hidden 2, unit 1 → the output
    expect(target).to_have_attribute("aria-label", re.compile(r"^Weight 2\.1 → 3\.1: -?\d"))
    start, other = (row[0] for row in param(client, page, 2, "W")["values"])
    before = boundary_picture(page)
    x, y = edge_middle(target)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 40, steps=8)
    expect(page.get_by_test_id("drag-readout")).to_be_visible()
    page.mouse.move(x, y - 100, steps=8)
    page.mouse.up()
    expect(page.get_by_test_id("drag-readout")).to_be_hidden()
    # 100 px up at 0.02 a pixel: the value the pointer let go at, on the server.
    got = wait_for_param(
        client, page, 2, "W", lambda p: abs(p["values"][0][0] - (start + 2.0)) < 0.021, "the dragged value"
    )
    assert got["values"][1][0] == other  # only the dragged entry changed
    # The paused session's boundary was recomputed from the new weights and redrawn.
    page.wait_for_function(
        "before => document.querySelector('[data-testid=boundary-canvas]').toDataURL() !== before", arg=before
    )
    expect(target).to_have_attribute("aria-label", f"Weight 2.1 → 3.1: {got['values'][0][0]:.3f}")
    expect(page.get_by_test_id("value-editor")).to_have_count(0)  # a drag is not a click


def test_typing_a_weight_and_a_bias_with_the_keyboard(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {})
    shown(page)
    first = edge(page, 0, 0, 0)
    first.focus()
    page.keyboard.press("ArrowRight")  # the edges are one control: arrows move between them
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.dataset.index + '/' + document.activeElement.dataset.layer")
    assert focused == "0,1/0", focused  # edges go by the unit they lead to: x1→1.1, x2→1.1, x1→1.2
    page.keyboard.press("Enter")
    field = page.get_by_test_id("value-input")
    expect(field).to_be_focused()
    field.fill("1.25")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("value-editor")).to_have_count(0)
    expect(edge(page, 0, 0, 1)).to_be_focused()  # focus comes back to the edge
    wait_for_param(client, page, 0, "W", lambda p: p["values"][0][1] == 1.25, "the typed weight")
    expect(edge(page, 0, 0, 1)).to_have_attribute("aria-label", "Weight x₁ → 1.2: 1.250")
    # A bias the same way; a typo is named and nothing is sent.
    bias = page.locator('[data-testid="bias"][data-layer="1"][data-index="1"]')
    bias.focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("value-input").fill("")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("value-editor")).to_contain_text("Type a number.")
    page.get_by_test_id("value-input").fill("-0.5")
    page.get_by_test_id("value-set").click()
    wait_for_param(client, page, 1, "b", lambda p: p["values"][1] == -0.5, "the typed bias")
    # Escape closes without a change.
    bias.focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("value-input").fill("7")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("value-editor")).to_have_count(0)
    assert param(client, page, 1, "b")["values"][1] == -0.5


def test_a_frozen_weight_stays_while_training(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {})
    shown(page)
    target = edge(page, 0, 1, 3)
    target.focus()
    page.keyboard.press("Enter")
    lock = page.get_by_test_id("freeze-toggle")
    expect(lock).to_have_attribute("aria-pressed", "false")
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("frozen-tag")).to_be_visible()
    page.keyboard.press("Escape")
    visible_edge = page.locator("path.edge.is-frozen")
    expect(visible_edge).to_have_count(1)  # drawn dashed
    expect(target).to_have_attribute("aria-label", re.compile(r"· frozen$"))
    frozen = param(client, page, 0, "W")
    assert frozen["frozen"][1][3] is True and sum(map(sum, frozen["frozen"])) == 1
    for epochs in (1, 2, 3):  # three epochs of training, one click each (each once the last has landed)
        page.get_by_test_id("step-epoch").click()
        wait_for_param(client, page, 0, "W", lambda p, n=epochs: p["step"] >= n * 25, f"{epochs} epochs")
    after = param(client, page, 0, "W")
    assert after["values"][1][3] == frozen["values"][1][3], "the frozen weight moved"
    assert after["values"][0][0] != frozen["values"][0][0], "the others train"
    # One more click frees it; training moves it again.
    target.focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("freeze-toggle").click()
    expect(page.get_by_test_id("freeze-toggle")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("path.edge.is-frozen")).to_have_count(0)
    assert param(client, page, 0, "W")["frozen"][1][3] is False
    page.get_by_test_id("step-batch").click()
    wait_for_param(
        client, page, 0, "W", lambda p: p["values"][1][3] != after["values"][1][3], "the freed weight trains"
    )


def test_alt_click_and_the_l_key_freeze_a_weight_in_one_go(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {})
    shown(page)
    target = edge(page, 0, 0, 2)
    x, y = edge_middle(target)
    page.keyboard.down("Alt")
    page.mouse.click(x, y)
    page.keyboard.up("Alt")
    wait_for_param(client, page, 0, "W", lambda p: p["frozen"][0][2] is True, "alt-click froze it")
    expect(page.get_by_test_id("value-editor")).to_have_count(0)  # no editor on the way
    expect(target).to_have_attribute("aria-label", re.compile(r"· frozen$"))
    assert sum(map(sum, param(client, page, 0, "W")["frozen"])) == 1
    target.focus()
    page.keyboard.press("l")
    wait_for_param(client, page, 0, "W", lambda p: p["frozen"][0][2] is False, "L freed it")
    expect(page.locator("path.edge.is-frozen")).to_have_count(0)


def test_a_viewer_reads_values_but_cannot_change_them(server, client, browser, watched):
    r = client.post("/api/sessions", json={})
    created = r.json()
    viewer_context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    try:
        page = viewer_context.new_page()
        page.goto(f"{server.url}/s/{created['id']}")
        shown(page)
        target = edge(page, 1, 0, 0)
        expect(target).to_have_attribute("aria-label", re.compile(r"^Weight 1\.1 → 2\.1: -?\d"))
        start = client.get(f"/api/sessions/{created['id']}/params", params={"layer": 1, "param": "W"}).json()
        x, y = edge_middle(target)
        with changes_sent(page) as sent:
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x, y - 80, steps=6)
            page.mouse.up()
        assert sent.requests == [], "a viewer's drag asked the server to change a weight"
        editor = page.get_by_test_id("value-editor")
        expect(editor).to_be_visible()  # a viewer's click opens the value to read
        expect(page.get_by_test_id("view-only-note")).to_contain_text("Only the session's owner can change weights")
        expect(page.get_by_test_id("value-input")).to_have_count(0)
        expect(page.get_by_test_id("value-shown")).to_have_text(f"{start['values'][0][0]:.3f}")
        again = client.get(f"/api/sessions/{created['id']}/params", params={"layer": 1, "param": "W"}).json()
        assert again["values"] == start["values"]
    finally:
        viewer_context.close()


def test_a_kernel_preset_changes_the_feature_maps(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, DIGITS_CNN)
    conv = page.locator('[data-testid="layer-block"][data-type="conv2d"]').first
    conv.get_by_test_id("kernel-edit-toggle").click()
    editor = page.get_by_test_id("kernel-editor")
    cells = editor.get_by_test_id("kernel-cell")
    expect(cells).to_have_count(9)
    range_text = editor.get_by_test_id("kernel-map-range")
    expect(range_text).to_contain_text("from ")
    before_range = range_text.inner_text()
    before = param(client, page, 0, "W")
    map_before = editor.get_by_test_id("kernel-map").evaluate("el => el.toDataURL()")
    editor.get_by_test_id("kernel-filter").select_option(label="2")  # the second filter
    editor.get_by_test_id("preset-vertical").click()
    sobel = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]
    after = wait_for_param(client, page, 0, "W", lambda p: p["values"][1][0] == sobel, "the preset kernel")
    assert after["values"][0] == before["values"][0] and after["values"][2:] == before["values"][2:]
    page.wait_for_function(
        "els => els.map(e => e.value).join(' ') === '-1 0 1 -2 0 2 -1 0 1'", arg=cells.element_handles()
    )
    # The feature map of that filter for the probe follows (the probe view's numbers).
    editor.get_by_test_id("preset-identity").click()
    wait_for_param(client, page, 0, "W", lambda p: p["values"][1][0] == [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "identity")
    # The range shown becomes the server's own feature map of that filter (GET .../inspect, the
    # probe, read once the server has the identity kernel), and identity through ReLU passes the
    # digit itself: relu(pixel + b). (Waiting for the text, not reading it at once: the vertical
    # edge's range may still be on screen.)
    probe = client.get(f"/api/sessions/{session_id(page)}/inspect", params={"split": "validation", "index": 0})
    assert probe.status_code == 200, probe.text
    conv = probe.json()["layers"][0]
    feature_map = [v for row in conv["output"][1] for v in row]
    expect(range_text).to_have_text(f"from {min(feature_map):.3f} to {max(feature_map):.3f}")
    assert range_text.inner_text() != before_range
    bias = param(client, page, 0, "b")["values"][1]
    pixels = [v for row in conv["input"][0] for v in row]
    assert feature_map == pytest.approx([max(0.0, v + bias) for v in pixels], abs=1e-6)
    assert editor.get_by_test_id("kernel-map").evaluate("el => el.toDataURL()") != map_before
    # One cell typed by hand.
    cells.nth(4).fill("0.5")
    cells.nth(4).press("Enter")
    wait_for_param(client, page, 0, "W", lambda p: p["values"][1][0][1][1] == 0.5, "the typed cell")
    # The other presets, each exactly the kernel it names (the digits' single input channel).
    presets = {
        "horizontal": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
        "x": [[1, -1, 1], [-1, 1, -1], [1, -1, 1]],
        "blur": [[1 / 9] * 3] * 3,
    }
    for name, kernel in presets.items():
        editor.get_by_test_id(f"preset-{name}").click()
        got = wait_for_param(
            client,
            page,
            0,
            "W",
            lambda p, k=kernel: sum(p["values"][1][0], []) == pytest.approx(sum(k, []), rel=1e-6),
            f"the {name} preset",
        )
        assert got["values"][0] == before["values"][0] and got["values"][2:] == before["values"][2:]


def test_the_bias_switch_drops_b_and_keeps_the_rest(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {})
    shown(page)
    for _ in range(2):  # some training, so the biases are not zero and the switch has an effect
        page.get_by_test_id("step-epoch").click()
        expect(page.get_by_test_id("step-counter")).not_to_have_text("0")
    wait_for_param(client, page, 0, "W", lambda p: p["step"] >= 2 * 25, "two epochs")
    trained = {layer: param(client, page, layer, "W")["values"] for layer in (0, 1, 2)}
    step = client.get(f"/api/sessions/{session_id(page)}").json()["step"]
    before = boundary_picture(page)
    first = page.get_by_test_id("layer-card").nth(0)
    switch = first.get_by_test_id("bias-switch")
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(page.locator('[data-testid="bias"][data-layer="0"]')).to_have_count(4)
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(first.get_by_test_id("layer-params")).to_have_text("8 params")
    r = client.get(f"/api/sessions/{session_id(page)}/params", params={"layer": 0, "param": "b"})
    assert r.status_code == 422 and "has no parameter 'b'" in r.json()["message"], r.text
    after = client.get(f"/api/sessions/{session_id(page)}").json()
    assert after["model"]["layers"][0]["use_bias"] is False
    # A hand edit, not a new network: every weight and the step counter stay; the boundary follows.
    assert {layer: param(client, page, layer, "W")["values"] for layer in (0, 1, 2)} == trained
    assert after["step"] == step
    expect(page.get_by_test_id("step-counter")).to_have_text(str(step))
    page.wait_for_function(
        "before => document.querySelector('[data-testid=boundary-canvas]').toDataURL() !== before", arg=before
    )
    expect(page.locator('[data-testid="bias"][data-layer="0"]')).to_have_count(0)  # the graph follows
    expect(page.locator('[data-testid="bias"][data-layer="1"]')).to_have_count(2)
    # Only layers whose catalog entry has use_bias get the switch: not dropout, say.
    page.get_by_test_id("add-dropout").click()
    dropout = page.locator('[data-testid="layer-card"][data-type="dropout"]')
    expect(dropout).to_have_count(1)
    expect(dropout.get_by_test_id("bias-switch")).to_have_count(0)
    switch.press("Space")  # keyboard: on again
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(first.get_by_test_id("layer-params")).to_have_text("12 params")  # the server's answer
    assert param(client, page, 0, "b")["values"] == [0.0] * 4


def test_simple_rnn_has_a_units_control(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {"dataset": {"name": "sine"}})
    rnn = page.locator('[data-testid="layer-card"][data-type="simple_rnn"]').first
    units = rnn.get_by_test_id("units-input")
    expect(units).to_be_visible()
    start = int(units.input_value())
    rnn.get_by_test_id("units-inc").click()
    expect(units).to_have_value(str(start + 1))
    expect(page.get_by_test_id("layer-stack")).to_have_attribute("data-pending", "0")
    layers = client.get(f"/api/sessions/{session_id(page)}").json()["model"]["layers"]
    assert [layer["units"] for layer in layers if layer["type"] == "simple_rnn"][0] == start + 1
    units.fill("3")
    units.press("Enter")
    expect(rnn.get_by_test_id("layer-shape")).to_contain_text("3")


def test_the_editing_texts_in_chinese(server, client, context, watched):
    page = watched.page
    open_session(context, page, server, client, {})
    shown(page)
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator(".edit-hint")).to_contain_text("拖动连线")
    expect(page.get_by_test_id("bias-switch").first).to_contain_text("开")
    edge(page, 0, 0, 0).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("freeze-toggle")).to_have_text("冻结")
    expect(edge(page, 0, 0, 0)).to_have_attribute("aria-label", re.compile(r"^权重 x₁ → 1\.1："))
