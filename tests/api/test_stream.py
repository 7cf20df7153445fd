"""The websocket stream against a real server: messages, tensors, robustness, rights."""

from __future__ import annotations

import time

import httpx
import numpy as np
from websockets.sync.client import connect

from neuroplay.sessions.telemetry import grid_points

from .helpers import StreamReader, command, create, wait_for


def open_stream(server, sid: str):
    # max_queue=None: several tests stop reading while the session still streams. With the default
    # (16 messages) websockets stops reading the socket once 16 are unread, so it never sees the
    # server's answer to its own close and waits out close_timeout (10 s per socket): the 20 s stall
    # of test_two_watchers... when it ran after another test had warmed the engine up (more frames
    # in its 0.3 s). The server answers at once; measured 2 stalls in 6 runs before, 0 in 6 after.
    return connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None, max_queue=None)


def test_connect_gets_hello_state_and_history(server, client: httpx.Client) -> None:
    sid, _ = create(client)
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        assert reader.read() == {"type": "hello", "session_id": sid, "role": "viewer"}
        state = reader.read_until(lambda m: m["type"] == "state")["state"]
        assert state["id"] == sid and state["status"] == "idle" and state["grid"]["size"] == 50
        reader.send({"type": "subscribe", "views": []})  # starts the metric stream
        history = reader.read_until(lambda m: m["type"] == "history")
        assert history["generation"] == 1 and [p["step"] for p in history["points"]] == [0]


def test_views_arrive_as_binary_tensors_matching_the_engine(server, client: httpx.Client) -> None:
    sid, auth = create(client)
    command(client, sid, auth, "step", "epoch")
    weights_view = client.get(f"/api/sessions/{sid}").json()
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["boundary", "neurons", "weights"]})
        deadline = time.monotonic() + 5
        wanted = {("boundary", None), ("neurons", 0), ("neurons", 1), ("neurons", 2), ("weights", 0), ("biases", 2)}
        while not wanted <= set(reader.tensors) and time.monotonic() < deadline:
            reader.read(timeout=0.2)
        assert wanted <= set(reader.tensors), set(reader.tensors)
        boundary_header, boundary = reader.tensors[("boundary", None)]
        assert boundary_header.shape == [50, 50] and boundary_header.step == 25
        assert ((boundary > 0) & (boundary < 1)).all()
        assert reader.tensors[("neurons", 0)][1].shape == (4, 50, 50)
        assert reader.tensors[("weights", 1)][1].shape == (4, 2)
        assert max(reader.binary_messages) > 1, "a display frame's tensors travel in one message"

    # The maps must be what the network computes: rebuild it from the streamed weights and compare.
    from neuroplay.engine import build_network

    net = build_network(weights_view["model"])
    for i in range(3):
        net.layers[i].params["W"][...] = reader.tensors[("weights", i)][1]
        net.layers[i].params["b"][...] = reader.tensors[("biases", i)][1]
    out = net.forward(grid_points(50))
    np.testing.assert_allclose(boundary, out[:, 0].reshape(50, 50), rtol=1e-5, atol=1e-6)
    # row 0 is the top of the plane (largest x2), column 0 its left edge
    np.testing.assert_allclose(
        reader.tensors[("neurons", 0)][1][:, 0, 0],
        net.layers[0].forward(np.array([[-5.88, 5.88]], np.float32), False)[0],
        atol=1e-5,
    )


def test_only_subscribed_views_are_computed(server, client: httpx.Client) -> None:
    sid, auth = create(client)
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["weights"]})
        command(client, sid, auth, "step", "batch")
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            reader.read(timeout=0.1)
        names = {h.name for h in reader.tensor_headers}
        assert names == {"weights", "biases"}


def test_every_metric_point_reaches_the_client_in_order(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"training": {"batch_size": 25}})
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["boundary", "neurons", "weights"]})
        command(client, sid, auth, "play")
        # Long enough for more than 20 points (one per epoch of 10 steps, at most 60 a second).
        wait_for(lambda: len(client.get(f"/api/sessions/{sid}").json()["history"]) > 25, what="25 points")
        final = command(client, sid, auth, "pause")
        steps = [p["step"] for p in reader.read_until(lambda m: m["type"] == "history")["points"]]
        while True:
            msg = reader.read_until(lambda m: m["type"] == "metrics")
            steps += [p["step"] for p in msg["points"]]
            if msg["status"] == "paused" and msg["step"] == final["step"]:
                break
        # one point per epoch of 10 steps, plus the pause point
        history = [p["step"] for p in client.get(f"/api/sessions/{sid}").json()["history"]]
        assert len(history) > 20
        assert steps == history


def test_garbage_gets_an_error_frame_and_the_connection_stays_usable(server, client: httpx.Client) -> None:
    sid, _ = create(client)
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": []})
        reader.read_until(lambda m: m["type"] == "history")
        cases = [
            ("{not json", "bad_json"),
            ('{"type": "dance"}', "bad_message"),
            ('{"type": "subscribe", "views": ["everything"]}', "bad_message"),
            ("[1, 2, 3]", "bad_message"),
            (b"\x00\x01binary", "bad_message"),
            ("x" * 20000, "too_large"),
            ('{"type": "command", "action": "play"}', "forbidden"),
            ('{"type": "auth", "token": "guess"}', "forbidden"),
        ]
        for payload, code in cases:
            reader.send(payload)
            err = reader.read_until(lambda m: m["type"] == "error")
            assert err["code"] == code and err["message"], (payload, err)
        reader.send({"type": "ping"})
        assert reader.read_until(lambda m: m["type"] in ("pong", "error"))["type"] == "pong"
    assert client.get(f"/api/sessions/{sid}").json()["status"] == "idle"


def test_owner_commands_over_the_socket_after_auth(server, client: httpx.Client) -> None:
    created = client.post("/api/sessions", json={}).json()
    with open_stream(server, created["id"]) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "auth", "token": created["owner_token"]})
        assert reader.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
        reader.send({"type": "command", "action": "step", "unit": "epoch"})
        ack = reader.read_until(lambda m: m["type"] in ("ack", "error"))
        assert ack == {"type": "ack", "action": "step", "status": "paused", "step": 25, "epoch": 1}


def test_two_watchers_and_a_dropped_one_do_not_disturb_training(server, client: httpx.Client) -> None:
    sid, auth = create(client)
    with open_stream(server, sid) as a:
        with open_stream(server, sid) as b:
            StreamReader(b).send({"type": "subscribe", "views": ["boundary"]})
            command(client, sid, auth, "play")
            wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > 0, what="training")
        # b has left mid-run
        reader = StreamReader(a)
        reader.send({"type": "subscribe", "views": ["boundary"]})
        msg = reader.read_until(lambda m: m["type"] == "metrics" and m["step"] > 0)
        assert msg["status"] == "running"
    command(client, sid, auth, "pause")


def test_unknown_session_stream_says_so(server) -> None:
    with open_stream(server, "missing") as ws:
        reader = StreamReader(ws)
        assert reader.read()["code"] == "not_found"
