"""Faults, each against a real server: SIGKILL while checkpoints are being written, the disk full while
saving (a small tmpfs mounted by the test, as root), the SQLite file locked by another process. Each
ends with a clear error to the user, the session at its last good checkpoint, the database consistent.
(The engine process killed mid-step: tests/api/test_watching.py and tests/sessions/test_engine_process.py.)"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from neuroplay.store import Store

from ..conftest import LiveServer, process_running
from .helpers import wait_for

# 2-D data and two wide layers: about 1.05M parameters, so with Adam's two moments each checkpoint
# writes ~12 MB and takes long enough to be killed in the middle of.
BIG = {
    "model": {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 1024, "activation": "tanh"},
            {"type": "dense", "units": 1024, "activation": "tanh"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    },
    "dataset": {"name": "circle"},
    "training": {"optimizer": "adam", "learning_rate": 0.001},
}


def saved(db: Path, sid: str) -> tuple[int, str] | None:
    """(step, model JSON) of the session's committed row, read beside the server (WAL)."""
    with sqlite3.connect(db, timeout=10) as conn:
        row = conn.execute("SELECT step, model FROM sessions WHERE id = ?", (sid,)).fetchone()
    return None if row is None else (int(row[0]), row[1])


def integrity(db: Path) -> str:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def state(c: httpx.Client, sid: str) -> dict:
    r = c.get(f"/api/sessions/{sid}", params={"history": "false"})
    assert r.status_code == 200, r.text
    return r.json()


