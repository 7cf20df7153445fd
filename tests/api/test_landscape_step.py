"""The landscape's step arrow is the optimizer's real next step: for SGD, momentum, Adam and RMSprop
(with state from earlier steps, mini-batches, L2 and clipping), `next_step.step` equals the change of
the weights that the next batch step makes, projected with the answer's own projection; the same
for a running session (paused for the copy only); and for two entries of a one-neuron model it is
exactly the two values' change."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from .helpers import command, create, weights_of

MLP = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def projected(answer: dict, before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> np.ndarray:
    """P·(θ1 − θ0) from the answer's projection parts and two weight downloads."""
    out = np.zeros(2)
    for part in answer["projection"]:
        delta = (after[part["param"]].astype(np.float64) - before[part["param"]]).ravel()
        covered = delta[part["start"] : part["start"] + len(part["x"])]
        out += [np.dot(part["x"], covered), np.dot(part["y"], covered)]
    return out


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_the_arrow_is_the_next_batch_step(client: httpx.Client, optimizer: str) -> None:
    training = {"optimizer": optimizer, "learning_rate": 0.05, "batch_size": 16, "l2": 0.001, "clip_norm": 5.0}
    sid, auth = create(client, {"model": MLP, "training": training})
    for _ in range(3):  # momentum and moments that are not the first step's
        command(client, sid, auth, "step", "batch")
    answer = client.get(f"/api/sessions/{sid}/landscape", params={"axes": "random", "size": 3, "seed": 2}).json()
    arrow = answer["next_step"]
    assert (arrow["optimizer"], arrow["learning_rate"], arrow["batch"]) == (optimizer, 0.05, 16)
    assert answer["step"] == 3
    before = weights_of(client, sid)
    command(client, sid, auth, "step", "batch")
    after = weights_of(client, sid)
    np.testing.assert_allclose(arrow["step"], projected(answer, before, after), rtol=1e-5, atol=1e-9)
    assert 0 < arrow["in_plane"] < 1  # 17 weights move; a random plane holds part of the step
    plain = -0.05 * np.array(answer["gradient"])
    if optimizer != "sgd":  # scaled or accelerated steps differ from −η·∇L (SGD's batch differs too)
        assert not np.allclose(arrow["step"], plain, rtol=0.05)


def test_a_running_session_gets_its_real_next_step(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": MLP, "training": {"optimizer": "adam", "steps_per_second": 100}})
    command(client, sid, auth, "play")
    try:
        answer = client.get(f"/api/sessions/{sid}/landscape", params={"axes": "random", "size": 3}).json()
        assert client.get(f"/api/sessions/{sid}").json()["status"] == "running"
    finally:
        command(client, sid, auth, "pause")
    assert answer["next_step"]["optimizer"] == "adam" and answer["step"] > 0
    assert all(np.isfinite(answer["next_step"]["step"]))


def test_two_entries_of_one_neuron_move_by_the_steps_own_values(client: httpx.Client) -> None:
    body = {
        "model": {"input_shape": [1], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]},
        "dataset": {"name": "plane", "features": ["x1"]},
        "training": {"optimizer": "momentum", "momentum": 0.9, "learning_rate": 0.05, "batch_size": 10},
    }
    sid, auth = create(client, body)
    command(client, sid, auth, "step", "batch")
    answer = client.get(f"/api/sessions/{sid}/landscape", params={"size": 3}).json()
    assert (answer["axes"], answer["x_label"], answer["y_label"]) == ("entries", "layer0.W[0, 0]", "layer0.b[0]")
    before = weights_of(client, sid)
    command(client, sid, auth, "step", "batch")
    after = weights_of(client, sid)
    moved = [after["layer0.W"][0, 0] - before["layer0.W"][0, 0], after["layer0.b"][0] - before["layer0.b"][0]]
    np.testing.assert_allclose(answer["next_step"]["step"], moved, rtol=1e-6, atol=1e-9)
    assert answer["next_step"]["in_plane"] == pytest.approx(1.0)
