"""The network follows the data (sessions/follow_data.py): a PATCH of the dataset alone changes the
network as the policy says, on the server, and a PATCH that names a network is taken as it is."""

from __future__ import annotations

import httpx

from .helpers import create


def patch(client: httpx.Client, sid: str, auth: dict[str, str], body: dict) -> dict:
    r = client.patch(f"/api/sessions/{sid}", json=body, headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_another_kind_of_data_brings_its_starting_network(client: httpx.Client) -> None:
    sid, auth = create(client)  # circle: the 2-4-2-1 tanh MLP
    state = patch(client, sid, auth, {"dataset": {"name": "digits"}})
    catalog = {d["name"]: d for d in client.get("/api/catalog").json()["datasets"]}
    assert state["model"]["layers"] == catalog["digits"]["default_model"]["layers"]
    assert state["model"]["input_shape"] == [1, 8, 8]
    assert state["layers"][-1]["output_shape"] == [10]
    state = patch(client, sid, auth, {"dataset": {"name": "sine"}})
    assert [layer["type"] for layer in state["model"]["layers"]] == ["simple_rnn", "dense"]
    assert state["model"]["input_shape"] == [state["dataset"]["length"], 1]


def test_the_same_kind_keeps_the_hidden_layers_and_fits_the_output(client: httpx.Client) -> None:
    sid, auth = create(client)
    before = client.get(f"/api/sessions/{sid}").json()["model"]["layers"]
    state = patch(client, sid, auth, {"dataset": {"name": "spiral"}})
    assert state["model"]["layers"] == before  # binary to binary: nothing to fit
    state = patch(client, sid, auth, {"dataset": {"name": "plane"}})  # regression on the same plane
    layers = state["model"]["layers"]
    assert layers[:-1] == before[:-1]
    assert (layers[-1]["units"], layers[-1]["activation"]) == (1, "linear")
    assert state["loss"] == "mse"


def test_a_chosen_loss_goes_back_to_the_new_tasks_own(client: httpx.Client) -> None:
    sid, auth = create(client)
    assert patch(client, sid, auth, {"training": {"loss": "mse"}})["training"]["loss"] == "mse"
    state = patch(client, sid, auth, {"dataset": {"name": "gaussian_sum"}})  # binary -> regression
    assert state["training"]["loss"] is None and state["loss"] == "mse"
    patch(client, sid, auth, {"training": {"loss": "mse"}})
    state = patch(client, sid, auth, {"dataset": {"name": "plane"}})  # regression -> regression: kept
    assert state["training"]["loss"] == "mse"


def test_the_input_shape_follows_features_and_sequence_length(client: httpx.Client) -> None:
    sid, auth = create(client)
    state = patch(client, sid, auth, {"dataset": {"features": ["x1", "x2", "x1_x2"]}})
    assert state["model"]["input_shape"] == [3]
    sid, auth = create(client, {"dataset": {"name": "sine"}})
    state = patch(client, sid, auth, {"dataset": {"length": 30}})
    assert state["model"]["input_shape"] == [30, 1]


def test_a_patch_naming_a_network_is_taken_as_it_is(client: httpx.Client) -> None:
    sid, auth = create(client)
    r = client.patch(
        f"/api/sessions/{sid}",
        json={"dataset": {"name": "digits"}, "model": {"input_shape": [2]}},
        headers=auth,
    )
    assert r.status_code == 422  # the learner's own network cannot take 8×8 images: said, not replaced
    assert "input" in r.json()["message"]
    assert client.get(f"/api/sessions/{sid}").json()["dataset"]["name"] == "circle"  # nothing changed


def test_the_state_says_which_dataset_settings_apply(client: httpx.Client) -> None:
    expected = {
        "circle": ["features", "noise", "points", "validation_share"],
        "digits": ["points", "noise", "validation_share", "augment"],
        "sine": ["points", "noise", "length", "validation_share"],
        "echo": ["points", "noise", "length", "delay", "validation_share"],
    }
    for name, settings in expected.items():
        sid, _ = create(client, {"dataset": {"name": name}})
        assert client.get(f"/api/sessions/{sid}").json()["dataset_settings"] == settings, name