def act(c: httpx.Client, sid: str, auth: dict, action: str, unit: str = "batch") -> dict:
    r = c.post(f"/api/sessions/{sid}/commands", json={"action": action, "unit": unit}, headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_sigkill_while_checkpoints_are_written_leaves_the_last_good_one(tmp_path: Path) -> None:
    db = tmp_path / "neuroplay.db"
    rng = random.Random(5)
    server = LiveServer(tmp_path, env={"NEUROPLAY_CHECKPOINT_SECONDS": "0.05"})
    created = httpx.post(server.url + "/api/sessions", json=BIG, timeout=30).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    for round_ in range(3):
        with httpx.Client(base_url=server.url, timeout=30) as c:
            act(c, sid, auth, "play")
            start = (saved(db, sid) or (-1, ""))[0]
            wait_for(lambda start=start: (saved(db, sid) or (-1, ""))[0] > start, timeout=30, what="a checkpoint")
            time.sleep(rng.uniform(0.0, 0.3))  # somewhere inside the next ~12 MB write
            engines = server.engine_pids()
        server.stop(signal.SIGKILL)
        wait_for(lambda pids=engines: not [p for p in pids if process_running(p)], what="engine processes to end")
        assert integrity(db) == "ok", f"round {round_}"
        last_good = saved(db, sid)
        assert last_good is not None
        checkpoint = Store(f"sqlite:///{db}").load(sid)  # the row reads back whole
        assert checkpoint is not None and checkpoint.step == last_good[0]
        server = LiveServer(tmp_path, env={"NEUROPLAY_CHECKPOINT_SECONDS": "0.05"})
        with httpx.Client(base_url=server.url, timeout=30) as c:
            back = state(c, sid)
            assert back["status"] == "paused" and back["step"] == last_good[0], (back["step"], last_good)
            assert c.get(f"/api/sessions/{sid}/weights").status_code == 200
    with httpx.Client(base_url=server.url, timeout=30) as c:
        assert act(c, sid, auth, "step")["step"] == last_good[0] + 1
    server.stop()


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, mounted for this test (needs root, which the test machines and CI run as)."""
    if os.geteuid() != 0:
        pytest.fail("the disk-full test mounts a tmpfs and must run as root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_shows_an_error_and_keeps_the_last_good_checkpoint(tmp_path: Path, small_disk: Path) -> None:
    db = small_disk / "neuroplay.db"
    env = {"NEUROPLAY_DATABASE_URL": f"sqlite:///{db}"}
    (tmp_path / "data").mkdir()
    server = LiveServer(tmp_path / "data", env=env)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            created = c.post("/api/sessions", json={})
            assert created.status_code == 201, created.text
            sid, auth = created.json()["id"], {"Authorization": f"Bearer {created.json()['owner_token']}"}
            act(c, sid, auth, "step", "epoch")
            wait_for(lambda: (saved(db, sid) or (0, ""))[0] == 25, what="the small session on disk")
            good = saved(db, sid)
            # ~12 MB of state cannot go into what is left of 3 MB
            r = c.patch(f"/api/sessions/{sid}", json={"model": BIG["model"], "training": BIG["training"]}, headers=auth)
            assert r.status_code == 200, r.text
            wait_for(lambda: state(c, sid)["error"] is not None, timeout=15, what="the save error to show")
            error = state(c, sid)["error"]
            assert (error["code"], error["params"]["cause"]) == ("save_failed", "disk_full"), error
            message = error["message"]
            assert message.startswith("could not save this session (the server's disk is full)"), message
            assert "a restart now would bring it back at its last save" in message
            # a new session cannot be written at all: 503 naming the reason, nothing half-made
            refused = c.post("/api/sessions", json=BIG)
            assert refused.status_code == 503, refused.text
            assert "disk is full" in refused.json()["message"] and "nothing was changed" in refused.json()["message"]
            assert (refused.json()["code"], refused.json()["params"]["cause"]) == ("database_unavailable", "disk_full")
            assert c.get("/api/health").status_code == 200
            assert integrity(db) == "ok" and saved(db, sid) == good
        engines = server.engine_pids()
    finally:
        server.stop(signal.SIGKILL)
    wait_for(lambda: not [p for p in engines if process_running(p)], what="engine processes to end")
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    server = LiveServer(tmp_path / "data", env=env)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            back = state(c, sid)
            assert back["step"] == 25 and len(back["model"]["layers"]) == 3
            assert back["model"]["layers"][0]["units"] == 4, "the last good checkpoint: the small network"
            assert back["error"] is None
            act(c, sid, auth, "step")
            wait_for(lambda: (saved(db, sid) or (0, ""))[0] == 26, what="saving works again")
    finally:
        server.stop()


def test_a_locked_database_shows_an_error_and_saving_resumes_when_it_is_released(tmp_path: Path) -> None:
    db = tmp_path / "neuroplay.db"
    server = LiveServer(tmp_path, env={"NEUROPLAY_DATABASE_BUSY_TIMEOUT_SECONDS": "0.5"})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            created = c.post("/api/sessions", json={}).json()
            sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
            act(c, sid, auth, "step", "epoch")
            wait_for(lambda: (saved(db, sid) or (0, ""))[0] == 25, what="the session on disk")
            locker = sqlite3.connect(db, timeout=10, isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
            try:
                act(c, sid, auth, "step", "epoch")  # trains in memory; its save must wait, then fail
                wait_for(lambda: state(c, sid)["error"] is not None, timeout=15, what="the save error to show")
                error = state(c, sid)["error"]
                assert (error["code"], error["params"]["cause"]) == ("save_failed", "locked"), error
                assert error["message"].startswith("could not save this session (the database is locked by another")
                refused = c.post("/api/sessions", json={})
                assert refused.status_code == 503 and "locked by another program" in refused.json()["message"]
                assert refused.json()["params"] == {"cause": "locked", "kind": "OperationalError"}
                assert state(c, sid)["step"] == 50  # reading and training go on
            finally:
                locker.execute("ROLLBACK")
                locker.close()
            act(c, sid, auth, "step")  # the next save goes through
            wait_for(lambda: (saved(db, sid) or (0, ""))[0] == 51, what="saving to work again")
            wait_for(lambda: state(c, sid)["error"] is None, what="the error to go once a save worked")
            assert integrity(db) == "ok"
            assert c.post("/api/sessions", json={}).status_code == 201
    finally:
        with contextlib.suppress(Exception):
            server.stop()
