"""Sessions outlive the server process: a graceful stop (SIGTERM) writes every session and a new server
on the same data directory brings them back exactly; a hard kill (SIGKILL) loses at most the last
checkpoint interval of a running session, never the session. Both run on SQLite and on PostgreSQL
(`database_url`, tests/conftest.py)."""

from __future__ import annotations

import io
import signal
import time
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, text

from ..conftest import LiveServer, process_running
from .helpers import command, create, wait_for


def weights_of(client: httpx.Client, sid: str) -> dict[str, np.ndarray]:
    r = client.get(f"/api/sessions/{sid}/weights")
    assert r.status_code == 200, r.text
    with np.load(io.BytesIO(r.content), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def assert_same_weights(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def view(client: httpx.Client, sid: str) -> dict:
    r = client.get(f"/api/sessions/{sid}")
    assert r.status_code == 200, r.text
    return r.json()


def play_until(client: httpx.Client, sid: str, auth: dict, steps: int) -> None:
    command(client, sid, auth, "play")
    wait_for(lambda: view(client, sid)["step"] >= steps, what=f"{steps} steps")


def test_a_graceful_restart_brings_every_session_back_exactly(tmp_path: Path, database_url: str) -> None:
    first = LiveServer(tmp_path, env={"NEUROPLAY_DATABASE_URL": database_url})
    try:
        with httpx.Client(base_url=first.url, timeout=10) as c:
            paused, auth = create(
                c,
                {
                    "model": {
                        "input_shape": [2],
                        "layers": [
                            {"type": "dense", "units": 6, "activation": "tanh"},
                            {"type": "batch_norm"},
                            {"type": "dropout", "rate": 0.2},
                            {"type": "dense", "units": 1, "activation": "sigmoid"},
                        ],
                    },
                    "training": {"optimizer": "adam", "learning_rate": 0.01},
                },
            )
            for _ in range(3):
                command(c, paused, auth, "step", "epoch")
            play_until(c, paused, auth, 300)
            command(c, paused, auth, "pause")
            before, weights_before = view(c, paused), weights_of(c, paused)
            running, auth_running = create(c)
            play_until(c, running, auth_running, 50)  # still running when the server stops
            idle, _ = create(c, {"dataset": {"name": "xor"}})
            idle_before = view(c, idle)
            engines = first.engine_pids()
            assert len(engines) >= 2  # the running session's and a spare
    finally:
        assert first.stop(signal.SIGTERM), "the server did not stop by itself on SIGTERM"
    assert not [pid for pid in engines if process_running(pid)], "engine processes outlived the server"

    second = LiveServer(tmp_path, env={"NEUROPLAY_DATABASE_URL": database_url})
    try:
        with httpx.Client(base_url=second.url, timeout=10) as c:
            after = view(c, paused)
            assert after == before  # status, counters, specs, history: all of it
            assert after["status"] == "paused" and after["step"] >= 300
            assert_same_weights(weights_before, weights_of(c, paused))
            assert view(c, idle) == idle_before
            stopped = view(c, running)
            assert stopped["status"] == "paused" and stopped["step"] >= 50
            assert stopped["history"][-1]["step"] == stopped["step"]  # saved at the moment it stopped

            # Training goes on from there.
            play_until(c, paused, auth, after["step"] + 100)
            command(c, paused, auth, "pause")
            resumed = view(c, paused)
            assert resumed["history"][: len(after["history"])] == after["history"]
            assert resumed["epoch"] > after["epoch"]
    finally:
        second.stop()


def saved_step(database_url: str, sid: str) -> int:
    """What the server has committed to its database (SQLite's WAL lets us read beside it)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT step FROM sessions WHERE id = :id"), {"id": sid}).fetchone()
    finally:
        engine.dispose()
    return -1 if row is None else int(row[0])


def test_a_hard_kill_loses_at_most_the_last_checkpoint_interval(tmp_path: Path, database_url: str) -> None:
    interval = 0.5
    first = LiveServer(
        tmp_path, env={"NEUROPLAY_CHECKPOINT_SECONDS": str(interval), "NEUROPLAY_DATABASE_URL": database_url}
    )
    try:
        with httpx.Client(base_url=first.url, timeout=10) as c:
            idle, _ = create(c)  # never trained: must survive too
            sid, auth = create(c, {"training": {"steps_per_second": 2000}})
            play_until(c, sid, auth, 100)
            seen = view(c, sid)["step"]
            seen_at = time.monotonic()
            # Nothing pauses it: only the engine process's periodic saves can put this step on disk.
            wait_for(
                lambda: saved_step(database_url, sid) >= seen,
                timeout=10,
                what="a periodic checkpoint at or after the step seen",
            )
            wait_for(lambda: time.monotonic() - seen_at >= 1.0, what="1 s after the step was seen")
            assert view(c, sid)["status"] == "running"
            last_seen = view(c, sid)["step"]
            engines = first.engine_pids()
            assert engines
    finally:
        first.stop(signal.SIGKILL)
    # Killed, the server cannot stop its engine processes: each one ends when its socket closes.
    wait_for(lambda: not [pid for pid in engines if process_running(pid)], what="orphaned engine processes to end")

    second = LiveServer(tmp_path, env={"NEUROPLAY_DATABASE_URL": database_url})
    try:
        with httpx.Client(base_url=second.url, timeout=10) as c:
            back = view(c, sid)
            assert back["status"] == "paused"
            assert seen <= back["step"] <= last_seen + 2000  # at most ~one interval after the last look
            assert back["history"] and back["history"][-1]["step"] <= back["step"]
            assert view(c, idle)["status"] == "idle"
            weights_of(c, sid)
            play_until(c, sid, auth, back["step"] + 50)  # and it trains on
            command(c, sid, auth, "pause")
    finally:
        second.stop()
