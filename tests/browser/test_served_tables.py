"""Tables the browser takes from the server instead of keeping its own copy: a page whose catalog
answer is changed (page.route) follows the change. The dataset picker's thumbnails draw the
catalog's preview samples, the layer blocks paint the parameters the catalog names, and the
landscape lists a layer's parameters in the catalog's order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .live_helpers import open_session

pytestmark = pytest.mark.browser

# Every point of the served spiral moved to one spot in the upper-left quarter, all of class 1.
SPOT = (-3.0, 3.0)


def route_catalog(page, change) -> dict:
    """Answer GET /api/catalog with the server's answer changed by `change`; returns what was served."""
    served: dict = {}

    def handle(route):
        response = route.fetch()
        body = response.json()
        served["catalog"] = body
        route.fulfill(response=response, json=change(body))

    page.route("**/api/catalog", handle)
    return served


def thumb_pixels(page, name: str, points: list[tuple[float, float]]) -> list[list[int]]:
    """The RGBA of the dataset `name`'s thumbnail at plane points (x, y), as the picker maps [-6, 6]²."""
    thumb = page.get_by_test_id(f"dataset-{name}").get_by_test_id("dataset-thumb")
    page.wait_for_function("el => Number(el.dataset.drawn) > 0", arg=thumb.element_handle())
    return thumb.evaluate(
        """(el, points) => points.map(([x, y]) => Array.from(el.getContext('2d').getImageData(
            Math.floor((x + 6) / 12 * el.width), Math.floor((6 - y) / 12 * el.height), 1, 1).data))""",
        [list(p) for p in points],
    )


def rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def test_the_picker_draws_the_servers_preview_samples(server, client, context, watched):
    page = watched.page

    def moved(catalog: dict) -> dict:
        for entry in catalog["datasets"]:
            if entry["name"] == "spiral":
                entry["preview"]["points"] = [[SPOT[0], SPOT[1], 1]] * 5
        return catalog

    served = route_catalog(page, moved)
    open_session(context, page, server, client, {"dataset": {"name": "circle"}})
    # The spiral's thumbnail shows the served points: class 1's colour at the spot, paper elsewhere,
    # including where the real spiral has its points.
    blue, paper = rgb("#0877bd"), rgb("#f4f6f8")
    spiral = next(e for e in served["catalog"]["datasets"] if e["name"] == "spiral")
    real = [(x, y) for x, y, _ in spiral["preview"]["points"] if abs(x - SPOT[0]) > 1 or abs(y - SPOT[1]) > 1][:6]
    at_spot, *elsewhere = thumb_pixels(page, "spiral", [SPOT, *real])
    assert at_spot[:3] == blue
    assert all(p[:3] == paper for p in elsewhere), elsewhere
    # The moons' thumbnail is its own served points, each drawn in its class's colour.
    moons = next(e for e in served["catalog"]["datasets"] if e["name"] == "moons")["preview"]["points"]
    lone = [p for p in moons if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 0.8 for q in moons if q is not p)][:4]
    assert lone, "some moons point stands apart from the others"
    colours = thumb_pixels(page, "moons", [(x, y) for x, y, _ in lone])
    assert [c[:3] for c in colours] == [rgb(["#f59322", "#0877bd"][int(c)]) for _, _, c in lone]


def test_the_blocks_paint_and_the_landscape_orders_what_the_catalog_says(server, client, context, watched):
    page = watched.page

    def changed(catalog: dict) -> dict:
        for layer in catalog["layers"]:
            if layer["type"] == "batch_norm":
                layer["painted_params"] = ["beta"]  # the server's is gamma and beta
            if layer["type"] == "conv2d":
                layer["params"] = ["b", "W"]  # the server's is W, b
        return catalog

    served = route_catalog(page, changed)
    model = {
        "input_shape": [1, 8, 8],
        "layers": [
            {"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "same", "activation": "relu"},
            {"type": "batch_norm"},
            {"type": "flatten"},
            {"type": "dense", "units": 10, "activation": "softmax"},
        ],
    }
    open_session(context, page, server, client, {"dataset": {"name": "digits"}, "model": model})
    served_layers = {layer["type"]: layer for layer in served["catalog"]["layers"]}
    assert served_layers["batch_norm"]["painted_params"] == ["beta"]
    weights = page.get_by_test_id("block-weights")
    expect(weights).to_have_count(3)  # conv W, batch norm's beta alone, dense W
    assert weights.evaluate_all("els => els.map(e => e.dataset.param)") == ["W", "beta", "W"]
    page.get_by_test_id("tab-landscape").click()
    page.get_by_test_id("landscape-axes").select_option("entries")
    options = page.get_by_test_id("landscape-y").locator("option")
    expect(options.first).to_have_text("layer0.b[0]")
    names = options.evaluate_all("els => els.map(e => e.value)")
    # Within each layer the (changed) catalog's order: the conv's b before its W; the others as served.
    assert names.index("layer0.b[1]") < names.index("layer0.W[0, 0, 0, 0]")
    assert names.index("layer0.W[0, 0, 0, 0]") < names.index("layer1.gamma[0]") < names.index("layer1.beta[0]")
    assert names.index("layer1.beta[1]") < names.index("layer3.W[0, 0]") < names.index("layer3.b[0]")
