"""Phase stepping in Chromium against a real server (issue 10): walking a 2-4-2-1 network forward
and backward layer by layer with the buttons and the keys, the highlight moving and the probe's
numbers appearing as the server's inspection has them, "backward" before the forward pass is done,
the step counter after the update, and the bar in both languages."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from playwright.sync_api import expect

from .helpers import changes_sent
from .live_helpers import DIGITS_CNN, open_session
from .stepping_helpers import MLP_2421, badge_values, inspect, phase_of

pytestmark = pytest.mark.browser


def test_forward_and_backward_walk_the_layers_with_the_servers_numbers(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, MLP_2421)
    phase = page.get_by_test_id("phase")
    expect(phase).to_have_text("no step in progress")
    graph = page.get_by_test_id("network-graph")
    graph.locator(".graph-node[data-layer='0']").first.wait_for()
    assert badge_values(page, "value") == {}, "no numbers before a step is walked"
    expected = inspect(client, sid)  # a partial step shows the weights it started from: these numbers

    page.get_by_test_id("step-forward").click()
    expect(phase).to_have_text("forward · layer 1 (Dense)")
    expect(graph.locator(".graph-node.is-phase-current")).to_have_count(4)
    expect(graph.locator(".graph-node[data-layer='0'] [data-testid=node-value]")).to_have_count(4)
    values = badge_values(page, "value")
    assert set(values) == {("input", 0), ("input", 1), ("0", 0), ("0", 1), ("0", 2), ("0", 3)}
    for (layer, unit), value in values.items():
        want = (
            expected["layers"][0]["input"][unit] if layer == "input" else expected["layers"][int(layer)]["output"][unit]
        )
        assert value == pytest.approx(want, rel=1e-6, abs=1e-9), (layer, unit)
    assert phase_of(client, sid) == {"stage": "forward", "layer": 0, "on": "batch"}

    page.keyboard.press("f")  # the key does what the button does
    expect(phase).to_have_text("forward · layer 2 (Dense)")
    expect(graph.locator(".graph-node[data-layer='1'].is-phase-current")).to_have_count(2)
    expect(graph.locator(".graph-node[data-layer='0'].is-phase-current")).to_have_count(0)
    expect(graph.locator(".graph-node[data-layer='1'] [data-testid=node-value]")).to_have_count(2)
    expect(graph.locator(".graph-node[data-layer='2'] [data-testid=node-value]")).to_have_count(0)
    page.keyboard.press("f")
    expect(phase).to_have_text("forward · layer 3 (Dense)")
    expect(graph.locator(".graph-node[data-layer='2'] [data-testid=node-value]")).to_have_count(1)
    assert badge_values(page, "value")[("2", 0)] == pytest.approx(expected["layers"][2]["output"][0], rel=1e-6)
    assert badge_values(page, "grad") == {}, "no gradient before the loss"
    page.keyboard.press("f")
    expect(phase).to_have_text("loss")
    loss = page.get_by_test_id("step-loss")
    expect(loss).to_contain_text("loss of the probe")
    assert float(loss.get_attribute("data-value")) == pytest.approx(expected["loss"], rel=1e-6)
    expect(page.get_by_test_id("step-forward")).to_be_disabled()

    # Backward: the gradients appear layer by layer from the output down.
    page.keyboard.press("b")
    expect(phase).to_have_text("backward · layer 3 (Dense)")
    expect(graph.locator(".graph-node[data-layer='2'].is-phase-current")).to_have_count(1)
    grads = badge_values(page, "grad")
    assert set(grads) == {("2", 0)}
    assert grads[("2", 0)] == pytest.approx(expected["layers"][2]["output_grad"][0], rel=1e-6, abs=1e-9)
    page.get_by_test_id("step-backward").click()
    expect(phase).to_have_text("backward · layer 2 (Dense)")
    expect(graph.locator("[data-testid=node-grad]")).to_have_count(3)
    page.keyboard.press("b")
    expect(phase).to_have_text("backward · layer 1 (Dense)")
    expect(graph.locator("[data-testid=node-grad]")).to_have_count(7)
    for (layer, unit), value in badge_values(page, "grad").items():
        assert value == pytest.approx(expected["layers"][int(layer)]["output_grad"][unit], rel=1e-6, abs=1e-9)
    assert page.get_by_test_id("step-counter").inner_text() == "0"
    expect(page.get_by_test_id("step-backward")).to_contain_text("Apply the update")
    page.keyboard.press("b")
    expect(phase).to_have_text("update: the weights have changed")
    expect(page.get_by_test_id("step-counter")).to_have_text("1")
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 1
    # The numbers of the step just taken stay up after its update.
    assert badge_values(page, "value")[("2", 0)] == pytest.approx(expected["layers"][2]["output"][0], rel=1e-6)
    # Forward again starts the next step, from the updated weights.
    page.get_by_test_id("step-forward").click()
    expect(phase).to_have_text("forward · layer 1 (Dense)")
    after = inspect(client, sid)
    assert after["step"] == 1
    page.wait_for_function(
        "want => Math.abs(Number(document.querySelector(\".graph-node[data-layer='0'][data-unit='0'] [data-testid=node-value]\")?.dataset.value) - want) < 1e-6",
        arg=after["layers"][0]["output"][0],
    )


def test_backward_before_the_forward_pass_finishes_it_and_the_loss_first(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, MLP_2421)
    page.get_by_test_id("step-forward").click()
    expect(page.get_by_test_id("phase")).to_have_text("forward · layer 1 (Dense)")
    page.get_by_test_id("step-backward").click()
    expect(page.get_by_test_id("phase")).to_have_text("backward · layer 3 (Dense)")
    assert phase_of(client, sid) == {"stage": "backward", "layer": 2, "on": "batch"}
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 0


def test_a_step_on_the_probe_alone_and_the_bar_in_chinese(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, MLP_2421)
    page.get_by_test_id("step-on").select_option("probe")
    page.get_by_test_id("step-forward").click()
    expect(page.get_by_test_id("phase")).to_have_text("forward · layer 1 (Dense)")
    assert phase_of(client, sid) == {"stage": "forward", "layer": 0, "on": "probe"}
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("phase")).to_contain_text("正向 · 第 1 层")
    expect(page.get_by_test_id("step-forward")).to_contain_text("正向一层")
    expect(page.get_by_test_id("step-backward")).to_contain_text("反向一层")
    assert "（F）" in (page.get_by_test_id("step-forward").get_attribute("title") or "")
    page.keyboard.press("b")
    expect(page.get_by_test_id("phase")).to_have_text("反向 · 第 3 层（全连接）")
    page.get_by_test_id("lang-toggle").click()
    assert "(B)" in (page.get_by_test_id("step-backward").get_attribute("title") or "")


def test_a_viewer_sees_the_phase_but_no_buttons(server, client, context, watched):
    page = watched.page
    r = client.post("/api/sessions", json=MLP_2421)
    created = r.json()
    auth = {"Authorization": f"Bearer {created['owner_token']}"}
    httpx.post(
        f"{server.url}/api/sessions/{created['id']}/commands",
        json={"action": "step", "unit": "phase"},
        headers=auth,
    ).raise_for_status()
    page.goto(f"{server.url}/s/{created['id']}")
    expect(page.get_by_test_id("phase")).to_have_text("forward · layer 1 (Dense)")
    expect(page.get_by_test_id("step-forward")).to_have_count(0)
    with changes_sent(page) as sent:
        page.keyboard.press("f")  # the keys do nothing for a viewer
    assert sent.requests == []
    assert phase_of(client, created["id"])["layer"] == 0


def test_the_layer_diagram_highlights_the_layer_and_shows_its_numbers(server, client, context, watched):
    page = watched.page
    sid = open_session(context, page, server, client, DIGITS_CNN)
    blocks = page.get_by_test_id("layer-block")
    expected = inspect(client, sid)
    page.get_by_test_id("step-forward").click()
    expect(page.get_by_test_id("phase")).to_have_text("forward · layer 1 (Conv 2-D)")
    # blocks: the input, then one per layer
    expect(blocks.nth(1).get_by_test_id("block-phase")).to_have_attribute("data-current", "1")
    conv = np.array(expected["layers"][0]["output"], dtype=np.float64)
    expect(blocks.nth(1).get_by_test_id("block-values")).to_have_text(
        f"y from {float(f'{conv.min():.4g}'):g} to {float(f'{conv.max():.4g}'):g}"
    )
    expect(blocks.nth(2).get_by_test_id("block-values")).to_have_count(0)
    page.keyboard.press("f")
    expect(blocks.nth(2).get_by_test_id("block-phase")).to_have_attribute("data-current", "1")
    expect(blocks.nth(1).get_by_test_id("block-phase")).to_have_attribute("data-current", "0")
    page.keyboard.press("b")  # the rest of the forward pass, the loss, then back through the output layer
    expect(page.get_by_test_id("phase")).to_have_text("backward · layer 4 (Dense)")
    grad = np.array(expected["layers"][3]["output_grad"], dtype=np.float64)
    expect(blocks.nth(4).get_by_test_id("block-grads")).to_have_text(
        f"‖dL/dy‖ = {float(f'{np.linalg.norm(grad):.4g}'):g}"
    )
    expect(blocks.nth(3).get_by_test_id("block-grads")).to_have_count(0)
