"""GET /api/sessions/{id}/landscape against a real server: a one-neuron model's true loss over its
weight and bias (against the formula in float64), loss along two chosen entries and along random
directions for a bigger model (against the engine on edited weights, and the loss curve at the
centre), and bad requests named in a 422."""

from __future__ import annotations

import io

import httpx
import numpy as np
import pytest

from neuroplay.engine import build_network, get_loss

from .helpers import command, create

NEURON = {
    "model": {"input_shape": [1], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]},
    "dataset": {"name": "plane", "features": ["x1"]},
    "training": {"optimizer": "sgd", "learning_rate": 0.05},
}
MLP = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def weights(client: httpx.Client, sid: str) -> dict[str, np.ndarray]:
    r = client.get(f"/api/sessions/{sid}/weights")
    with np.load(io.BytesIO(r.content), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def training_set(client: httpx.Client, sid: str) -> tuple[np.ndarray, np.ndarray]:
    data = client.get(f"/api/sessions/{sid}/data").json()
    return np.array(data["train"]["x"], dtype=np.float32), np.array(data["train"]["y"], dtype=np.float32)


def test_one_neuron_shows_its_true_landscape_over_weight_and_bias(client: httpx.Client) -> None:
    sid, auth = create(client, NEURON)
    command(client, sid, auth, "step", "epoch")
    r = client.get(f"/api/sessions/{sid}/landscape", params={"size": 21, "span": 2.0})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["axes"], got["x_label"], got["y_label"]) == ("entries", "layer0.W[0, 0]", "layer0.b[0]")
    w = weights(client, sid)
    w0, b0 = float(w["layer0.W"][0, 0]), float(w["layer0.b"][0])
    assert got["center"] == pytest.approx([w0, b0])
    assert got["x"][10] == pytest.approx(w0) and got["x"][0] == pytest.approx(w0 - 2.0)
    points, y = training_set(client, sid)
    x1, target = points[:, 0].astype(np.float64), y[:, 0].astype(np.float64)
    ws, bs = np.array(got["x"]), np.array(got["y"])
    expected = ((ws[None, :, None] * x1 + bs[:, None, None] - target) ** 2).mean(axis=2)  # rows: bias
    np.testing.assert_allclose(np.array(got["loss"]), expected, rtol=1e-4)
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    assert got["center_loss"] == history[-1]["loss"]  # the loss curve's own number


def test_two_chosen_entries_of_any_model(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP})
    command(client, sid, auth, "step", "epoch")
    params = {"axes": "entries", "x": "layer0.W[1, 2]", "y": "layer1.b[0]", "size": 5, "span": 0.5}
    got = client.get(f"/api/sessions/{sid}/landscape", params=params).json()
    x, y = training_set(client, sid)
    base = weights(client, sid)
    loss = get_loss("binary_cross_entropy")
    for i, j in ((0, 0), (4, 1), (2, 2), (1, 3)):
        edited = {k: v.copy() for k, v in base.items()}
        edited["layer0.W"][1, 2] = np.float32(base["layer0.W"][1, 2] + np.float32(np.linspace(-0.5, 0.5, 5)[i]))
        edited["layer1.b"][0] = np.float32(base["layer1.b"][0] + np.float32(np.linspace(-0.5, 0.5, 5)[j]))
        network = build_network(MLP)
        network.set_weights(edited)
        assert got["loss"][j][i] == pytest.approx(loss.value(network.forward(x), y), rel=1e-6), (i, j)


def test_random_directions_are_seeded_and_centred_on_the_current_weights(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP})
    command(client, sid, auth, "step", "epoch")
    url = f"/api/sessions/{sid}/landscape"
    one = client.get(url, params={"size": 7}).json()
    assert one["axes"] == "random" and one["x"] == one["y"] and len(one["loss"]) == 7 and len(one["loss"][0]) == 7
    assert one["center"] == [0.0, 0.0] and one["loss"][3][3] == one["center_loss"]
    assert one["center_loss"] == client.get(f"/api/sessions/{sid}").json()["history"][-1]["loss"]
    assert client.get(url, params={"size": 7}).json()["loss"] == one["loss"]
    other = client.get(url, params={"size": 7, "seed": 5}).json()
    assert other["loss"] != one["loss"] and other["center_loss"] == one["center_loss"]
    assert len({v for row in one["loss"] for v in row}) > 40, "a surface, not a constant"


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"size": 40}, "size must be odd"),
        ({"size": 1}, "size"),
        ({"span": 0}, "span"),
        ({"axes": "entries"}, "axes=entries needs x and y, parameter entries such as layer0.W[0, 0]"),
        ({"x": "W[0]", "y": "layer1.b[0]"}, "x must name a parameter entry like layer0.W[0, 1]"),
        ({"x": "layer5.W[0, 0]", "y": "layer1.b[0]"}, "x: the model has no parameter 'W' in layer 5"),
        ({"x": "layer0.W[0, 9]", "y": "layer1.b[0]"}, "x: index [0, 9] is not an entry of layer0.W, shape [2, 4]"),
        ({"x": "layer1.b[0]", "y": "layer1.b[0]"}, "x and y name the same entry"),
    ],
)
def test_a_bad_landscape_request_is_named(client: httpx.Client, params: dict, words: str) -> None:
    sid, _ = create(client, {"model": MLP})
    r = client.get(f"/api/sessions/{sid}/landscape", params=params)
    assert r.status_code == 422, r.text
    assert words in r.json()["message"]


