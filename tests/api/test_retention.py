"""The retention sweep against a real server with a 2-second retention: unused sessions go with their
checkpoint and their uploads, and their link says so (410); running, watched and fork-source ones stay."""

from __future__ import annotations

import sqlite3
import time

import httpx
from websockets.sync.client import connect

from ..conftest import LiveServer
from .helpers import StreamReader

RETENTION_SECONDS = 2.0


def test_unused_sessions_are_deleted_and_their_link_says_so(tmp_path) -> None:
    server = LiveServer(
        tmp_path,
        env={
            "NEUROPLAY_RETENTION_DAYS": str(RETENTION_SECONDS / 86400),
            "NEUROPLAY_RETENTION_SWEEP_SECONDS": "0.5",
            "NEUROPLAY_UPLOAD_GRACE_SECONDS": "0",
        },
    )
    try:
        c = httpx.Client(base_url=server.url, timeout=10)

        def new(body: dict | None = None) -> tuple[str, dict[str, str]]:
            r = c.post("/api/sessions", json=body or {})
            assert r.status_code == 201, r.text
            return r.json()["id"], {"Authorization": f"Bearer {r.json()['owner_token']}"}

        idle, _ = new()
        uploaded, upload_auth = new()
        csv = b"a,b,label\n" + b"".join(f"{i},{i % 5},{'xy'[i % 2]}\n".encode() for i in range(30))
        r = c.post(f"/api/sessions/{uploaded}/uploads/csv?label_column=label", content=csv, headers=upload_auth)
        assert r.status_code == 200, r.text
        running, running_auth = new()
        assert (
            c.post(f"/api/sessions/{running}/commands", json={"action": "play"}, headers=running_auth).status_code
            == 200
        )
        source, _ = new()
        fork = c.post(f"/api/sessions/{source}/fork").json()["id"]
        watched, _ = new()
        db = tmp_path / "neuroplay.db"

        def uploads_kept() -> int:
            with sqlite3.connect(db, timeout=10) as conn:
                return conn.execute("SELECT COUNT(*) FROM uploads").fetchone()[0]

        def deleted_notes() -> set[str]:
            with sqlite3.connect(db, timeout=10) as conn:
                return {row[0] for row in conn.execute("SELECT id FROM deleted_sessions")}

        assert uploads_kept() == 1
        with connect(f"{server.ws_url}/api/sessions/{watched}/stream", max_queue=None, close_timeout=2) as ws:
            StreamReader(ws).read_until(lambda m: m["type"] == "hello")
            deadline = time.monotonic() + RETENTION_SECONDS * 6
            # the fork is opened again and again: a fork that exists keeps its source
            while time.monotonic() < deadline and not {idle, uploaded} <= deleted_notes():
                assert c.get(f"/api/sessions/{fork}").status_code == 200
                time.sleep(0.3)
            assert {idle, uploaded} <= deleted_notes(), "the sweep did not delete the unused sessions"
            assert c.get(f"/api/sessions/{idle}").status_code == 410
            gone = c.get(f"/api/sessions/{uploaded}")
            assert gone.json()["message"].startswith(f"session {uploaded!r} was deleted on ")
            assert "not opened for" in gone.json()["message"] and "retention policy" in gone.json()["message"]
            for path in ("", "/weights", "/data", "/fork"):
                method = c.post if path == "/fork" else c.get
                assert method(f"/api/sessions/{uploaded}{path}").status_code == 410, path
            assert c.get("/api/sessions/never-existed").status_code == 404
            assert uploads_kept() == 0, "the upload only the deleted session used went with it"
            for kept in (running, source, fork, watched):
                assert c.get(f"/api/sessions/{kept}").status_code == 200, kept
        with connect(f"{server.ws_url}/api/sessions/{uploaded}/stream", close_timeout=2) as ws:
            error = StreamReader(ws).read_until(lambda m: m["type"] == "error")
            assert error["code"] == "gone" and "was deleted on" in error["message"]
        with sqlite3.connect(db, timeout=10) as conn:
            ids = {row[0] for row in conn.execute("SELECT id FROM sessions")}
            notes = {row[0] for row in conn.execute("SELECT id FROM deleted_sessions")}
        assert uploaded in notes and uploaded not in ids
        assert {running, source, fork, watched} <= ids
        c.post(f"/api/sessions/{running}/commands", json={"action": "pause"}, headers=running_auth)
        c.close()
    finally:
        assert server.stop()
    assert "Traceback" not in server.log_path.read_text()
