"""The authorisation matrix: owner, viewer (no token) and stranger (someone else's token, or junk)
against every endpoint that changes a session, over HTTP and over the websocket. Refused requests
change nothing; reading, downloading and forking are open to anyone holding the link."""

from __future__ import annotations

import httpx
import pytest
from websockets.sync.client import connect

from .helpers import StreamReader, command, create

CHANGES = [
    ("PATCH", "", {"training": {"learning_rate": 0.5}}),
    ("PATCH", "", {"model": {"layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}]}}),
    ("PATCH", "", {"dataset": {"name": "xor"}}),
    ("POST", "/commands", {"action": "play"}),
    ("POST", "/commands", {"action": "pause"}),
    ("POST", "/commands", {"action": "reset"}),
    ("POST", "/commands", {"action": "step", "unit": "batch"}),
    ("POST", "/commands", {"action": "step", "unit": "epoch"}),
    ("POST", "/commands", {"action": "step", "unit": "phase"}),
    ("POST", "/commands", {"action": "step", "unit": "phase", "on": "probe", "probe": {"split": "train", "index": 0}}),
    ("PATCH", "/params", {"layer": 0, "param": "W", "index": [0, 0], "value": 0.5}),
    ("PATCH", "/params", {"layer": 0, "param": "b", "values": [0.1, 0.2, 0.3, 0.4]}),
    ("PATCH", "/params", {"layer": 0, "param": "W", "index": [1, 1], "frozen": True}),
]


def snapshot(client: httpx.Client, sid: str) -> tuple[dict, bytes]:
    return client.get(f"/api/sessions/{sid}").json(), client.get(f"/api/sessions/{sid}/weights").content


@pytest.fixture()
def trained(client: httpx.Client) -> tuple[str, dict[str, str], dict[str, str]]:
    """A session with some training behind it, its owner's headers, and another session's owner's."""
    sid, auth = create(client)
    command(client, sid, auth, "step", "epoch")
    _, other_auth = create(client)
    return sid, auth, other_auth


@pytest.mark.parametrize(("method", "path", "body"), CHANGES, ids=[f"{m} {p or '/'} {b}" for m, p, b in CHANGES])
def test_only_the_owner_changes_a_session_over_http(client: httpx.Client, trained, method, path, body) -> None:
    sid, owner, other_owner = trained
    strangers = [
        ({}, 401),  # a viewer: the share link, no token
        ({"Authorization": "Basic b3duZXI6cHc="}, 401),  # not a bearer token at all
        ({"Authorization": "Bearer not-the-token"}, 403),
        (other_owner, 403),  # a real token, of another session
    ]
    before = snapshot(client, sid)
    for headers, status in strangers:
        r = client.request(method, f"/api/sessions/{sid}{path}", json=body, headers=headers)
        assert r.status_code == status, (headers, r.text)
        assert r.json()["message"]
        assert snapshot(client, sid) == before, f"{headers} changed the session"
    r = client.request(method, f"/api/sessions/{sid}{path}", json=body, headers=owner)
    assert r.status_code == 200, r.text
    command(client, sid, owner, "pause")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-the-token"}])
def test_anyone_with_the_link_may_read_download_and_fork(client: httpx.Client, trained, headers) -> None:
    sid, _, _ = trained
    reads = ("", "/data", "/weights", "/spec", "/pytorch", "/params?layer=0&param=W", "/inspect?split=train&index=0")
    for path in (*reads, "/preactivations?split=train&samples=16", "/landscape?size=5"):
        r = client.get(f"/api/sessions/{sid}{path}", headers=headers)
        assert r.status_code == 200, (path, r.text)
    before = snapshot(client, sid)
    r = client.post(f"/api/sessions/{sid}/fork", headers=headers)
    assert r.status_code == 201, r.text
    assert snapshot(client, sid) == before


def open_stream(server, sid: str):
    return connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None)


def refused(reader: StreamReader, message: dict) -> bool:
    reader.send(message)
    answer = reader.read_until(lambda m: m["type"] in ("error", "ack", "hello"))
    return answer["type"] == "error" and answer["code"] == "forbidden"


@pytest.mark.parametrize("who", ["viewer", "stranger", "another session's owner"])
def test_only_the_owner_commands_over_the_websocket(server, client: httpx.Client, trained, who) -> None:
    sid, owner, other_owner = trained
    before = snapshot(client, sid)
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.read_until(lambda m: m["type"] == "hello")
        if who != "viewer":
            token = "not-the-token" if who == "stranger" else other_owner["Authorization"].removeprefix("Bearer ")
            assert refused(reader, {"type": "auth", "token": token})
        for action, unit in (
            ("play", "batch"),
            ("pause", "batch"),
            ("reset", "batch"),
            ("step", "batch"),
            ("step", "epoch"),
        ):
            assert refused(reader, {"type": "command", "action": action, "unit": unit}), action
    assert snapshot(client, sid) == before


def test_the_owner_commands_over_the_websocket_and_a_bad_auth_later_does_not_demote(server, client, trained) -> None:
    sid, owner, _ = trained
    token = owner["Authorization"].removeprefix("Bearer ")
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "auth", "token": token})
        reader.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
        reader.send({"type": "command", "action": "step", "unit": "batch"})
        ack = reader.read_until(lambda m: m["type"] in ("ack", "error"))
        assert ack["type"] == "ack" and ack["step"] == 26
        assert refused(reader, {"type": "auth", "token": "junk"})
        reader.send({"type": "command", "action": "step", "unit": "batch"})
        assert reader.read_until(lambda m: m["type"] in ("ack", "error"))["type"] == "ack"
