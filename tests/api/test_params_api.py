"""PATCH /api/sessions/{id}/params against a real server: an edit changes exactly what the engine
computes, bad edits are named in a 422 and change nothing, only the owner edits, frozen entries stay
bit-identical through training (running too), and the masks survive a restart and a fork."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from neuroplay.engine import build_network, get_loss
from neuroplay.engine.inspect import inspect_sample

from ..conftest import LiveServer
from .helpers import command, create, wait_for

MODEL = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "batch_norm"},
        {"type": "flatten"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}
BODY = {"model": MODEL, "training": {"optimizer": "adam", "learning_rate": 0.05, "batch_size": 25}}


def weights(client: httpx.Client, sid: str) -> dict[str, np.ndarray]:
    r = client.get(f"/api/sessions/{sid}/weights")
    with np.load(io.BytesIO(r.content), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def edit(client: httpx.Client, sid: str, auth: dict, **body) -> httpx.Response:
    return client.patch(f"/api/sessions/{sid}/params", json=body, headers=auth)


def test_an_edit_changes_exactly_what_the_engine_computes(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    command(client, sid, auth, "step", "epoch")
    before = weights(client, sid)
    r = edit(client, sid, auth, layer=0, param="W", index=[1, 2], value=0.75)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["shape"] == [2, 4] and answer["values"][1][2] == 0.75 and answer["frozen"] == [[False] * 4] * 2
    after = weights(client, sid)
    expected = {**before, "layer0.W": before["layer0.W"].copy()}
    expected["layer0.W"][1, 2] = 0.75
    for key in expected:
        np.testing.assert_array_equal(after[key], expected[key], err_msg=key)

    r = edit(client, sid, auth, layer=3, param="b", values=[-0.5])
    assert r.status_code == 200 and weights(client, sid)["layer3.b"].tolist() == [-0.5]
    network = build_network(MODEL)
    network.set_weights(weights(client, sid))
    data = client.get(f"/api/sessions/{sid}/data").json()
    x = np.array(data["train"]["x"][:1], dtype=np.float32)
    y = np.array(data["train"]["y"][:1], dtype=np.float32)
    local = inspect_sample(network, get_loss("binary_cross_entropy"), x, y)
    served = client.get(f"/api/sessions/{sid}/inspect", params={"split": "train", "index": 0}).json()
    assert served["loss"] == pytest.approx(local.loss, rel=1e-6)
    np.testing.assert_allclose(served["layers"][3]["preactivation"], local.layers[3].preactivation, rtol=1e-6)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            {"layer": 9, "param": "W", "index": [0, 0], "value": 1.0},
            "layer: layer 9 does not exist: the model has 4 layers",
        ),
        (
            {"layer": 1, "param": "W", "index": [0], "value": 1.0},
            "layer 1 (batch_norm) has no parameter 'W'; it has gamma, beta",
        ),
        ({"layer": 2, "param": "W", "values": [1.0]}, "layer 2 (flatten) has no parameter 'W'; it has no parameters"),
        (
            {"layer": 0, "param": "W", "index": [0], "value": 1.0},
            "index: index [0] is not an entry of W of layer 0 (dense), shape [2, 4]",
        ),
        ({"layer": 0, "param": "W", "index": [2, 0], "value": 1.0}, "index [2, 0] is not an entry"),
        ({"layer": 0, "param": "W", "index": [0, 0], "value": 1e39}, "does not fit a float32"),
        ({"layer": 0, "param": "b", "values": [1.0, 2.0]}, "values has shape [2]; b of layer 0 (dense) has shape [4]"),
        ({"layer": 0, "param": "W", "values": [[1.0, 2.0], [3.0]]}, "values must be nested lists of the shape"),
        ({"layer": 0, "param": "b", "values": [1.0, None, 2.0, 3.0]}, "values at [1] is not a finite number"),
        ({"layer": 0, "param": "b", "frozen_mask": [True]}, "frozen_mask has shape [1]"),
        ({"layer": 0, "param": "b"}, "nothing to change"),
        ({"layer": 0, "param": "b", "value": 1.0}, "value sets one entry: give its index too"),
        ({"layer": 0, "param": "b", "index": [0]}, "index needs value and/or frozen"),
        ({"layer": -1, "param": "b", "values": [0, 0, 0, 0]}, "layer"),
    ],
)
def test_a_bad_edit_is_named_and_changes_nothing(client: httpx.Client, body: dict, words: str) -> None:
    sid, auth = create(client, BODY)
    before = weights(client, sid), client.get(f"/api/sessions/{sid}").json()
    r = edit(client, sid, auth, **body)
    assert r.status_code == 422, r.text
    assert words in r.json()["message"]
    after = weights(client, sid), client.get(f"/api/sessions/{sid}").json()
    assert after[1] == before[1]
    for key in before[0]:
        np.testing.assert_array_equal(after[0][key], before[0][key])


def test_a_non_finite_value_is_refused(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    for raw in ("NaN", "Infinity", "-Infinity"):
        body = '{"layer": 0, "param": "W", "index": [0, 0], "value": ' + raw + "}"
        r = client.patch(
            f"/api/sessions/{sid}/params", content=body, headers={**auth, "content-type": "application/json"}
        )
        assert r.status_code == 422 and "value" in r.json()["message"], r.text


def test_only_the_owner_edits(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    _, other = create(client, BODY)
    before = weights(client, sid)
    for headers, status in (({}, 401), ({"Authorization": "Bearer nope"}, 403), (other, 403)):
        for body in ({"index": [0, 0], "value": 3.0}, {"frozen": True}):
            assert edit(client, sid, headers, layer=0, param="W", **body).status_code == status
    after = weights(client, sid)
    assert all(np.array_equal(after[k], before[k]) for k in before)
    assert client.get(f"/api/sessions/{sid}").json()["frozen"] == {}


def frozen_values(w: dict[str, np.ndarray]) -> tuple[float, list[float]]:
    return float(w["layer0.W"][0, 3]), w["layer1.gamma"].tolist()


def test_frozen_entries_survive_training_a_restart_and_a_fork(tmp_path: Path) -> None:
    server = LiveServer(tmp_path)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            sid, auth = create(c, BODY)
            command(c, sid, auth, "step", "epoch")
            assert edit(c, sid, auth, layer=0, param="W", index=[0, 3], frozen=True).json()["frozen"][0][3] is True
            assert edit(c, sid, auth, layer=1, param="gamma", frozen=True).status_code == 200
            assert c.get(f"/api/sessions/{sid}").json()["frozen"] == {
                "layer0.W": {"count": 1, "size": 8, "indices": [[0, 3]]},
                "layer1.gamma": {"count": 4, "size": 4, "indices": [[0], [1], [2], [3]]},
            }
            kept = frozen_values(weights(c, sid))
            moving = weights(c, sid)["layer0.W"][1, 3]
            for _ in range(3):
                command(c, sid, auth, "step", "epoch")
            command(c, sid, auth, "play")  # in the engine process too
            wait_for(lambda: c.get(f"/api/sessions/{sid}").json()["step"] > 200, what="training")
            command(c, sid, auth, "pause")
            trained = weights(c, sid)
            assert frozen_values(trained) == kept and trained["layer0.W"][1, 3] != moving
            r = c.post(f"/api/sessions/{sid}/fork")
            fork, fork_auth = r.json()["id"], {"Authorization": f"Bearer {r.json()['owner_token']}"}
        server.stop()
        server = LiveServer(tmp_path)
        with httpx.Client(base_url=server.url, timeout=10) as c:
            for session, owner in ((sid, auth), (fork, fork_auth)):
                assert c.get(f"/api/sessions/{session}").json()["frozen"]["layer0.W"]["indices"] == [[0, 3]]
                for _ in range(2):
                    command(c, session, owner, "step", "epoch")
                assert frozen_values(weights(c, session)) == kept
            unfreeze = edit(c, sid, auth, layer=1, param="gamma", frozen_mask=[True, False, False, False])
            assert unfreeze.status_code == 200, unfreeze.text
            command(c, sid, auth, "step", "epoch")
            gamma = weights(c, sid)["layer1.gamma"].tolist()
            assert gamma[0] == kept[1][0] and gamma[1:] != kept[1][1:]
            assert json.dumps(c.get(f"/api/sessions/{sid}").json()["frozen"]["layer1.gamma"]["indices"]) == "[[0]]"
    finally:
        server.stop()


def test_a_running_session_takes_an_edit_at_its_next_step(client: httpx.Client) -> None:
    sid, auth = create(client, {**BODY, "training": {**BODY["training"], "steps_per_second": 200}})
    command(client, sid, auth, "play")
    try:
        r = edit(client, sid, auth, layer=3, param="W", values=[[0.0], [0.0], [0.0], [0.0]], frozen=True)
        assert r.status_code == 200, r.text
        step = r.json()["step"]
        wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > step + 20, what="training goes on")
        assert client.get(f"/api/sessions/{sid}").json()["status"] == "running"
    finally:
        command(client, sid, auth, "pause")
    assert weights(client, sid)["layer3.W"].tolist() == [[0.0]] * 4


def test_anyone_reads_a_parameter_and_its_mask_and_big_masks_are_summed_up(client: httpx.Client) -> None:
    wide = {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 200, "activation": "tanh"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    }
    sid, auth = create(client, {"model": wide})
    command(client, sid, auth, "step", "batch")
    assert edit(client, sid, auth, layer=0, param="W", frozen=True).status_code == 200
    assert edit(client, sid, auth, layer=1, param="b", frozen=True).status_code == 200
    summary = client.get(f"/api/sessions/{sid}").json()["frozen"]
    assert summary["layer0.W"] == {"count": 400, "size": 400, "indices": None}  # too many to list
    assert summary["layer1.b"] == {"count": 1, "size": 1, "indices": [[0]]}
    r = client.get(f"/api/sessions/{sid}/params", params={"layer": 0, "param": "W"})  # no token needed
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["shape"] == [2, 200] and got["frozen"] == [[True] * 200] * 2 and got["step"] == 1
    np.testing.assert_array_equal(np.array(got["values"], dtype=np.float32), weights(client, sid)["layer0.W"])
    bad = client.get(f"/api/sessions/{sid}/params", params={"layer": 1, "param": "gamma"})
    assert bad.status_code == 422 and "layer 1 (dense) has no parameter 'gamma'; it has W, b" in bad.json()["message"]


def test_the_bias_switch_keeps_every_other_weight_and_the_run(client: httpx.Client) -> None:
    """PATCH of the model with only `use_bias` changed is a hand edit: the rest of the weights, the
    step counter and the curve stay, and the served inspection is x·W without b, exactly."""
    sid, auth = create(client, BODY)
    for _ in range(3):
        command(client, sid, auth, "step", "batch")
    before = weights(client, sid)
    layers = [dict(layer) for layer in MODEL["layers"]]
    layers[3]["use_bias"] = False
    r = client.patch(f"/api/sessions/{sid}", json={"model": {**MODEL, "layers": layers}}, headers=auth)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["step"] == 3 and view["status"] == "paused" and view["history"][-1]["step"] == 3
    after = weights(client, sid)
    assert sorted(after) == sorted(k for k in before if k != "layer3.b")
    for key, value in after.items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    served = client.get(f"/api/sessions/{sid}/inspect", params={"split": "train", "index": 0}).json()
    x = np.array(served["layers"][3]["input"], dtype=np.float32)
    np.testing.assert_array_equal(np.array(served["layers"][3]["preactivation"], np.float32), x @ before["layer3.W"])
    layers[3]["use_bias"] = True
    r = client.patch(f"/api/sessions/{sid}", json={"model": {**MODEL, "layers": layers}}, headers=auth)
    assert r.status_code == 200 and r.json()["step"] == 3
    assert weights(client, sid)["layer3.b"].tolist() == [0.0]
    np.testing.assert_array_equal(weights(client, sid)["layer0.W"], before["layer0.W"])
