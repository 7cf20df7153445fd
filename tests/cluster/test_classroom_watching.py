"""Watching across nodes (issue 15): a session trained on one node, watched through the others;
every metric point reaches every watcher in order with no gap (the Redis stream), tensor frames
arrive (pub/sub), and a pause sent over a websocket to a node that does not hold it stops it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..api.helpers import StreamReader, collect, command, create, wait_for
from .classroom import Classroom, classroom, open_stream

SLOW_MLP = {"dataset": {"name": "circle"}, "training": {"batch_size": 25, "steps_per_second": 400}}


@pytest.fixture()
def room(tmp_path: Path, postgres_admin_url: str, redis_url: str, redis_prefix: str) -> Iterator[Classroom]:
    with classroom(tmp_path, postgres_admin_url, redis_url, redis_prefix, "a", "b", "c") as r:
        yield r


def test_watchers_on_every_node_get_every_point_and_a_pause_through_c_stops_it(room: Classroom) -> None:
    with room.client("a") as a:
        sid, auth = create(a, SLOW_MLP)
        token = auth["Authorization"].split(" ", 1)[1]
        with contextlib.ExitStack() as opened:
            sockets = {n: opened.enter_context(open_stream(room.nodes[n], sid)) for n in "abc"}
            readers = {n: StreamReader(ws) for n, ws in sockets.items()}
            streams: dict[str, list[dict]] = {}
            for n, reader in readers.items():
                reader.send({"type": "subscribe", "views": ["boundary"]})
                streams[n] = list(reader.read_until(lambda m: m["type"] == "history")["points"])
            assert command(a, sid, auth, "play")["status"] == "running"
            assert room.holder(sid) == "a"  # watched there: play stays with its watchers' hub
            wait_for(lambda: len(a.get(f"/api/sessions/{sid}").json()["history"]) > 30, timeout=30, what="30 points")
            # The owner's own socket on c (the watchers above read every message of theirs).
            with open_stream(room.nodes["c"], sid) as owner_ws:
                owner = StreamReader(owner_ws)
                owner.send({"type": "auth", "token": token})
                owner.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
                owner.send({"type": "command", "action": "pause"})
                ack = owner.read_until(lambda m: m["type"] == "ack")
            assert ack["status"] == "paused"
            final = a.get(f"/api/sessions/{sid}").json()
            assert final["status"] == "paused"
            for n, reader in readers.items():
                streams[n] += collect(reader, final["step"])
            history = a.get(f"/api/sessions/{sid}").json()["history"]
            assert len(history) > 30
            for n in "abc":
                steps = [p["step"] for p in streams[n]]
                assert steps == sorted(set(steps)), f"{n}: points out of order or repeated"
                assert streams[n] == history, f"watcher on {n} differs from the holder's history"
            # Tensor frames reach the mirrors' watchers too (computed on a, published through Redis).
            for n in "bc":
                wait_for(
                    lambda n=n: readers[n].read(timeout=0.05) is not None or ("boundary", None) in readers[n].tensors,
                    timeout=10,
                    what=f"a boundary frame on {n}",
                )
                assert ("boundary", None) in readers[n].tensors
