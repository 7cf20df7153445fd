"""Many watchers, one computation: two viewers of one run receive the same metric points (and the same
final tensors); a watcher whose connection drops resumes with since_step and misses nothing; when the
engine process dies, watchers get the curve cut back to the last save."""

from __future__ import annotations

import os
import signal

import httpx
from websockets.sync.client import connect

from ..conftest import LiveServer
from .helpers import StreamReader, collect, command, create, wait_for


def open_stream(server, sid: str):
    return connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None)


def final_boundary(reader: StreamReader, step: int):
    """Read on until the boundary frame of `step` has arrived; returns (header, data)."""

    def arrived() -> bool:
        frame = reader.tensors.get(("boundary", None))
        if frame is not None and frame[0].step == step:
            return True
        reader.read(timeout=0.05)  # binary frames are recorded on the way
        return False

    wait_for(arrived, what=f"the boundary of step {step}")
    return reader.tensors[("boundary", None)]


def test_two_viewers_receive_identical_streams(server, client: httpx.Client) -> None:
    # slow enough for many points (they are capped at 60 per second, and scoring gets a budget of
    # the training time, so not every epoch end makes one on a busy machine)
    sid, auth = create(client, {"training": {"batch_size": 25, "steps_per_second": 400}})
    with open_stream(server, sid) as a, open_stream(server, sid) as b:
        readers = [StreamReader(a), StreamReader(b)]
        streams: list[list[dict]] = []
        for r in readers:
            r.send({"type": "subscribe", "views": ["boundary", "weights"]})
            streams.append(list(r.read_until(lambda m: m["type"] == "history")["points"]))
        command(client, sid, auth, "play")
        wait_for(lambda: len(client.get(f"/api/sessions/{sid}").json()["history"]) > 30, what="30 points")
        final = command(client, sid, auth, "pause")
        for points, r in zip(streams, readers):
            points += collect(r, final["step"])
        history = client.get(f"/api/sessions/{sid}").json()["history"]
        assert len(history) > 30
        assert streams[0] == streams[1] == history
        # The last tensors are the same frame for both: computed once, sent to all.
        (ha, da), (hb, db) = (final_boundary(r, final["step"]) for r in readers)
        assert ha == hb and (da == db).all()


def test_a_dropped_watcher_resumes_where_it_was(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"training": {"batch_size": 25, "steps_per_second": 1000}})
    command(client, sid, auth, "play")
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": []})
        history = reader.read_until(lambda m: m["type"] == "history")
        received, generation = list(history["points"]), history["generation"]
        while len(received) < 5:
            received += reader.read_until(lambda m: m["type"] == "metrics")["points"]
    # The connection is gone; training goes on and makes points this watcher has not seen.
    last = received[-1]["step"]
    wait_for(
        lambda: client.get(f"/api/sessions/{sid}").json()["history"][-1]["step"] > last + 100,
        what="points made while disconnected",
    )
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": [], "since_step": last, "generation": generation})
        first = reader.read_until(lambda m: m["type"] in ("history", "metrics") and m["points"])
        assert first["type"] == "metrics", "a resumable watcher must not get the whole history again"
        assert first["points"][0]["step"] > last
        final = command(client, sid, auth, "pause")
        received += first["points"] + collect(reader, final["step"])
        assert not [m for m in reader.messages if m["type"] == "history"]
    steps = [p["step"] for p in received]
    assert steps == sorted(set(steps)), "duplicates or disorder"
    assert received == client.get(f"/api/sessions/{sid}").json()["history"], "a gap"


def test_a_watcher_from_another_generation_gets_the_whole_history(server, client: httpx.Client) -> None:
    sid, auth = create(client)
    command(client, sid, auth, "step", "epoch")
    command(client, sid, auth, "reset")  # generation 2
    command(client, sid, auth, "step", "epoch")
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": [], "since_step": 25, "generation": 1})
        msg = reader.read_until(lambda m: m["type"] in ("history", "metrics") and m["points"])
        assert msg["type"] == "history" and msg["generation"] == 2
        assert msg["points"] == client.get(f"/api/sessions/{sid}").json()["history"]
    with open_stream(server, sid) as ws:  # a step it does not have (e.g. lost in a crash): whole history
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": [], "since_step": 9999, "generation": 2})
        msg = reader.read_until(lambda m: m["type"] in ("history", "metrics") and m["points"])
        assert msg["type"] == "history"


def test_a_dead_engine_process_takes_the_run_and_its_watchers_back_to_the_last_save(tmp_path) -> None:
    # Its own server: every engine process of it gets killed.
    server = LiveServer(tmp_path, env={"NEUROPLAY_CHECKPOINT_SECONDS": "60"})
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            sid, auth = create(client, {"training": {"batch_size": 25, "steps_per_second": 400}})
            for _ in range(3):
                command(client, sid, auth, "step", "epoch")
            saved_step = client.get(f"/api/sessions/{sid}").json()["step"]
            with open_stream(server, sid) as ws:
                reader = StreamReader(ws)
                reader.send({"type": "subscribe", "views": ["boundary"]})
                reader.read_until(lambda m: m["type"] == "history")
                command(client, sid, auth, "play")
                reader.read_until(
                    lambda m: m["type"] == "metrics" and m["points"] and m["points"][-1]["step"] > saved_step + 100
                )
                for pid in server.engine_pids():
                    os.kill(pid, signal.SIGKILL)
                wait_for(
                    lambda: client.get(f"/api/sessions/{sid}").json()["status"] == "paused", what="the session to pause"
                )
                view = client.get(f"/api/sessions/{sid}").json()
                error = view["error"]
                assert "ended unexpectedly" in error["message"] and view["step"] == saved_step
                assert (error["code"], error["params"]) == ("engine_gone", {"exit_code": -9, "step": saved_step})
                assert view["history"][-1]["step"] == saved_step
                # The watcher is told: its curve is replaced by the one cut back to the save.
                assert collect(reader, saved_step) == view["history"]
            command(client, sid, auth, "play")  # a fresh process trains on
            wait_for(
                lambda: client.get(f"/api/sessions/{sid}").json()["step"] > saved_step + 100, what="training again"
            )
            after = command(client, sid, auth, "pause")
            assert after["status"] == "paused" and client.get(f"/api/sessions/{sid}").json()["error"] is None
    finally:
        server.stop()
