"""Redis away for a while (issue 15): the watchers are told at once and reconnect after, training
gives its lease up cleanly where it could not be renewed, and once Redis is back (empty: it kept
nothing) the session trains on from its last checkpoint under a new, larger fencing token."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from ..api.helpers import StreamReader, command, create, wait_for
from ..redis_server import RestartableRedis
from .classroom import LEASE_SECONDS, MLP, Classroom, classroom, open_stream, saved


@pytest.fixture()
def outage_room(tmp_path: Path, postgres_admin_url: str) -> Iterator[tuple[Classroom, RestartableRedis]]:
    redis = RestartableRedis()
    redis.start()
    try:
        with classroom(tmp_path, postgres_admin_url, redis.url, "outage:", "a", "b") as room:
            yield room, redis
    finally:
        redis.close()


def error_or_close(reader: StreamReader, timeout: float) -> tuple[dict | None, int | None]:
    """The first error frame, or the close code if the socket closed first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            msg = reader.read(timeout=deadline - time.monotonic())
            if msg is not None and msg["type"] == "error":
                return msg, None
    except ConnectionClosed as closed:
        return None, closed.rcvd.code if closed.rcvd else None
    raise AssertionError("neither an error frame nor a close")


def test_redis_away_and_back(outage_room: tuple[Classroom, RestartableRedis]) -> None:
    room, redis = outage_room
    with room.client("a") as a:
        sid, auth = create(a, MLP)
        assert command(a, sid, auth, "play")["status"] == "running"
    holder = room.holder(sid)
    other = "b" if holder == "a" else "a"
    wait_for(lambda: saved(room, sid)[1] > 0, timeout=20, what="a checkpoint")
    with open_stream(room.nodes[holder], sid) as on_holder, open_stream(room.nodes[other], sid) as elsewhere:
        readers = [StreamReader(on_holder), StreamReader(elsewhere)]
        for reader in readers:
            reader.send({"type": "subscribe", "views": []})
            reader.read_until(lambda m: m["type"] == "history")
        redis.stop()
        stopped_at = time.monotonic()
        # The mirror's watcher hears at once; the holder's once its lease could not be renewed.
        frame, _ = error_or_close(readers[1], timeout=10)
        assert frame is not None and frame["problem"] == "cluster_unavailable", frame
        frame, code = error_or_close(readers[0], timeout=LEASE_SECONDS + 10)
        assert frame is not None and frame["problem"] == "cluster_unavailable", (frame, code)
        with pytest.raises(ConnectionClosed) as closed:  # then let go, to reconnect
            readers[0].read_until(lambda m: False, timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
        wait_for(lambda: "lease of " + sid + " lost" in room.log(holder), timeout=LEASE_SECONDS + 10, what="given up")
        step_saved = saved(room, sid)
        assert step_saved[0] == "running"  # the last checkpoint stands: a node that lost it wrote nothing more
        # Meanwhile a new watcher is told plainly and may try again later.
        with open_stream(room.nodes[other], sid) as late:
            frame, code = error_or_close(StreamReader(late), timeout=10)
            assert (frame is not None and frame["problem"] == "cluster_unavailable") or code == 1013
        with room.client(other) as c:
            r = c.get(f"/api/sessions/{sid}")
            assert r.status_code == 503 and r.json()["code"] == "cluster_unavailable", r.text
        assert time.monotonic() - stopped_at < 60
        redis.start()  # back, with nothing in it
    # A node takes the session up again from its checkpoint, under a token above the saved one.
    wait_for(lambda: room.holder(sid) in ("a", "b"), timeout=LEASE_SECONDS + 15, what="a holder again")
    wait_for(lambda: (saved(room, sid)[2] or 0) > (step_saved[2] or 0), timeout=15, what="a write under a new token")
    with room.client(other) as c:
        state = c.get(f"/api/sessions/{sid}").json()
        assert state["status"] == "running"
        assert state["step"] >= step_saved[1]
        steps = [p["step"] for p in state["history"]]
        assert steps == sorted(steps) and steps[0] == 0
    # Watchers reconnect on either node and get the stream.
    for node in ("a", "b"):
        with open_stream(room.nodes[node], sid) as ws:
            reader = StreamReader(ws)
            reader.send({"type": "subscribe", "views": []})
            history = reader.read_until(lambda m: m["type"] == "history", timeout=15)
            assert history["points"] and history["points"][-1]["step"] >= step_saved[1] - 1000
            reader.read_until(lambda m: m["type"] == "metrics" and m["status"] == "running", timeout=15)
