"""The palette in Chromium: "+" puts a layer where it fits, what does not suit the data is greyed out
and cannot be added, and a refused layer's error stands where it belongs and names it as the cards do."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import expect

from .helpers import changes_sent, open_app, open_owned, server_view

pytestmark = pytest.mark.browser


def settled(page) -> None:
    expect(page.get_by_test_id("layer-stack")).to_have_attribute("data-pending", "0")


def layer_types(client, page) -> list[str]:
    return [layer["type"] for layer in server_view(client, page)["model"]["layers"]]


def test_plus_puts_conv_and_pool_before_flatten_on_an_image_network(server, client, context, watched):
    page = watched.page
    open_owned(context, page, server, client, {"dataset": {"name": "digits"}})
    assert layer_types(client, page) == ["conv2d", "max_pool2d", "flatten", "dense"]
    # The button says where the layer goes, counting as the cards do.
    expect(page.get_by_test_id("add-conv2d")).to_have_attribute("aria-label", "Add Conv 2-D as Hidden 3")
    page.get_by_test_id("add-conv2d").click()
    settled(page)
    assert layer_types(client, page) == ["conv2d", "max_pool2d", "conv2d", "flatten", "dense"]
    page.get_by_test_id("add-avg_pool2d").click()
    settled(page)
    assert layer_types(client, page) == ["conv2d", "max_pool2d", "conv2d", "avg_pool2d", "flatten", "dense"]
    # Layers that take any input still go just before the output; no error was shown on the way.
    page.get_by_test_id("add-dropout").click()
    settled(page)
    assert layer_types(client, page)[-2:] == ["dropout", "dense"]
    expect(page.get_by_test_id("error")).to_have_count(0)
    expect(page.get_by_test_id("layer-card").nth(3)).to_have_attribute("aria-label", "Hidden 4 · Average pool")


def test_a_refused_new_layer_stands_in_its_place_named_as_the_cards_name_it(server, client, context, watched):
    page = watched.page
    watched.allow(r"status of 422")  # the browser logs the refused request itself
    open_owned(context, page, server, client, {"dataset": {"name": "digits"}})
    # 8×8 → conv (same) 8×8 → pool 4×4; two more pools make 2×2 and 1×1; a fourth has nothing to pool.
    for _ in range(2):
        page.get_by_test_id("add-max_pool2d").click()
        settled(page)
    before = layer_types(client, page)
    assert before == ["conv2d", "max_pool2d", "max_pool2d", "max_pool2d", "flatten", "dense"]
    page.get_by_test_id("add-max_pool2d").click()
    rejected = page.get_by_test_id("rejected-layer")
    expect(rejected).to_be_visible()
    expect(rejected).to_contain_text("The new Max pool (Hidden 5) was not added")
    expect(rejected).to_contain_text("larger than its input 1×1")
    expect(rejected).not_to_contain_text("layer 4")  # the server's count from 0 is not shown
    # It stands where the layer would have gone: between Hidden 4 and Flatten, and on no card.
    order = page.locator('[data-testid="layer-stack"] > li').evaluate_all(
        "els => els.map(e => e.dataset.testid === 'rejected-layer' ? 'rejected' : e.getAttribute('aria-label'))"
    )
    assert order[4:6] == ["rejected", "Hidden 5 · Flatten"], order
    expect(page.locator(".layer-card.has-error")).to_have_count(0)
    assert layer_types(client, page) == before
    # Dismissing it leaves the stack as the server has it.
    rejected.get_by_role("button").click()
    expect(rejected).to_have_count(0)


def test_a_refused_move_lands_on_the_card_it_is_about(server, client, context, watched):
    page = watched.page
    watched.allow(r"status of 422")
    open_owned(context, page, server, client, {"dataset": {"name": "digits"}})
    # Flatten (Hidden 3) moved above the pool: the pool gets a flat input. The server blames index 2
    # of the list it was sent, the pool; shown again as it was, that index is Flatten's card, and the
    # pool is Hidden 2: the error goes there.
    page.get_by_test_id("layer-card").nth(2).get_by_test_id("move-up").click()
    pool = page.get_by_test_id("layer-card").nth(1)
    expect(pool).to_have_attribute("aria-label", "Hidden 2 · Max pool")
    expect(pool).to_have_class(re.compile("has-error"))
    # numbered as the card it lands on (Hidden 2), not as the server counted the list it was sent
    expect(pool.get_by_test_id("error")).to_contain_text("Layer 2 (Max pool) needs an image")
    expect(page.locator(".layer-card.has-error")).to_have_count(1)
    assert layer_types(client, page) == ["conv2d", "max_pool2d", "flatten", "dense"]


def test_a_refused_setting_names_its_card_counting_from_one(server, client, watched):
    page = watched.page
    watched.allow(r"status of 422")
    open_app(page, server.url)
    box = page.get_by_test_id("layer-card").nth(1).get_by_test_id("units-input")
    box.fill("5000")
    box.press("Enter")
    error = page.get_by_test_id("layer-card").nth(1).get_by_test_id("error")
    expect(error).to_contain_text(re.compile(r"^Layer 2 \(Dense\) · Units: .*1024"))


def csv_upload(client, sid: str, token: str) -> None:
    rows = "".join(f"{i % 7},{(i * 3) % 5},{'a' if i % 2 else 'b'}\n" for i in range(60))
    r = client.post(
        f"/api/sessions/{sid}/uploads/csv",
        params={"label_column": "kind", "filename": "table.csv"},
        content=("x,y,kind\n" + rows).encode(),
        headers={"Authorization": f"Bearer {token}", "content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text


def image_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(6):
            for folder, value in (("cats", 20 + i), ("dogs", 230 - i)):
                png = io.BytesIO()
                Image.new("L", (12, 12), value).save(png, format="PNG")
                z.writestr(f"{folder}/{i}.png", png.getvalue())
    return buf.getvalue()


def test_on_an_uploaded_table_image_and_sequence_layers_are_greyed_and_cannot_be_added(
    server, client, context, watched
):
    page = watched.page
    sid = open_owned(context, page, server, client, {})
    token = page.evaluate("JSON.parse(localStorage.getItem('neuroplay.tokens'))")[sid]
    csv_upload(client, sid, token)
    page.reload()
    page.get_by_test_id("layer-card").first.wait_for()
    expect(page.get_by_test_id("input-desc")).to_have_text("2 columns")
    before = layer_types(client, page)
    for tag in ("conv2d", "max_pool2d", "avg_pool2d", "flatten", "simple_rnn"):
        expect(page.get_by_test_id(f"palette-{tag}")).to_have_attribute("data-unsuited", "true")
        expect(page.get_by_test_id(f"palette-{tag}")).to_have_attribute("draggable", "false")
        expect(page.get_by_test_id(f"add-{tag}")).to_be_disabled()
    expect(page.get_by_test_id("add-simple_rnn")).to_have_attribute("aria-label", "Simple RNN does not fit this data")
    for tag in ("dense", "dropout", "batch_norm", "activation"):
        expect(page.get_by_test_id(f"add-{tag}")).to_be_enabled()
    with changes_sent(page) as sent:
        page.get_by_test_id("add-conv2d").click(force=True)  # a click on the greyed button does nothing
    assert sent.requests == []
    expect(page.get_by_test_id("error")).to_have_count(0)
    assert layer_types(client, page) == before


def test_on_an_uploaded_image_set_conv_fits_and_rnn_does_not(server, client, context, watched):
    page = watched.page
    sid = open_owned(context, page, server, client, {})
    token = page.evaluate("JSON.parse(localStorage.getItem('neuroplay.tokens'))")[sid]
    r = client.post(
        f"/api/sessions/{sid}/uploads/images",
        params={"side": 8, "filename": "pets.zip"},
        content=image_zip(),
        headers={"Authorization": f"Bearer {token}", "content-type": "application/zip"},
    )
    assert r.status_code == 200, r.text
    page.reload()
    page.get_by_test_id("layer-card").first.wait_for()
    expect(page.get_by_test_id("add-simple_rnn")).to_be_disabled()
    expect(page.get_by_test_id("add-conv2d")).to_be_enabled()
    page.get_by_test_id("add-conv2d").click()
    settled(page)
    assert layer_types(client, page) == ["conv2d", "max_pool2d", "conv2d", "flatten", "dense"]
    # The sample grid names each image by its folder, not by a class number.
    labels = page.get_by_test_id("sample-label").all_inner_texts()
    assert labels and set(labels) <= {"cats", "dogs"}, labels
