"""The playground in a real Chromium against a real server: what a learner sees and does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import DIVERGING, VIEWPORT, number, open_app, owner_token, server_view, session_id, watch

pytestmark = pytest.mark.browser


def cards(page):
    return page.get_by_test_id("layer-card")


def settled(page):
    """Wait until every change sent to the server has been answered (the stack shows server truth)."""
    expect(page.get_by_test_id("layer-stack")).to_have_attribute("data-pending", "0")


def hidden_units(page) -> list[int]:
    return [
        int(v)
        for v in page.locator('[data-role="hidden"] [data-testid="units-input"]').evaluate_all(
            "els => els.map(e => e.value)"
        )
    ]


def displayed(page, testid: str) -> int:
    return number(page.get_by_test_id(testid).inner_text())


def wait_for_server(client, page, predicate, timeout=10.0):
    """Poll GET /api/sessions/{id} until predicate(view) holds; returns that view."""
    import time

    deadline = time.monotonic() + timeout
    view = server_view(client, page)
    while not predicate(view):
        assert time.monotonic() < deadline, f"server state never matched; last: {view['status']} {view['training']}"
        page.wait_for_timeout(100)
        view = server_view(client, page)
    return view


def test_opens_on_the_default_network(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    expect(cards(page)).to_have_count(3)
    expect(cards(page).nth(2)).to_have_attribute("data-role", "output")
    expect(page.get_by_test_id("layer-shape")).to_have_text(["(4)", "(2)", "(1)"])
    expect(page.get_by_test_id("layer-params")).to_have_text(["12 params", "10 params", "3 params"])
    expect(page.get_by_test_id("total-params")).to_contain_text("25")
    expect(page.get_by_test_id("input-shape")).to_have_text("(2)")
    expect(page.get_by_test_id("status")).to_have_text("idle")
    expect(page.get_by_test_id("epoch-counter")).to_have_text("0")
    expect(page.get_by_test_id("step-counter")).to_have_text("0")
    expect(page.get_by_test_id("dataset-circle")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#learning-rate")).to_have_value("0.03")
    expect(page.get_by_test_id("batch-size-value")).to_have_text("10")
    expect(page.get_by_test_id("play-pause")).to_be_enabled()
    # The loss of the untrained network is shown at once (the step-0 point).
    expect(page.get_by_test_id("loss-value")).to_have_text(re.compile(r"^\d+\.\d+$"))
    # The URL names the session and this browser holds its owner token.
    view = server_view(client, page)
    assert view["status"] == "idle" and view["step"] == 0
    assert [l["units"] for l in view["model"]["layers"]] == [4, 2, 1]
    assert owner_token(page)
    # Neuron maps and edges arrive from the stream.
    page.wait_for_function("document.querySelector('[data-testid=network-graph]').dataset.frames > 0")
    expect(page.locator(".graph-node")).to_have_count(2 + 4 + 2 + 1)


def test_drag_dense_from_palette_adds_a_layer(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    expect(page.get_by_test_id("total-params")).to_contain_text("25")
    # Dropped near the top of the stack: the whole stack is taller than the column, and a drag that
    # has to scroll the column on the way loses its drop.
    page.get_by_test_id("palette-dense").drag_to(
        page.get_by_test_id("layer-stack"), target_position={"x": 100, "y": 30}
    )
    expect(cards(page)).to_have_count(4)
    settled(page)
    expect(page.get_by_test_id("layer-shape")).to_have_count(4)
    total = number(page.get_by_test_id("total-params").inner_text())
    assert total != 25
    view = server_view(client, page)
    assert len(view["model"]["layers"]) == 4
    assert view["total_params"] == total
    shown = [s.strip("()") for s in page.get_by_test_id("layer-shape").all_inner_texts()]
    assert shown == [str(l["output_shape"][0]) for l in view["layers"]]
    # The owner token in localStorage is what authorised the change.
    r = client.get(f"/api/sessions/{session_id(page)}")
    assert r.json()["generation"] >= 2


def test_play_trains_and_pause_stops(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    start_loss = float(page.get_by_test_id("loss-value").inner_text())
    chart = page.get_by_test_id("loss-chart")
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    expect(page.get_by_test_id("play-pause")).to_have_attribute("aria-label", "Pause")
    page.wait_for_function("document.querySelector('[data-testid=loss-chart]').dataset.points > 5")
    page.wait_for_function(
        "start => parseFloat(document.querySelector('[data-testid=loss-value]').textContent) < start",
        arg=start_loss,
    )
    assert int(chart.get_attribute("data-points")) > 5
    assert displayed(page, "epoch-counter") > 0
    # A log-scale loss axis, while points keep coming.
    page.get_by_test_id("log-scale").check()
    points = int(chart.get_attribute("data-points"))
    page.wait_for_function("n => document.querySelector('[data-testid=loss-chart]').dataset.points > n", arg=points)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    view = wait_for_server(client, page, lambda v: v["status"] == "paused")
    expect(page.get_by_test_id("step-counter")).to_have_text(f"{view['step']:,}")
    # Watch it for a while: neither the page nor the server moves on.
    page.wait_for_timeout(600)
    assert displayed(page, "step-counter") == view["step"]
    assert server_view(client, page)["step"] == view["step"]
    expect(page.get_by_test_id("play-pause")).to_have_attribute("aria-label", "Play")


def test_step_buttons(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("step-batch").click()
    expect(page.get_by_test_id("step-counter")).to_have_text("1")
    expect(page.get_by_test_id("status")).to_have_text("paused")
    page.get_by_test_id("step-epoch").click()
    expect(page.get_by_test_id("epoch-counter")).to_have_text("1")
    expect(page.get_by_test_id("step-counter")).to_have_text("25")  # 250 samples / batch 10
    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("step-counter")).to_have_text("0")
    expect(page.get_by_test_id("status")).to_have_text("idle")


def test_reorder_layers_by_dragging(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    assert hidden_units(page) == [4, 2]
    second = cards(page).nth(1).get_by_test_id("drag-handle")
    first = cards(page).nth(0)
    second.drag_to(first, target_position={"x": 40, "y": 4})
    expect(page.locator('[data-role="hidden"] [data-testid="units-input"]').first).to_have_value("2")
    settled(page)
    assert hidden_units(page) == [2, 4]
    view = server_view(client, page)
    assert [l["units"] for l in view["model"]["layers"]] == [2, 4, 1]
    expect(page.get_by_test_id("layer-shape")).to_have_text(["(2)", "(4)", "(1)"])
    expect(page.get_by_test_id("layer-params")).to_have_text(["6 params", "12 params", "5 params"])
    # Dropping on the input card puts the layer first; it is not a drop "outside" that removes.
    cards(page).nth(1).get_by_test_id("drag-handle").drag_to(page.get_by_test_id("input-card"))
    expect(page.get_by_test_id("layer-params")).to_have_text(["12 params", "10 params", "3 params"])
    settled(page)
    assert [l["units"] for l in server_view(client, page)["model"]["layers"]] == [4, 2, 1]


def test_remove_layers(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    # With the button...
    cards(page).nth(0).get_by_test_id("remove-layer").click()
    expect(cards(page)).to_have_count(2)
    settled(page)
    assert [l["units"] for l in server_view(client, page)["model"]["layers"]] == [2, 1]
    # ...and by dragging the card out of the stack (onto the palette).
    cards(page).nth(0).get_by_test_id("drag-handle").drag_to(page.get_by_test_id("palette"))
    expect(cards(page)).to_have_count(1)
    settled(page)
    assert [l["units"] for l in server_view(client, page)["model"]["layers"]] == [1]
    expect(page.get_by_test_id("total-params")).to_contain_text("3")
    # The output layer cannot be removed.
    expect(cards(page).first.get_by_test_id("remove-layer")).to_have_count(0)


def test_units_and_activation_edit(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    first = cards(page).nth(0)
    first.get_by_test_id("units-inc").click()
    expect(first.get_by_test_id("units-input")).to_have_value("5")
    expect(first.get_by_test_id("layer-shape")).to_have_text("(5)")
    first.get_by_test_id("activation").select_option("relu")
    expect(first.get_by_test_id("layer-shape")).to_have_text("(5)")
    wait_for_server(
        client,
        page,
        lambda v: v["model"]["layers"][0] == {"type": "dense", "units": 5, "activation": "relu", "use_bias": True},
    )
    expect(page.get_by_test_id("total-params")).to_contain_text(str(server_view(client, page)["total_params"]))


def test_server_error_is_shown_on_its_layer(server, client, watched):
    page = watched.page
    watched.allow(r"status of 422")  # the browser logs the refused request itself
    open_app(page, server.url)
    box = cards(page).nth(1).get_by_test_id("units-input")
    box.fill("5000")
    box.press("Enter")
    error = cards(page).nth(1).get_by_test_id("error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("1024")
    expect(cards(page).nth(1)).to_have_class(re.compile("has-error"))
    # Nothing changed on the server and the card shows the real value again.
    assert [l["units"] for l in server_view(client, page)["model"]["layers"]] == [4, 2, 1]
    expect(box).to_have_value("2")


def test_learning_rate_changes_while_running(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    generation = server_view(client, page)["generation"]
    page.locator("#learning-rate").select_option("0.1")
    view = wait_for_server(client, page, lambda v: v["training"]["learning_rate"] == 0.1)
    assert view["status"] == "running"
    assert view["generation"] == generation  # applied live, no rebuild
    expect(page.get_by_test_id("status")).to_have_text("running")
    step = displayed(page, "step-counter")
    page.wait_for_function(
        "s => parseInt(document.querySelector('[data-testid=step-counter]').textContent.replace(/\\D/g, '')) > s",
        arg=step,
    )
    # Speed limit and back to max.
    page.get_by_test_id("speed").select_option("100")
    wait_for_server(client, page, lambda v: v["training"]["steps_per_second"] == 100)
    page.get_by_test_id("speed").select_option("max")
    wait_for_server(client, page, lambda v: v["training"]["steps_per_second"] is None)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")


def test_keyboard_only_add_and_remove(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("add-dense").focus()
    page.keyboard.press("Enter")
    expect(cards(page)).to_have_count(4)
    settled(page)
    assert len(server_view(client, page)["model"]["layers"]) == 4
    # Move the new layer (third, before the output) up with the keyboard.
    page.get_by_role("button", name="Move layer 3 up").focus()
    page.keyboard.press("Enter")
    wait_for_server(client, page, lambda v: [l["units"] for l in v["model"]["layers"]] == [4, 4, 2, 1])
    # Focus follows the moved layer, so pressing again keeps moving it.
    page.wait_for_function("document.activeElement?.getAttribute('aria-label') === 'Move layer 2 up'")
    page.get_by_role("button", name="Remove layer 1").focus()
    page.keyboard.press("Space")
    expect(cards(page)).to_have_count(3)
    wait_for_server(client, page, lambda v: [l["units"] for l in v["model"]["layers"]] == [4, 2, 1])
    # Focus lands on the layer that took the removed one's place.
    page.wait_for_function("document.activeElement?.getAttribute('aria-label') === 'Remove layer 1'")
    # Units by keyboard: type a number and press Enter.
    units = cards(page).nth(0).get_by_test_id("units-input")
    units.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    wait_for_server(client, page, lambda v: v["model"]["layers"][0]["units"] == 6)


def test_language_toggle(server, watched):
    page = watched.page
    open_app(page, server.url)
    toggle = page.get_by_test_id("lang-toggle")
    expect(toggle).to_have_text("中文")
    toggle.click()
    expect(page.get_by_test_id("play-pause")).to_have_attribute("aria-label", "开始")
    expect(page.get_by_test_id("status")).to_have_text("空闲")
    expect(page.get_by_text("神经元与权重")).to_be_visible()
    expect(page.get_by_test_id("layer-params").first).to_have_text("12 个参数")
    expect(toggle).to_have_text("EN")
    # The choice survives a reload.
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("空闲")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("status")).to_have_text("idle")


def test_two_quick_language_switches_end_where_the_second_asked(server, watched):
    """The Chinese texts are fetched on the first switch (an English page does not load them); a
    second press before they arrive asks for English again, and English it stays."""
    page = watched.page
    page.route("**/locales/zh.json", lambda route: (page.wait_for_timeout(400), route.continue_()))
    open_app(page, server.url)
    toggle = page.get_by_test_id("lang-toggle")
    toggle.click()
    toggle.click()
    page.wait_for_timeout(800)  # the slowed fetch has landed: nothing may switch after it
    expect(page.get_by_test_id("status")).to_have_text("idle")
    expect(toggle).to_have_text("中文")
    toggle.click()  # the texts are here now: one press is Chinese at once
    expect(page.get_by_test_id("status")).to_have_text("空闲")


def test_reload_reopens_the_same_session(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("step-epoch").click()
    expect(page.get_by_test_id("epoch-counter")).to_have_text("1")
    sid = session_id(page)
    page.goto(server.url)  # the bare address reopens this browser's last session
    page.get_by_test_id("layer-card").first.wait_for()
    assert session_id(page) == sid
    expect(page.get_by_test_id("epoch-counter")).to_have_text("1")
    expect(page.get_by_test_id("play-pause")).to_be_enabled()


def test_change_dataset(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("dataset-spiral").click()
    expect(page.get_by_test_id("dataset-spiral")).to_have_attribute("aria-checked", "true")
    wait_for_server(client, page, lambda v: v["dataset"]["name"] == "spiral")
    page.locator("#noise").fill("0.3")
    page.locator("#noise").dispatch_event("change")
    wait_for_server(client, page, lambda v: v["dataset"]["noise"] == 0.3)
    expect(page.get_by_test_id("noise-value")).to_have_text("30%")


def test_input_features_and_regression_data(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    expect(page.get_by_test_id("features")).to_be_visible()
    # Switch x1·x2 on: a third input, with its own map in the graph.
    page.get_by_test_id("feature-x1_x2").click()
    expect(page.get_by_test_id("feature-x1_x2")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("input-shape")).to_have_text("(3)")
    view = wait_for_server(client, page, lambda v: v["dataset"]["features"] == ["x1", "x2", "x1_x2"])
    assert view["model"]["input_shape"] == [3]
    expect(page.locator(".graph-input")).to_have_count(3)
    expect(cards(page).nth(0).get_by_test_id("layer-params")).to_have_text("16 params")
    # The last feature left cannot be switched off.
    page.get_by_test_id("feature-x1").click()
    page.get_by_test_id("feature-x2").click()
    wait_for_server(client, page, lambda v: v["dataset"]["features"] == ["x1_x2"])
    expect(page.get_by_test_id("feature-x1_x2")).to_be_disabled()
    # A regression set: the output layer follows it (linear) and the loss becomes MSE.
    if page.get_by_test_id("dataset-plane").count():
        page.get_by_test_id("dataset-plane").click()
        view = wait_for_server(client, page, lambda v: v["dataset"]["name"] == "plane")
        assert view["model"]["layers"][-1]["activation"] == "linear" and view["loss"] == "mse"
        expect(page.get_by_test_id("loss-name")).to_contain_text("mean squared error")
        page.get_by_test_id("step-epoch").click()
        expect(page.get_by_test_id("epoch-counter")).to_have_text("1")
        expect(page.get_by_test_id("accuracy-value")).to_have_text("—")


def test_view_only_when_opening_someone_elses_link(server, client, browser, watched):
    owner = watched.page
    open_app(owner, server.url)
    link = f"{server.url}/s/{session_id(owner)}"
    viewer_ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", bypass_csp=True)  # see conftest.py
    try:
        viewer = viewer_ctx.new_page()
        seen = watch(viewer)
        viewer.goto(link)
        viewer.get_by_test_id("layer-card").first.wait_for()
        expect(viewer.get_by_test_id("view-only")).to_be_visible()
        expect(viewer.get_by_test_id("view-only-badge")).to_have_text("View only")
        for testid in ("play-pause", "reset", "step-batch", "step-epoch", "speed", "add-dense"):
            expect(viewer.get_by_test_id(testid)).to_be_disabled()
        expect(viewer.get_by_test_id("units-input").first).to_be_disabled()
        expect(viewer.get_by_test_id("palette-dense")).to_have_attribute("draggable", "false")
        assert viewer.evaluate("localStorage.getItem('neuroplay.tokens')") in (None, "{}")
        # The viewer watches the owner's run live.
        owner.get_by_test_id("play-pause").click()
        expect(viewer.get_by_test_id("status")).to_have_text("running")
        viewer.wait_for_function("document.querySelector('[data-testid=loss-chart]').dataset.points > 3")
        owner.get_by_test_id("play-pause").click()
        expect(viewer.get_by_test_id("status")).to_have_text("paused")
        assert not seen.unexpected(), seen.errors
    finally:
        viewer_ctx.close()


def test_divergence_is_shown_clearly(server, client, context, watched):
    r = client.post(
        "/api/sessions",
        json=DIVERGING,
    )
    created = r.json()
    context.add_init_script(
        f"localStorage.setItem('neuroplay.tokens', JSON.stringify({{{created['id']!r}: {created['owner_token']!r}}}))"
    )
    page = watched.page
    open_app(page, f"{server.url}/s/{created['id']}")
    expect(page.get_by_test_id("play-pause")).to_be_enabled()
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("diverged")
    expect(page.get_by_test_id("divergence")).to_contain_text("training diverged at step")
    expect(page.get_by_test_id("divergence")).to_contain_text("lower the learning rate")
    # Lowering the learning rate and resetting brings it back.
    page.locator("#learning-rate").select_option("0.01")
    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("status")).to_have_text("idle")
    expect(page.get_by_test_id("divergence")).to_have_count(0)


def test_chart_data_stays_bounded(server, watched):
    page = watched.page
    open_app(page, server.url)
    result = page.evaluate("""async () => {
        const S = await import('/js/state.js');
        const pts = n => Array.from({length: n}, (_, i) => ({step: i + 1, epoch: i + 1, loss: 1 / (i + 1),
            val_loss: null, accuracy: 0.5, val_accuracy: null}));
        S.replaceChart(S.chart.generation, pts(25000));
        const first = S.chart.step[0], last = S.chart.step[S.chart.step.length - 1], n1 = S.chart.step.length;
        S.appendChart([{step: 25001, epoch: 1, loss: 0.1, val_loss: 0.2, accuracy: 1, val_accuracy: 1},
                       {step: 10, epoch: 1, loss: 9, val_loss: 9, accuracy: 0, val_accuracy: 0}]);
        S.frames.requestFrame();  // the chart redraws on the next frame
        return {n1, first, last, n2: S.chart.step.length, last2: S.chart.step[S.chart.step.length - 1]};
    }""")
    assert result["n1"] <= 10000 and result["first"] == 1 and result["last"] == 25000
    assert result["n2"] == result["n1"] + 1 and result["last2"] == 25001  # stale points are ignored
    page.wait_for_function("document.querySelector('[data-testid=loss-chart]').dataset.points > 5000")


def test_an_optional_layer_setting_emptied_goes_back_to_auto(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    page.get_by_test_id("dataset-digits").click()  # image data: the starting CNN has a max pool
    view = wait_for_server(client, page, lambda v: v["dataset"]["name"] == "digits")
    pool = next(i for i, layer in enumerate(view["model"]["layers"]) if layer["type"] == "max_pool2d")
    card = cards(page).nth(pool)
    stride = card.get_by_test_id("setting-stride")
    expect(stride).to_have_attribute("placeholder", re.compile(".+"))  # "auto" while unset
    expect(card.get_by_test_id("layer-shape")).to_have_text("(8, 4, 4)")
    stride.fill("1")
    stride.press("Enter")
    wait_for_server(client, page, lambda v: v["model"]["layers"][pool].get("stride") == 1)
    expect(card.get_by_test_id("layer-shape")).to_have_text("(8, 7, 7)")
    # A typo the number field cannot read is not "empty": nothing changes.
    stride.click()
    stride.press("Control+a")
    page.keyboard.type("1e")
    stride.press("Enter")
    expect(stride).to_have_value("1")
    assert server_view(client, page)["model"]["layers"][pool]["stride"] == 1
    stride.fill("")
    stride.press("Enter")
    wait_for_server(client, page, lambda v: v["model"]["layers"][pool].get("stride") is None)
    expect(card.get_by_test_id("layer-shape")).to_have_text("(8, 4, 4)")
    expect(stride).to_have_value("")
