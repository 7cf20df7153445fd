"""GET /api/sessions/{id}/inspect against a real server: the engine's own numbers for the session's
current weights (downloaded and recomputed here), arrays as nested lists without the batch axis, bad
split or index named in a 422, and a running session inspected without pausing it."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from neuroplay.api.inspect import tensor
from neuroplay.engine import build_network, get_loss
from neuroplay.engine.inspect import inspect_sample

from .helpers import CNN, command, create, wait_for, weights_of

MLP = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 5, "activation": "relu"},
        {"type": "batch_norm"},
        {"type": "dropout", "rate": 0.3},
        {"type": "dense", "units": 3, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def array(value: object) -> np.ndarray:
    return np.array(value, dtype=np.float64)


def test_inspect_gives_the_engines_numbers_for_the_current_weights(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP, "training": {"optimizer": "adam", "learning_rate": 0.05}})
    command(client, sid, auth, "step", "epoch")
    data = client.get(f"/api/sessions/{sid}/data").json()
    assert data["feature_names"] in ([], ["x1", "x2"])  # the network's input is the point itself
    r = client.get(f"/api/sessions/{sid}/inspect", params={"split": "validation", "index": 3})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["split"], got["index"], got["step"]) == (
        "validation",
        3,
        client.get(f"/api/sessions/{sid}").json()["step"],
    )

    network = build_network(MLP)
    network.set_weights(weights_of(client, sid))
    x = np.array([data["validation"]["x"][3]], dtype=np.float32)
    y = np.array([data["validation"]["y"][3]], dtype=np.float32)
    expected = inspect_sample(network, get_loss("binary_cross_entropy"), x, y)
    assert got["loss"] == pytest.approx(expected.loss, rel=1e-6)
    np.testing.assert_allclose(array(got["prediction"]), expected.prediction, rtol=1e-6)
    assert got["target"] == data["validation"]["y"][3]
    assert [layer["type"] for layer in got["layers"]] == [e["type"] for e in MLP["layers"]]
    for i, (layer, want) in enumerate(zip(got["layers"], expected.layers, strict=True)):
        assert layer["index"] == i
        for name in ("input", "output", "output_grad"):
            np.testing.assert_allclose(array(layer[name]), getattr(want, name), rtol=1e-6, atol=1e-9, err_msg=name)
        if want.preactivation is None:
            assert layer["preactivation"] is None
        else:
            np.testing.assert_allclose(array(layer["preactivation"]), want.preactivation, rtol=1e-6, atol=1e-9)
        assert sorted(layer["param_grads"]) == sorted(want.param_grads)
        for name, grad in want.param_grads.items():
            np.testing.assert_allclose(array(layer["param_grads"][name]), grad, rtol=1e-6, atol=1e-9)
    assert sorted(got["layers"][1]["param_grads"]) == ["beta", "gamma"]
    assert np.array(got["layers"][0]["param_grads"]["W"]).shape == (2, 5)  # (in, out), as in the download


def test_image_arrays_keep_their_shape_without_the_batch_axis(client: httpx.Client) -> None:
    sid, auth = create(client, {"dataset": {"name": "digits"}, "model": CNN, "training": {"loss": "cross_entropy"}})
    command(client, sid, auth, "step", "batch")
    r = client.get(f"/api/sessions/{sid}/inspect", params={"split": "train", "index": 0})
    assert r.status_code == 200, r.text
    got = r.json()
    conv, pool = got["layers"][0], got["layers"][1]
    assert np.array(conv["input"]).shape == (1, 8, 8)
    assert np.array(conv["output"]).shape == np.array(conv["preactivation"]).shape == (3, 8, 8)
    assert np.array(conv["param_grads"]["W"]).shape == (3, 1, 3, 3)
    assert np.array(pool["output"]).shape == np.array(pool["output_grad"]).shape == (3, 4, 4)
    assert pool["preactivation"] is None and pool["param_grads"] == {}
    assert sum(got["prediction"]) == pytest.approx(1.0, abs=1e-6)
    label = int(got["target"][0])
    assert got["loss"] == pytest.approx(-np.log(got["prediction"][label]), rel=1e-5)


def test_a_recurrent_layer_gives_its_numbers_per_time_step(client: httpx.Client) -> None:
    """The sine preset (simple_rnn of 16 units over 20 steps, every step's state to a dense): u_t, h_t, dL/dh_t and dL/du_t
    per step, equal to the engine's own for the downloaded weights, and the weights' gradients the sum
    of every step's share (backpropagation through time)."""
    sid, auth = create(client, {"dataset": {"name": "sine"}})
    command(client, sid, auth, "step", "batch")
    state = client.get(f"/api/sessions/{sid}").json()
    assert [layer["type"] for layer in state["model"]["layers"]] == ["simple_rnn", "dense"]
    got = client.get(f"/api/sessions/{sid}/inspect", params={"split": "validation", "index": 2}).json()
    rnn, dense = got["layers"]
    assert dense["recurrence"] is None
    steps = {name: array(value) for name, value in rnn["recurrence"].items()}
    time, units = steps["states"].shape
    assert (time, units) == (20, 16) and steps["initial_state"].shape == (16,)

    network = build_network(state["model"])
    network.set_weights(weights_of(client, sid))
    x = np.array([rnn["input"]], dtype=np.float32)  # the probe's sequence, (1, time, features)
    y = np.array([got["target"]], dtype=np.float32)
    want = inspect_sample(network, get_loss("mse"), x, y).layers[0].recurrence
    assert want is not None
    for name in ("initial_state", "states", "state_grads", "preactivation_grads"):
        np.testing.assert_allclose(steps[name], getattr(want, name), rtol=1e-6, atol=1e-9, err_msg=name)
    du, inputs = steps["preactivation_grads"], array(rnn["input"])
    previous = np.vstack([steps["initial_state"][None], steps["states"][:-1]])
    np.testing.assert_allclose(array(rnn["param_grads"]["W_x"]), inputs.T @ du, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(array(rnn["param_grads"]["W_h"]), previous.T @ du, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(array(rnn["param_grads"]["b"]), du.sum(axis=0), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(du, steps["state_grads"] * (1 - steps["states"] ** 2), rtol=1e-4, atol=1e-9)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"split": "test", "index": 0}, "split"),
        ({"split": "train", "index": -1}, "index"),
        ({"split": "train", "index": "two"}, "index"),
        ({"split": "validation", "index": 100000}, "index 100000 is out of range: the validation split has"),
        ({"index": 0}, "split"),
        ({"split": "train"}, "index"),
    ],
)
def test_a_bad_split_or_index_is_named(client: httpx.Client, params: dict, words: str) -> None:
    sid, _ = create(client)
    r = client.get(f"/api/sessions/{sid}/inspect", params=params)
    assert r.status_code == 422, r.text
    assert words in r.json()["message"]
    assert client.get(f"/api/sessions/{sid}/inspect", params={"split": "train", "index": 0}).status_code == 200


def test_an_unknown_session_is_404(client: httpx.Client) -> None:
    r = client.get("/api/sessions/nope/inspect", params={"split": "train", "index": 0})
    assert r.status_code == 404 and "nope" in r.json()["message"]


def test_a_running_session_is_inspected_without_pausing_it(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP, "training": {"steps_per_second": 200}})
    command(client, sid, auth, "play")
    try:
        steps = []
        for _ in range(3):
            r = client.get(f"/api/sessions/{sid}/inspect", params={"split": "train", "index": 5})
            assert r.status_code == 200, r.text
            steps.append(r.json()["step"])
            seen = steps[-1]
            wait_for(lambda seen=seen: client.get(f"/api/sessions/{sid}").json()["step"] > seen + 5, what="training")
        assert client.get(f"/api/sessions/{sid}").json()["status"] == "running"
        assert steps == sorted(steps) and steps[-1] > steps[0]
    finally:
        command(client, sid, auth, "pause")


def test_non_finite_values_become_null() -> None:
    values = np.array([[1.5, np.nan], [np.inf, -np.inf]], dtype=np.float32)
    assert tensor(values) == [[1.5, None], [None, None]]
    assert tensor(np.float32(0.25)) == 0.25
    assert tensor(None) is None
