"""Per-address limits against a real server with small limits: 429 with Retry-After over HTTP, an
`error` frame with code rate_limited on the websocket, and nothing else affected."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import connect

from ..conftest import LiveServer
from .helpers import StreamReader


@pytest.fixture()
def limited(tmp_path) -> Iterator[LiveServer]:
    """A fresh server per test, so each starts with full buckets."""
    live = LiveServer(
        tmp_path,
        env={
            "NEUROPLAY_RATE_LIMITS": "true",
            "NEUROPLAY_SESSIONS_PER_MINUTE": "3",
            "NEUROPLAY_UPLOADS_PER_MINUTE": "2",
            "NEUROPLAY_WS_MESSAGES_PER_SECOND": "1",
            "NEUROPLAY_WS_MESSAGES_BURST": "10",
            "NEUROPLAY_WEBSOCKETS_PER_CLIENT": "3",
        },
    )
    yield live
    live.stop()


def stream(server: LiveServer, sid: str):
    return connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, close_timeout=2)


def test_session_creation_over_the_limit_gets_429_and_everything_else_still_works(limited: LiveServer) -> None:
    with httpx.Client(base_url=limited.url, timeout=10) as c:
        created = [c.post("/api/sessions", json={}) for _ in range(3)]
        assert [r.status_code for r in created] == [201, 201, 201]
        refused = c.post("/api/sessions", json={})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 20  # one session every 20 s
        assert refused.headers["x-content-type-options"] == "nosniff", "refusals carry the security headers too"
        assert "too many sessions created from this address (at most 3 a minute)" in refused.json()["message"]
        fork = c.post(f"/api/sessions/{created[0].json()['id']}/fork")
        assert fork.status_code == 429, "a fork creates a session too"
        # everything that is not a creation goes on as before
        sid, token = created[0].json()["id"], created[0].json()["owner_token"]
        auth = {"Authorization": f"Bearer {token}"}
        r = c.post(f"/api/sessions/{sid}/commands", json={"action": "step", "unit": "batch"}, headers=auth)
        assert r.status_code == 200 and r.json()["step"] == 1
        assert c.get(f"/api/sessions/{sid}").status_code == 200
        assert c.get("/api/health").status_code == 200
        assert (
            c.patch(f"/api/sessions/{sid}", json={"training": {"learning_rate": 0.1}}, headers=auth).status_code == 200
        )


def test_uploads_over_the_limit_get_429(limited: LiveServer) -> None:
    with httpx.Client(base_url=limited.url, timeout=10) as c:
        created = c.post("/api/sessions", json={}).json()
        auth = {"Authorization": f"Bearer {created['owner_token']}"}
        csv = b"x1,x2,label\n" + b"".join(f"{i},{i % 3},{'ab'[i % 2]}\n".encode() for i in range(40))
        answers = [
            c.post(f"/api/sessions/{created['id']}/uploads/csv?label_column=label", content=csv, headers=auth)
            for _ in range(3)
        ]
        assert [r.status_code for r in answers] == [200, 200, 429], [r.text[:200] for r in answers]
        assert int(answers[2].headers["retry-after"]) >= 1
        assert "too many uploads" in answers[2].json()["message"]
        assert c.get(f"/api/sessions/{created['id']}").json()["dataset"]["name"] == "upload"


def test_websocket_messages_over_the_limit_get_an_error_frame_and_the_socket_stays(limited: LiveServer) -> None:
    sid = httpx.post(limited.url + "/api/sessions", json={}).json()["id"]
    with stream(limited, sid) as ws:
        reader = StreamReader(ws)
        for _ in range(30):  # the burst is 10
            reader.send({"type": "ping"})
        replies = [reader.read_until(lambda m: m["type"] in ("pong", "error")) for _ in range(30)]
        kinds = [m["type"] for m in replies]
        # the burst of 10, plus one a second while the 30 were sent and handled
        assert kinds[:10] == ["pong"] * 10 and kinds.count("error") >= 10, kinds
        error = next(m for m in replies if m["type"] == "error")
        assert error["code"] == "rate_limited" and "websocket messages" in error["message"]
        time.sleep(1.1)  # one a second comes back
        reader.send({"type": "ping"})
        assert reader.read_until(lambda m: m["type"] in ("pong", "error"))["type"] == "pong"


def test_open_websockets_over_the_limit_are_refused_with_a_frame(limited: LiveServer) -> None:
    sid = httpx.post(limited.url + "/api/sessions", json={}).json()["id"]
    first, second, third = stream(limited, sid), stream(limited, sid), stream(limited, sid)
    try:
        for ws in (first, second, third):
            assert StreamReader(ws).read_until(lambda m: m["type"] == "hello")
        with stream(limited, sid) as fourth:
            error = StreamReader(fourth).read_until(lambda m: m["type"] == "error")
            assert error["code"] == "rate_limited" and "at most 3" in error["message"]
        reader = StreamReader(first)  # the open ones are unaffected
        reader.send({"type": "ping"})
        assert reader.read_until(lambda m: m["type"] == "pong")
    finally:
        for ws in (first, second, third):
            ws.close()
    # closed sockets no longer count
    with stream(limited, sid) as again:
        assert StreamReader(again).read_until(lambda m: m["type"] == "hello")
