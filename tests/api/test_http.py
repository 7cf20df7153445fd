"""The HTTP API against a real server process."""

from __future__ import annotations

import time

import httpx
import pytest
from websockets.sync.client import connect

from neuroplay.data import DATASETS
from neuroplay.engine import ACTIVATIONS, LAYER_CLASSES, LOSSES

from ..conftest import LiveServer
from .helpers import StreamReader, command, create, wait_for


def test_health(client: httpx.Client) -> None:
    assert client.get("/api/health").json()["status"] == "ok"


def test_catalog_lists_what_the_engine_and_data_offer(client: httpx.Client) -> None:
    cat = client.get("/api/catalog").json()
    assert {layer["type"] for layer in cat["layers"]} == set(LAYER_CLASSES)
    assert {d["name"] for d in cat["datasets"]} == set(DATASETS)
    assert {a["name"] for a in cat["activations"]} == set(ACTIVATIONS)
    assert {loss["name"] for loss in cat["losses"]} == set(LOSSES)
    dense = next(layer for layer in cat["layers"] if layer["type"] == "dense")
    units = next(s for s in dense["settings"] if s["name"] == "units")
    assert units["kind"] == "int" and units["minimum"] == 1
    circle = next(d for d in cat["datasets"] if d["name"] == "circle")
    assert circle["output_units"] == 1 and circle["default_loss"] == "binary_cross_entropy"


def test_create_gives_the_familiar_default(client: httpx.Client) -> None:
    r = client.post("/api/sessions", json={})
    assert r.status_code == 201
    body = r.json()
    assert len(body["id"]) >= 22 and body["owner_token"] and body["share_url"].endswith("/s/" + body["id"])
    view = client.get(f"/api/sessions/{body['id']}").json()
    assert view["status"] == "idle" and view["step"] == 0 and view["epoch"] == 0
    assert [(l["output_shape"], l["role"]) for l in view["layers"]] == [
        ([4], "hidden"),
        ([2], "hidden"),
        ([1], "output"),
    ]
    assert view["dataset"]["name"] == "circle" and view["training"]["learning_rate"] == 0.03
    assert view["training"]["batch_size"] == 10 and view["loss"] == "binary_cross_entropy"
    assert view["total_params"] == 12 + 10 + 3
    assert view["train_size"] == 250 and view["validation_size"] == 250
    assert len(view["history"]) == 1  # the untrained starting point
    data = client.get(f"/api/sessions/{body['id']}/data").json()
    assert len(data["train"]["x"]) == 250 and len(data["validation"]["y"]) == 250


def test_unknown_session_is_404(client: httpx.Client) -> None:
    r = client.get("/api/sessions/nope")
    assert r.status_code == 404 and "nope" in r.json()["message"]


