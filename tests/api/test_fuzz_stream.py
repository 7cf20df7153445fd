"""A websocket fuzzer: malformed, oversized, out-of-order and flooding messages against a live server.

Every message gets an answer or an error frame with a code (never a dropped connection, except the
documented 1008 for a client that floods without reading); afterwards the server is alive, its log
has no traceback, the session's counters agree with its history and it still steps.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from ..conftest import LiveServer
from .helpers import StreamReader

SEED = 12
MUTANTS = 400

VALID = [
    {"type": "subscribe", "views": ["boundary", "neurons", "weights"]},
    {"type": "subscribe", "views": [], "since_step": 0, "generation": 1},
    {"type": "auth", "token": "x"},
    {"type": "command", "action": "step", "unit": "batch"},
    {"type": "command", "action": "play"},
    {"type": "command", "action": "pause"},
    {"type": "command", "action": "reset"},
    {"type": "ping"},
]
ODD_VALUES = [None, True, -1, 0, 2**63, 1e308, -1e-308, "", "x" * 300, "\u0000", "\ud7ff\ue000", [], {}, [[[]]], "NaN"]


def mutate(rng: random.Random, message: dict) -> str:
    """One broken variant of a valid message: a field dropped, retyped or added, or the text cut."""
    msg = json.loads(json.dumps(message))
    how = rng.randrange(6)
    if how == 0 and msg:
        msg.pop(rng.choice(list(msg)))
    elif how == 1:
        msg[rng.choice(list(msg) or ["type"])] = rng.choice(ODD_VALUES)
    elif how == 2:
        msg[rng.choice(["extra", "views", "unit", "since_step", "token"])] = rng.choice(ODD_VALUES)
    elif how == 3:
        text = json.dumps(msg)
        return text[: rng.randrange(len(text))]
    elif how == 4:
        return json.dumps(rng.choice(ODD_VALUES))
    else:
        depth = rng.choice([10, 100, 1000, 5000])
        return '{"type": "subscribe", "views": ' + "[" * depth + "]" * depth + "}"
    return json.dumps(msg)


@pytest.fixture(scope="module")
def ws_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("wsfuzz"))
    yield live
    assert live.process.poll() is None, "the server died during fuzzing"
    assert live.stop(), "the server did not stop cleanly"
    log = live.log_path.read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def new_session(server: LiveServer) -> tuple[str, str]:
    r = httpx.post(server.url + "/api/sessions", json={}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["owner_token"]


def open_stream(server: LiveServer, sid: str):
    return connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None, close_timeout=2)


def assert_consistent(server: LiveServer, sid: str, token: str) -> None:
    """The session answers, its counters match its history, and one more step works."""
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, timeout=30) as c:
        assert c.post(f"/api/sessions/{sid}/commands", json={"action": "pause"}, headers=auth).status_code == 200
        view = c.get(f"/api/sessions/{sid}").json()
        assert view["status"] in ("paused", "idle"), view["status"]
        steps = [p["step"] for p in view["history"]]
        assert steps == sorted(steps) and steps[-1] <= view["step"], (steps[-5:], view["step"])
        r = c.post(f"/api/sessions/{sid}/commands", json={"action": "step", "unit": "batch"}, headers=auth)
        assert r.status_code == 200 and r.json()["step"] == view["step"] + 1, r.text


def test_every_mutated_message_gets_an_answer(ws_server: LiveServer) -> None:
    sid, token = new_session(ws_server)
    rng = random.Random(SEED)
    with open_stream(ws_server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "auth", "token": token})  # as the owner: commands really run
        reader.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
        for i in range(MUTANTS):
            text = mutate(rng, rng.choice(VALID))
            reader.send(text)
            reader.send({"type": "ping"})  # every message before it has been handled when the pong comes
            reader.read_until(lambda m: m["type"] == "pong", timeout=30)
            assert i < 0 or ws.state.name == "OPEN"
        errors = [m for m in reader.messages if m["type"] == "error"]
        assert errors and all(m["code"] and m["message"] for m in errors)
        assert any(m["code"] == "bad_message" and "nested" in m["message"] for m in errors) or any(
            m["code"] == "bad_json" and "nested" in m["message"] for m in errors
        )
    assert_consistent(ws_server, sid, token)


def test_oversized_binary_and_out_of_order_messages(ws_server: LiveServer) -> None:
    sid, token = new_session(ws_server)
    with open_stream(ws_server, sid) as ws:
        reader = StreamReader(ws)
        cases: list[tuple[str | bytes | dict, str]] = [
            ("x" * (1024 * 1024), "too_large"),
            ("[" * 16000, "bad_json"),  # under the size limit, but nested 16,000 deep
            (b"\xff" * 100_000, "bad_message"),
            ({"type": "command", "action": "play"}, "forbidden"),  # before auth
            ({"type": "auth", "token": token + "x"}, "forbidden"),
        ]
        for payload, code in cases:
            reader.send(payload)
            assert reader.read_until(lambda m: m["type"] == "error")["code"] == code, str(payload)[:40]
        # a resume naming steps and generations the session never had, before and after subscribing
        reader.send({"type": "subscribe", "views": [], "since_step": 10**9, "generation": 99})
        reader.send({"type": "subscribe", "views": ["weights"], "since_step": 0, "generation": 0})
        reader.send({"type": "auth", "token": token})
        reader.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
        for action in ("pause", "play", "play", "reset", "pause", "step", "reset"):
            reader.send({"type": "command", "action": action, "unit": "batch"})
            reply = reader.read_until(lambda m: m["type"] in ("ack", "error"))
            assert reply["type"] == "ack", reply
        reader.send({"type": "ping"})
        reader.read_until(lambda m: m["type"] == "pong")
    assert_consistent(ws_server, sid, token)


def test_a_flood_is_answered_in_order_and_nobody_else_notices(ws_server: LiveServer) -> None:
    """5,000 messages in one burst (no rate limit on this server): each gets its answer, in order,
    while another watcher of the same session keeps being served."""
    sid, token = new_session(ws_server)
    with open_stream(ws_server, sid) as calm, open_stream(ws_server, sid) as flood:
        calm_reader = StreamReader(calm)
        calm_reader.send({"type": "subscribe", "views": []})
        calm_reader.read_until(lambda m: m["type"] == "history")
        burst = 5000
        for i in range(burst):
            flood.send('{"type": "ping"}' if i % 2 else '{"type": "nonsense"}')
        flood_reader = StreamReader(flood)
        answers = [flood_reader.read_until(lambda m: m["type"] in ("pong", "error"), timeout=30) for _ in range(burst)]
        assert [m["type"] for m in answers] == ["error", "pong"] * (burst // 2)
        calm_reader.send({"type": "ping"})
        assert calm_reader.read_until(lambda m: m["type"] == "pong")
    assert_consistent(ws_server, sid, token)
