"""GET /api/sessions/{id}/preactivations against a real server: each layer's u = x W + b (dense),
recomputed here by hand from the downloaded weights, counted into the answer's bins; conv layers
counted over every position; bad parameters named in a 422."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from .helpers import CNN, command, create, weights_of

MLP = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "sigmoid"},
        {"type": "dense", "units": 2, "activation": "tanh"},
        {"type": "dropout", "rate": 0.2},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def test_dense_preactivations_are_counted_from_the_current_weights(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP, "dataset": {"name": "circle", "points": 300}})
    command(client, sid, auth, "step", "batch")
    r = client.get(f"/api/sessions/{sid}/preactivations", params={"split": "train", "samples": 100, "bins": 12})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["split"], got["samples"], got["step"]) == ("train", 100, 1)
    # Dropout applies no activation: no histogram for it.
    assert [(h["index"], h["type"], h["activation"]) for h in got["layers"]] == [
        (0, "dense", "sigmoid"),
        (1, "dense", "tanh"),
        (3, "dense", "sigmoid"),
    ]
    w = weights_of(client, sid)
    x = np.array(client.get(f"/api/sessions/{sid}/data").json()["train"]["x"][:100], dtype=np.float32)
    u0 = x @ w["layer0.W"] + w["layer0.b"]
    u1 = (1 / (1 + np.exp(-u0))) @ w["layer1.W"] + w["layer1.b"]
    u3 = np.tanh(u1) @ w["layer3.W"] + w["layer3.b"]  # dropout is the identity in inference mode
    for hist, u in zip(got["layers"], (u0, u1, u3), strict=True):
        edges = np.array(hist["edges"])
        assert len(edges) == 13 and len(hist["counts"]) == 12
        assert edges[0] == pytest.approx(u.min(), abs=1e-5) and edges[-1] == pytest.approx(u.max(), abs=1e-5)
        assert hist["values"] == u.size and sum(hist["counts"]) == u.size and hist["non_finite"] == 0
        inner = np.histogram(u, bins=edges)[0]
        # Values within float noise of an inner edge may fall either side of it.
        assert np.abs(inner - np.array(hist["counts"])).sum() <= 2, (inner, hist["counts"])


def test_conv_preactivations_count_every_position(client: httpx.Client) -> None:
    sid, _ = create(client, {"model": CNN, "dataset": {"name": "digits"}})
    got = client.get(f"/api/sessions/{sid}/preactivations", params={"split": "validation", "samples": 5}).json()
    conv, dense = got["layers"]
    assert (conv["type"], conv["activation"], dense["activation"]) == ("conv2d", "relu", "softmax")
    assert conv["values"] == 5 * 3 * 8 * 8 and dense["values"] == 5 * 10
    assert len(conv["counts"]) == 30  # the default number of bins


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"split": "test"}, "split"),
        ({"split": "train", "samples": 0}, "samples"),
        ({"split": "train", "bins": 1}, "bins"),
    ],
)
def test_bad_parameters_are_named(client: httpx.Client, params: dict, field: str) -> None:
    sid, _ = create(client, {"model": MLP})
    r = client.get(f"/api/sessions/{sid}/preactivations", params=params)
    assert r.status_code == 422 and field in r.text, r.text
