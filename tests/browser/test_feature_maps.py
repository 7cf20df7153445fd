"""The pictures of the derived inputs (the graph's input nodes, the data panel's feature buttons)
are the server's maps (GET /api/sessions/{id}/features), not a copy of the formulas in the browser:
a page whose answer is the server's maps mirrored left-right draws them mirrored."""

from __future__ import annotations

import pytest

from .helpers import open_owned

pytestmark = pytest.mark.browser

BODY = {"dataset": {"name": "xor", "features": ["x1", "x2", "sin_x1"]}}


def mirrored(features: list[dict], size: int) -> list[dict]:
    """Each map with its columns in reverse order (x1 → -x1)."""
    out = []
    for f in features:
        rows = [f["values"][r * size : (r + 1) * size] for r in range(size)]
        out.append({**f, "values": [v for row in rows for v in reversed(row)]})
    return out


def test_the_input_pictures_are_the_servers_feature_maps(server, client, context, watched):
    page = watched.page
    served = {}

    def mirror(route):
        response = route.fetch()
        body = response.json()
        served["maps"] = body
        route.fulfill(response=response, json={**body, "features": mirrored(body["features"], body["grid"]["size"])})

    page.route("**/api/sessions/*/features", mirror)
    sid = open_owned(context, page, server, client, BODY)
    page.locator(".graph-input canvas").nth(2).wait_for()
    # The input nodes are painted once the maps are read (a painted pixel is opaque).
    page.wait_for_function(
        "[...document.querySelectorAll('.graph-input canvas')].length === 3 && [...document.querySelectorAll("
        "'.graph-input canvas')].every(c => c.getContext('2d').getImageData(0, 0, 1, 1).data[3] === 255)"
    )
    maps = served["maps"]
    assert maps == client.get(f"/api/sessions/{sid}/features").json()  # the server's own answer
    size = maps["grid"]["size"]
    shown = {f["name"]: f for f in mirrored(maps["features"], size)}
    cells = [(0, 0), (size // 2, 3), (size - 1, size - 1), (7, size - 5), (size // 3, size // 2)]
    for k, name in enumerate(BODY["dataset"]["features"]):
        feature = shown[name]
        expected = [feature["values"][r * size + c] for r, c in cells]
        drawn = page.evaluate(
            """async ([k, cells, values, low, high]) => {
                const { paintValues } = await import('/js/heatmap.js');
                const canvas = document.querySelectorAll('.graph-input canvas')[k];
                const at = cells.map(([r, c]) => Array.from(canvas.getContext('2d').getImageData(c, r, 1, 1).data));
                const want = values.map((v) => {
                    const image = new ImageData(1, 1);
                    paintValues(image, [v], 0, 1, low, high);
                    return Array.from(image.data);
                });
                return { at, want };
            }""",
            [k, cells, expected, feature["low"], feature["high"]],
        )
        assert drawn["at"] == drawn["want"], name
    # Mirrored, x1 is largest at the left: the left of its node is blue, the right orange.
    left, right = page.evaluate(
        """(size) => {
            const ctx = document.querySelectorAll('.graph-input canvas')[0].getContext('2d');
            return [Array.from(ctx.getImageData(1, size >> 1, 1, 1).data), Array.from(ctx.getImageData(size - 2, size >> 1, 1, 1).data)];
        }""",
        size,
    )
    assert left[2] > left[0] and right[0] > right[2], (left, right)
    # The data panel's x1 button shows the same (mirrored) map, drawn small.
    thumb = page.get_by_test_id("feature-x1").locator("canvas")
    thumb_left, thumb_right = thumb.evaluate(
        """(canvas) => {
            const ctx = canvas.getContext('2d'), h = canvas.height >> 1;
            return [Array.from(ctx.getImageData(1, h, 1, 1).data), Array.from(ctx.getImageData(canvas.width - 2, h, 1, 1).data)];
        }"""
    )
    assert thumb_left[2] > thumb_left[0] and thumb_right[0] > thumb_right[2], (thumb_left, thumb_right)
