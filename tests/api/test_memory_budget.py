"""Networks whose activations for one batch (or one chunk of scoring) would pass the server's budget
are refused before they are built: 422 naming the layer and the size; nothing else changes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ..conftest import LiveServer

# The default shapes network (28x28, conv 8 same, pool, flatten, dense) keeps 23,528 floats a sample;
# scoring passes of 83 samples (its widest activation is 8x28x28: sessions/chunks.chunk_for) need
# 7.8 MB, a batch of 10 1.9 MB: under 20 MB.
BUDGET_MB = 20
WIDE_CONV = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"type": "conv2d", "filters": 8, "padding": "same"},
        {"type": "conv2d", "filters": 64, "padding": "same"},  # 64x28x28, twice, plus im2col
        {"type": "flatten"},
        {"type": "dense", "units": 4, "activation": "softmax"},
    ],
}


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("memory"), env={"NEUROPLAY_MAX_ACTIVATION_MB": str(BUDGET_MB)})
    yield live
    live.stop()


def test_a_network_over_the_budget_is_refused_naming_the_layer(budgeted: LiveServer) -> None:
    r = httpx.post(budgeted.url + "/api/sessions", json={"dataset": {"name": "shapes"}, "model": WIDE_CONV})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["layer"] == 1
    # its widest activation is 64x28x28, so scoring goes 32 samples at a time (the smallest chunk)
    assert body["message"].startswith("layer 1 (conv2d): scoring the loss curve (32 samples at a time) needs about ")
    assert f"over the server's budget of {BUDGET_MB} MB" in body["message"]
    needed = float(body["message"].split("needs about ")[1].split(" MB")[0].replace(",", ""))
    # 32 samples x (20,384 up to layer 0 + 2 x 64 x 784 + 9 x 8 x 784 im2col) floats x 4 bytes = 21.6 MiB
    assert needed == 22


def test_the_default_network_fits_and_a_bigger_batch_is_refused_without_changing_anything(
    budgeted: LiveServer,
) -> None:
    with httpx.Client(base_url=budgeted.url, timeout=10) as c:
        created = c.post("/api/sessions", json={"dataset": {"name": "shapes"}})
        assert created.status_code == 201, created.text
        sid, auth = created.json()["id"], {"Authorization": f"Bearer {created.json()['owner_token']}"}
        r = c.patch(f"/api/sessions/{sid}", json={"training": {"batch_size": 250}}, headers=auth)
        assert r.status_code == 422, r.text
        assert r.json()["layer"] == 0
        assert r.json()["message"].startswith(
            "layer 0 (conv2d): one training batch of 250 samples needs about 39 MB"
        )  # 2 x 250 x 20,384 x 4 B
        view = c.get(f"/api/sessions/{sid}").json()
        assert view["training"]["batch_size"] == 10
        # a batch that fits is taken, and a manual step of it runs in the server process
        assert c.patch(f"/api/sessions/{sid}", json={"training": {"batch_size": 50}}, headers=auth).status_code == 200
        step = c.post(f"/api/sessions/{sid}/commands", json={"action": "step", "unit": "batch"}, headers=auth)
        assert step.status_code == 200 and step.json()["step"] == 1
        # a model change over the budget is refused the same way, and the session keeps its network
        r = c.patch(f"/api/sessions/{sid}", json={"model": WIDE_CONV}, headers=auth)
        assert r.status_code == 422 and r.json()["layer"] == 1, r.text
        assert len(c.get(f"/api/sessions/{sid}").json()["model"]["layers"]) == 4
        assert c.get(f"/api/sessions/{sid}").json()["model"]["layers"][0]["filters"] == 8