@pytest.mark.parametrize(
    ("model", "layer", "words"),
    [
        (
            {"input_shape": [2], "layers": [{"type": "dense", "units": 4}, {"type": "dense", "units": 0}]},
            1,
            "greater than or equal to 1",
        ),
        (
            {
                "input_shape": [2],
                "layers": [{"type": "transformer"}, {"type": "dense", "units": 1, "activation": "sigmoid"}],
            },
            0,
            "transformer",
        ),
        (
            {"input_shape": [3], "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}]},
            None,
            "input_shape [3]",
        ),
        (
            {"input_shape": [2], "layers": [{"type": "dense", "units": 4}, {"type": "dense", "units": 3}]},
            1,
            "needs [1]",
        ),
        ({"input_shape": [2], "layers": [{"type": "dense", "units": 100000}]}, 0, "less than or equal to 1024"),
        ({"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "tanh"}]}, 0, "must be sigmoid"),
    ],
)
def test_impossible_models_get_422_naming_the_layer(
    client: httpx.Client, model: dict, layer: int | None, words: str
) -> None:
    r = client.post("/api/sessions", json={"model": model})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["layer"] == layer and words in body["message"], body


def test_nan_and_garbage_bodies_are_refused(client: httpx.Client) -> None:
    r = client.post(
        "/api/sessions", content=b'{"training": {"learning_rate": NaN}}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "learning_rate" in r.json()["message"]
    r = client.post("/api/sessions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/sessions", json={"training": {"learnig_rate": 0.1}})
    assert r.status_code == 422 and "learnig_rate" in r.json()["message"]


def test_changes_need_the_owner_token(client: httpx.Client) -> None:
    sid, auth = create(client)
    for headers, status in (({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": "Basic x"}, 401)):
        assert (
            client.patch(f"/api/sessions/{sid}", json={"training": {"learning_rate": 1}}, headers=headers).status_code
            == status
        )
        assert (
            client.post(f"/api/sessions/{sid}/commands", json={"action": "play"}, headers=headers).status_code == status
        )
    view = client.get(f"/api/sessions/{sid}").json()
    assert view["training"]["learning_rate"] == 0.03 and view["status"] == "idle"


def test_step_batch_and_epoch(client: httpx.Client) -> None:
    sid, auth = create(client)
    no_phase = {"stage": None, "layer": None, "on": None}  # whole steps leave no partial phase
    assert command(client, sid, auth, "step", "batch") == {"status": "paused", "step": 1, "epoch": 0, "phase": no_phase}
    assert command(client, sid, auth, "step", "epoch") == {
        "status": "paused",
        "step": 25,
        "epoch": 1,
        "phase": no_phase,
    }
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    assert [p["step"] for p in history] == [0, 1, 25]


def test_play_and_pause_take_effect_at_once_and_training_learns(client: httpx.Client) -> None:
    """The 100 ms target is measured in benchmarks/bench_session.py; here only 'not seconds', since
    shared machines make tight timings flaky."""
    sid, auth = create(client, {"training": {"learning_rate": 0.3}})
    started = time.perf_counter()
    assert command(client, sid, auth, "play")["status"] == "running"
    assert time.perf_counter() - started < 1.0
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["epoch"] >= 40, what="40 epochs")
    started = time.perf_counter()
    paused = command(client, sid, auth, "pause")
    assert time.perf_counter() - started < 1.0
    assert paused["status"] == "paused"
    time.sleep(0.2)
    view = client.get(f"/api/sessions/{sid}").json()
    assert view["step"] == paused["step"], "steps continued after pause"
    first, last = view["history"][0], view["history"][-1]
    assert last["loss"] < first["loss"] * 0.7 and last["accuracy"] > 0.8


def test_learning_rate_and_batch_size_change_while_running(client: httpx.Client) -> None:
    sid, auth = create(client)
    command(client, sid, auth, "play")
    r = client.patch(f"/api/sessions/{sid}", json={"training": {"learning_rate": 0.1, "batch_size": 50}}, headers=auth)
    assert r.status_code == 200 and r.json()["status"] == "running"
    step_before = client.get(f"/api/sessions/{sid}").json()["step"]
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > step_before, what="steps after the change")
    view = client.get(f"/api/sessions/{sid}").json()
    assert view["training"]["learning_rate"] == 0.1 and view["training"]["batch_size"] == 50
    assert view["step"] > step_before and view["generation"] == 1, "a training change must not rebuild"
    # with 250 training samples and batch 50 an epoch is 5 steps
    command(client, sid, auth, "pause")
    a = command(client, sid, auth, "step", "epoch")
    b = command(client, sid, auth, "step", "epoch")
    assert b["step"] - a["step"] == 5


def test_model_change_rebuilds_and_keeps_playing(client: httpx.Client) -> None:
    sid, auth = create(client)
    command(client, sid, auth, "play")
    layers = [
        {"type": "dense", "units": 6, "activation": "relu"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ]
    r = client.patch(f"/api/sessions/{sid}", json={"model": {"layers": layers}}, headers=auth)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["generation"] == 2 and [l["output_shape"] for l in view["layers"]] == [[6], [1]]
    assert view["status"] == "running"
    bad = client.patch(
        f"/api/sessions/{sid}", json={"model": {"layers": [{"type": "dense", "units": 5}]}}, headers=auth
    )
    assert bad.status_code == 422 and bad.json()["layer"] == 0
    assert client.get(f"/api/sessions/{sid}").json()["generation"] == 2, "a refused change must change nothing"
    command(client, sid, auth, "pause")


def test_dataset_change_regenerates_points(client: httpx.Client) -> None:
    sid, auth = create(client)
    before = client.get(f"/api/sessions/{sid}/data").json()
    r = client.patch(f"/api/sessions/{sid}", json={"dataset": {"name": "spiral", "points": 300}}, headers=auth)
    assert r.status_code == 200 and r.json()["dataset"]["name"] == "spiral" and r.json()["train_size"] == 150
    assert client.get(f"/api/sessions/{sid}/data").json()["train"]["x"] != before["train"]["x"]


def test_reset_goes_back_to_the_same_initial_weights(client: httpx.Client) -> None:
    sid, auth = create(client)
    first = client.get(f"/api/sessions/{sid}").json()["history"][0]
    command(client, sid, auth, "step", "epoch")
    no_phase = {"stage": None, "layer": None, "on": None}
    assert command(client, sid, auth, "reset") == {"status": "idle", "step": 0, "epoch": 0, "phase": no_phase}
    view = client.get(f"/api/sessions/{sid}").json()
    assert view["history"] == [first] and view["generation"] == 2


def test_huge_learning_rate_diverges_cleanly_and_the_server_carries_on(client: httpx.Client) -> None:
    model = {"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]}
    sid, auth = create(client, {"model": model, "training": {"learning_rate": 10, "loss": "mse"}})
    command(client, sid, auth, "play")
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["status"] == "diverged", what="divergence")
    view = client.get(f"/api/sessions/{sid}").json()
    assert "diverged at step" in view["divergence"]["message"] and view["divergence"]["where"]
    assert all(p["loss"] is None or p["loss"] == p["loss"] for p in view["history"])  # JSON never holds NaN
    step = view["step"]
    assert view["divergence"]["step"] == step + 1, "the failing step is the one after the last good one"
    # the last good weights stay: playing again fails again at once rather than crashing
    assert command(client, sid, auth, "play")["status"] in ("running", "diverged")
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["status"] == "diverged", what="divergence")
    assert client.get(f"/api/sessions/{sid}").json()["step"] == step
    # a smaller rate after a reset trains normally
    client.patch(f"/api/sessions/{sid}", json={"training": {"learning_rate": 0.01}}, headers=auth)
    command(client, sid, auth, "reset")
    assert command(client, sid, auth, "play")["status"] == "running"
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > 0, what="training after the reset")
    assert command(client, sid, auth, "pause")["status"] == "paused"
    assert client.get("/api/health").status_code == 200


def test_speed_limit_slows_training(client: httpx.Client) -> None:
    sid, auth = create(client, {"training": {"steps_per_second": 50}})
    command(client, sid, auth, "play")
    time.sleep(1.0)
    step = command(client, sid, auth, "pause")["step"]
    assert 20 <= step <= 80
    r = client.patch(f"/api/sessions/{sid}", json={"clear": ["steps_per_second"]}, headers=auth)
    assert r.json()["training"]["steps_per_second"] is None


def test_a_huge_network_is_refused_before_anything_is_allocated(client: httpx.Client) -> None:
    layers = [{"type": "dense", "units": 1024, "activation": "relu"} for _ in range(8)]
    layers.append({"type": "dense", "units": 1, "activation": "sigmoid"})
    started = time.perf_counter()
    r = client.post("/api/sessions", json={"model": {"input_shape": [2], "layers": layers}})
    assert r.status_code == 422 and r.json()["layer"] == 2 and "2,000,000 parameters" in r.json()["message"]
    assert time.perf_counter() - started < 5.0
    r = client.post(
        "/api/sessions",
        json={
            "dataset": {"name": "digits"},
            "model": {
                "input_shape": [4096, 16, 16],
                "layers": [
                    {"type": "conv2d", "filters": 256, "kernel_size": 15},
                    {"type": "flatten"},
                    {"type": "dense", "units": 10, "activation": "softmax"},
                ],
            },
        },
    )
    assert r.status_code == 422 and "input_shape [4096, 16, 16] does not match dataset 'digits'" in r.json()["message"]


def test_concurrent_changes_never_undo_each_other(client: httpx.Client, server) -> None:
    """A model change and a training change sent at the same moment both take effect, and what the
    session says it runs is what it runs (the merge happens under the session's lock)."""
    import threading

    big = [{"type": "dense", "units": 16, "activation": "tanh"}, {"type": "dense", "units": 1, "activation": "sigmoid"}]
    for attempt in range(8):
        sid, auth = create(client)
        barrier = threading.Barrier(2)

        def send(body: dict, sid: str = sid, auth: dict = auth, barrier: threading.Barrier = barrier) -> None:
            with httpx.Client(base_url=server.url, timeout=10) as c:
                barrier.wait()
                assert c.patch(f"/api/sessions/{sid}", json=body, headers=auth).status_code == 200

        threads = [
            threading.Thread(target=send, args=(b,))
            for b in ({"model": {"layers": big}}, {"training": {"learning_rate": 0.5}})
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        view = client.get(f"/api/sessions/{sid}").json()
        assert [l["units"] for l in view["model"]["layers"]] == [16, 1], attempt
        assert [l["output_shape"] for l in view["layers"]] == [[16], [1]], attempt
        assert view["training"]["learning_rate"] == 0.5, attempt


def test_a_refused_training_change_changes_nothing(client: httpx.Client) -> None:
    sid, auth = create(client)
    r = client.patch(
        f"/api/sessions/{sid}",
        json={"training": {"learning_rate": 5, "batch_size": 200, "loss": "cross_entropy"}},
        headers=auth,
    )
    assert r.status_code == 422
    command(client, sid, auth, "step", "epoch")
    view = client.get(f"/api/sessions/{sid}").json()
    assert view["training"]["learning_rate"] == 0.03 and view["step"] == 25  # batch 10: 25 steps an epoch


def test_play_beyond_the_servers_training_limit_is_refused_and_nothing_breaks(tmp_path) -> None:
    server = LiveServer(tmp_path, env={"NEUROPLAY_MAX_TRAINING_SESSIONS": "1"})
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            first, first_auth = create(c)
            second, second_auth = create(c)
            command(c, first, first_auth, "play")
            r = c.post(f"/api/sessions/{second}/commands", json={"action": "play"}, headers=second_auth)
            assert r.status_code == 409 and "trains at most 1 sessions" in r.text, r.text
            assert c.get(f"/api/sessions/{second}").json()["status"] == "idle"
            # The same over the websocket: an error frame naming the limit; the connection goes on.
            with connect(f"{server.ws_url}/api/sessions/{second}/stream", compression=None) as ws:
                reader = StreamReader(ws)
                reader.send({"type": "auth", "token": second_auth["Authorization"].split()[1]})
                reader.send({"type": "command", "action": "play"})
                error = reader.read_until(lambda m: m["type"] == "error")
                assert error["code"] == "conflict" and "trains at most 1 sessions" in error["message"]
                reader.send({"type": "ping"})
                reader.read_until(lambda m: m["type"] == "pong")
            command(c, first, first_auth, "pause")
            assert command(c, second, second_auth, "play")["status"] == "running"  # room again
            wait_for(lambda: c.get(f"/api/sessions/{second}").json()["step"] > 50, what="the second to train")
            command(c, second, second_auth, "pause")
    finally:
        server.stop()
