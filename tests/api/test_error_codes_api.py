"""Real requests against a real server get the error code and params that say what is wrong
(schemas/error_codes.py), next to the English message."""

from __future__ import annotations

import httpx
from websockets.sync.client import connect

from .helpers import StreamReader, create


def _create(client: httpx.Client, body: dict) -> dict:
    r = client.post("/api/sessions", json=body)
    assert r.status_code >= 400, r.text
    return r.json()


def test_an_invalid_setting_names_its_reason_field_and_layer(client: httpx.Client) -> None:
    body = {"model": {"input_shape": [2], "layers": [{"type": "dense", "units": 0}, {"type": "dense", "units": 1}]}}
    err = _create(client, body)
    assert err["code"] == "invalid"
    p = err["params"]
    assert (p["reason"], p["ge"], p["field"], p["layer"], p["type"]) == ("greater_than_equal", 1, "units", 0, "dense")
    assert err["message"].startswith("model.layers[0] (dense).units")


def test_our_own_validators_send_their_reason(client: httpx.Client) -> None:
    err = _create(client, {"dataset": {"name": "circle", "features": ["x1", "x1"]}})
    assert (err["code"], err["params"]["reason"], err["params"]["field"]) == ("invalid", "feature_twice", "features")


def test_an_image_layer_on_points_is_layer_needs_image(client: httpx.Client) -> None:
    body = {
        "dataset": {"name": "circle"},
        "model": {"input_shape": [2], "layers": [{"type": "conv2d", "filters": 2}, {"type": "dense", "units": 1}]},
    }
    err = _create(client, body)
    assert err["code"] == "layer_needs_image" and err["layer"] == 0
    assert err["params"] == {"layer": 0, "type": "conv2d", "shape": [2]}
    assert "needs an image input" in err["message"]  # the engine's English, unchanged


def test_a_kernel_larger_than_the_image_names_both_sizes(client: httpx.Client) -> None:
    body = {
        "dataset": {"name": "digits"},
        "model": {
            "input_shape": [1, 8, 8],
            "layers": [
                {"type": "conv2d", "filters": 2, "kernel_size": 9},
                {"type": "flatten"},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
        },
    }
    err = _create(client, body)
    assert err["code"] == "layer_window_too_large"
    assert {k: err["params"][k] for k in ("field", "size", "height", "width", "largest")} == {
        "field": "kernel_size", "size": 9, "height": 8, "width": 8, "largest": 8,
    }  # fmt: skip


def test_a_dense_on_an_image_and_a_wrong_output_have_their_codes(client: httpx.Client) -> None:
    body = {
        "dataset": {"name": "digits"},
        "model": {"input_shape": [1, 8, 8], "layers": [{"type": "dense", "units": 10}]},
    }
    assert _create(client, body)["code"] == "layer_needs_flat"
    body = {"dataset": {"name": "circle"}, "model": {"input_shape": [2], "layers": [{"type": "dense", "units": 3}]}}
    err = _create(client, body)
    assert err["code"] == "model_output_mismatch"
    assert (err["params"]["shape"], err["params"]["needed"], err["params"]["dataset"]) == ([3], [1], "circle")


def test_owner_and_not_found_errors(client: httpx.Client) -> None:
    sid, _ = create(client)
    r = client.post(f"/api/sessions/{sid}/commands", json={"action": "step"})
    assert (r.status_code, r.json()["code"]) == (401, "owner_token_missing")
    r = client.post(f"/api/sessions/{sid}/commands", json={"action": "step"}, headers={"Authorization": "Bearer nope"})
    assert (r.status_code, r.json()["code"]) == (403, "not_owner")
    r = client.get("/api/sessions/nothing-here")
    assert (r.status_code, r.json()["code"], r.json()["params"]) == (404, "session_not_found", {"id": "nothing-here"})
    r = client.get("/api/lessons/99-none")
    assert (r.status_code, r.json()["code"]) == (404, "lesson_not_found")


def test_websocket_errors_carry_a_problem(server, client: httpx.Client) -> None:
    sid, _ = create(client)
    with connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_queue=None) as ws:
        reader = StreamReader(ws)
        reader.send("{not json")
        error = reader.read_until(lambda m: m["type"] == "error")
        assert (error["code"], error["problem"]) == ("bad_json", "bad_json")
        assert error["params"] == {"line": 1, "column": 2}  # where the parser stopped: the key's quote
        reader.send({"type": "command", "action": "play"})
        error = reader.read_until(lambda m: m["type"] == "error")
        assert (error["code"], error["problem"], error["params"]) == ("forbidden", "owner_only", {})
        reader.send({"type": "subscribe", "views": ["everything"]})
        error = reader.read_until(lambda m: m["type"] == "error")
        assert error["problem"] == "invalid" and error["params"]["reason"] == "literal_error"
        assert error["params"]["field"] == "views"


def test_a_divergence_says_what_went_non_finite_and_where() -> None:
    from neuroplay.sessions.session_errors import divergence_at

    assert divergence_at(7, "loss").params == {"step": 7, "what": "loss", "layer": None, "type": None}
    assert divergence_at(3, "gradients of layer 1 (dense)").params == {
        "step": 3, "what": "gradients", "layer": 1, "type": "dense",
    }  # fmt: skip
    assert divergence_at(3, "outputs of layer 0 (conv2d)").params["what"] == "outputs"
    assert divergence_at(3, "the gradient norm (too large to represent)").params["what"] == "gradient_norm"
