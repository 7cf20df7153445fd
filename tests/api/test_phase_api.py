"""Phase stepping over HTTP and the websocket against a real server: the phase shown by GET, the step
that ends equal to a batch step of an identical session, other commands in the middle, steps on the
probe, bad probes named in a 422, and only the owner commands."""

from __future__ import annotations

import httpx
import pytest
from websockets.sync.client import connect

from .helpers import StreamReader, command, create, wait_for

MODEL = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "batch_norm"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}
BODY = {"model": MODEL, "training": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 20}}
PHASES = [
    {"stage": "forward", "layer": 0},
    {"stage": "forward", "layer": 1},
    {"stage": "forward", "layer": 2},
    {"stage": "loss", "layer": None},
    {"stage": "backward", "layer": 2},
    {"stage": "backward", "layer": 1},
    {"stage": "backward", "layer": 0},
    {"stage": "update", "layer": None},
]


def phase_step(client: httpx.Client, sid: str, auth: dict, **extra) -> httpx.Response:
    return client.post(f"/api/sessions/{sid}/commands", json={"action": "step", "unit": "phase", **extra}, headers=auth)


def state(client: httpx.Client, sid: str) -> dict:
    return client.get(f"/api/sessions/{sid}", params={"history": "false"}).json()


def weights(client: httpx.Client, sid: str) -> bytes:
    return client.get(f"/api/sessions/{sid}/weights").content


def test_phases_shown_one_by_one_end_in_the_batch_step(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    twin, twin_auth = create(client, BODY)
    assert state(client, sid)["phase"] == {"stage": None, "layer": None, "on": None}
    for expected in PHASES:
        r = phase_step(client, sid, auth)
        assert r.status_code == 200, r.text
        assert {k: v for k, v in state(client, sid)["phase"].items() if k != "on"} == expected
        if expected["stage"] != "update":
            assert r.json()["step"] == 0 and weights(client, sid) == weights(client, twin)
    assert r.json()["step"] == 1 and state(client, sid)["phase"]["on"] == "batch"
    command(client, twin, twin_auth, "step", "batch")
    assert weights(client, sid) == weights(client, twin)

    for _ in range(3):
        phase_step(client, sid, auth)
    command(client, sid, auth, "step", "batch")  # abandons the partial step and takes it whole
    command(client, twin, twin_auth, "step", "batch")
    assert weights(client, sid) == weights(client, twin)
    assert state(client, sid)["phase"]["stage"] is None and state(client, sid)["step"] == 2


def test_play_in_the_middle_of_a_step_abandons_it_and_trains(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    for _ in range(5):
        phase_step(client, sid, auth)
    command(client, sid, auth, "play")
    try:
        wait_for(lambda: state(client, sid)["step"] > 20, what="training")
        assert state(client, sid)["phase"]["stage"] is None
    finally:
        command(client, sid, auth, "pause")
    r = phase_step(client, sid, auth)  # stepping by phases again on the paused session
    assert r.status_code == 200 and state(client, sid)["phase"]["stage"] == "forward"


def test_a_phase_step_on_the_probe(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    probe = {"split": "validation", "index": 2}
    for expected in PHASES:
        assert phase_step(client, sid, auth, on="probe", probe=probe).status_code == 200
        assert state(client, sid)["phase"] == {**expected, "on": "probe"}
    r = client.post(
        f"/api/sessions/{sid}/commands",
        json={"action": "step", "unit": "batch", "on": "probe", "probe": probe},
        headers=auth,
    )
    assert r.status_code == 200 and r.json()["step"] == 2


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"on": "probe"}, 'a step on the probe needs "probe"'),
        (
            {"on": "probe", "unit": "epoch", "probe": {"split": "train", "index": 0}},
            "an epoch cannot be taken on the probe",
        ),
        (
            {"on": "probe", "probe": {"split": "train", "index": 10**6}},
            "probe.index: index 1000000 is out of range: the train",
        ),
        ({"on": "probe", "probe": {"split": "test", "index": 0}}, "probe.split"),
        ({"on": "probe", "probe": {"split": "train", "index": -3}}, "probe.index"),
        ({"unit": "layer"}, "unit"),
    ],
)
def test_a_bad_phase_command_is_named_and_changes_nothing(client: httpx.Client, extra: dict, words: str) -> None:
    sid, auth = create(client, BODY)
    before = state(client, sid), weights(client, sid)
    r = client.post(f"/api/sessions/{sid}/commands", json={"action": "step", "unit": "phase", **extra}, headers=auth)
    assert r.status_code == 422, r.text
    assert words in r.json()["message"]
    assert (state(client, sid), weights(client, sid)) == before


def test_only_the_owner_steps_by_phases(client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    _, other = create(client, BODY)
    for headers, status in (({}, 401), ({"Authorization": "Bearer nope"}, 403), (other, 403)):
        for extra in ({}, {"on": "probe", "probe": {"split": "train", "index": 0}}):
            assert phase_step(client, sid, headers, **extra).status_code == status
    assert state(client, sid)["phase"]["stage"] is None


def test_phase_steps_over_the_websocket(server, client: httpx.Client) -> None:
    sid, auth = create(client, BODY)
    with connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None) as ws:
        reader = StreamReader(ws)
        reader.read_until(lambda m: m["type"] == "state")
        reader.send({"type": "command", "action": "step", "unit": "phase"})
        refused = reader.read_until(lambda m: m["type"] in ("ack", "error"))
        assert refused["type"] == "error" and refused["code"] == "forbidden"
        reader.send({"type": "auth", "token": auth["Authorization"].removeprefix("Bearer ")})
        reader.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
        reader.send({"type": "subscribe", "views": []})
        for _ in range(2):
            reader.send({"type": "command", "action": "step", "unit": "phase"})
            assert reader.read_until(lambda m: m["type"] in ("ack", "error"))["type"] == "ack"
        shown = reader.read_until(lambda m: m["type"] == "state" and m["state"]["phase"]["layer"] == 1)
        assert shown["state"]["phase"] == {"stage": "forward", "layer": 1, "on": "batch"}
        reader.send({"type": "command", "action": "step", "unit": "phase", "on": "probe"})
        bad = reader.read_until(lambda m: m["type"] in ("ack", "error"))
        assert bad["type"] == "error" and "probe" in bad["message"]


def test_the_command_answer_says_which_phase_was_carried_out(client: httpx.Client) -> None:
    """The browser walks several phases per click ("backward one layer" finishes the forward pass
    first) and reads where the step stands from each answer, not from a later state message."""
    sid, auth = create(client, BODY)
    for expected in PHASES:
        answer = phase_step(client, sid, auth).json()
        assert answer["phase"] == state(client, sid)["phase"]
        assert {k: v for k, v in answer["phase"].items() if k != "on"} == expected and answer["phase"]["on"] == "batch"
    assert command(client, sid, auth, "step", "batch")["phase"] == {"stage": None, "layer": None, "on": None}