def test_too_much_work_asks_for_a_smaller_grid(client: httpx.Client) -> None:
    big = {
        "input_shape": [2],
        "layers": [{"type": "dense", "units": 256, "activation": "relu"}] * 2
        + [{"type": "dense", "units": 1, "activation": "sigmoid"}],
    }
    sid, _ = create(client, {"model": big, "dataset": {"name": "circle", "points": 5000}})
    r = client.get(f"/api/sessions/{sid}/landscape", params={"size": 81})
    assert r.status_code == 422 and "use size" in r.json()["message"], r.text
    smaller = int(r.json()["message"].split("use size ")[1].split(" ")[0])
    assert smaller % 2 == 1 and smaller < 81


def test_a_model_frozen_down_to_two_numbers_shows_their_landscape(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP})
    command(client, sid, auth, "step", "epoch")
    for layer, param, mask in (
        (0, "W", [[True] * 4] * 2),
        (0, "b", [True] * 4),
        (1, "W", [[True], [True], [False], [True]]),
    ):
        r = client.patch(
            f"/api/sessions/{sid}/params", json={"layer": layer, "param": param, "frozen_mask": mask}, headers=auth
        )
        assert r.status_code == 200, r.text
    got = client.get(f"/api/sessions/{sid}/landscape", params={"size": 3, "span": 0.25}).json()
    assert (got["axes"], got["x_label"], got["y_label"]) == ("entries", "layer1.W[2, 0]", "layer1.b[0]")
    x, y = training_set(client, sid)
    edited = weights(client, sid)
    edited["layer1.W"][2, 0] += np.float32(0.25)
    edited["layer1.b"][0] -= np.float32(0.25)
    network = build_network(MLP)
    network.set_weights(edited)
    expected = get_loss("binary_cross_entropy").value(network.forward(x), y)
    assert got["loss"][0][2] == pytest.approx(expected, rel=1e-6)


def plane_position(got: dict, w: dict[str, np.ndarray]) -> np.ndarray:
    """center + P·θ − origin: where weights θ sit on the landscape's plane (the browser's path)."""
    at = np.array(got["center"], dtype=np.float64) - np.array(got["origin"])
    for part in got["projection"]:
        flat = w[part["param"]].ravel().astype(np.float64)[part["start"] : part["start"] + len(part["x"])]
        at += [np.dot(part["x"], flat), np.dot(part["y"], flat)]
    return at


def test_the_gradient_is_the_formula_and_one_full_batch_step_lands_on_the_arrow(client: httpx.Client) -> None:
    body = {**NEURON, "training": {"optimizer": "sgd", "learning_rate": 0.05, "batch_size": 10000}}
    sid, auth = create(client, body)
    command(client, sid, auth, "step", "batch")
    got = client.get(f"/api/sessions/{sid}/landscape", params={"size": 5}).json()
    w = weights(client, sid)
    w0, b0 = float(w["layer0.W"][0, 0]), float(w["layer0.b"][0])
    points, y = training_set(client, sid)
    x1, target = points[:, 0].astype(np.float64), y[:, 0].astype(np.float64)
    residual = w0 * x1 + b0 - target
    assert got["gradient"] == pytest.approx([2 * np.mean(residual * x1), 2 * np.mean(residual)], rel=1e-5)
    assert [p["param"] for p in got["projection"]] == ["layer0.W", "layer0.b"]
    assert plane_position(got, w) == pytest.approx([w0, b0])
    command(client, sid, auth, "step", "batch")  # plain SGD over the whole set: θ − η·∇L
    moved = plane_position(got, weights(client, sid))
    assert moved == pytest.approx([w0 - 0.05 * got["gradient"][0], b0 - 0.05 * got["gradient"][1]], rel=1e-5)


def test_along_random_directions_a_full_batch_step_moves_by_the_projected_gradient(client: httpx.Client) -> None:
    body = {"model": MLP, "training": {"optimizer": "sgd", "learning_rate": 0.5, "batch_size": 10000}}
    sid, auth = create(client, body)
    command(client, sid, auth, "step", "batch")
    got = client.get(f"/api/sessions/{sid}/landscape", params={"size": 5, "seed": 3}).json()
    assert got["axes"] == "random" and got["gradient"] is not None
    assert {p["param"] for p in got["projection"]} == {"layer0.W", "layer0.b", "layer1.W", "layer1.b"}
    assert plane_position(got, weights(client, sid)) == pytest.approx([0.0, 0.0], abs=1e-6)
    command(client, sid, auth, "step", "batch")
    moved = plane_position(got, weights(client, sid))
    expected = -0.5 * np.array(got["gradient"])
    assert np.linalg.norm(expected) > 1e-3
    np.testing.assert_allclose(moved, expected, rtol=1e-3, atol=1e-6)
