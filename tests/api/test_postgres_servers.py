"""Two servers starting at the same moment on one empty PostgreSQL database: the migrations run once
(an advisory lock), both serve, and each sees the other's sessions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from neuroplay.store.migrations import LATEST

from ..conftest import LiveServer
from ..postgres import fresh_database


def test_two_servers_on_one_empty_database_migrate_it_once(tmp_path: Path, postgres_admin_url: str) -> None:
    with fresh_database(postgres_admin_url) as url:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        env = {"NEUROPLAY_DATABASE_URL": url}
        with ThreadPoolExecutor(2) as pool:
            starting = [pool.submit(LiveServer, tmp_path / name, env) for name in ("a", "b")]
            servers = [f.result() for f in starting]  # raises if either exited (e.g. a duplicate table)
        try:
            created = httpx.post(servers[0].url + "/api/sessions", json={}, timeout=10)
            assert created.status_code == 201, created.text
            seen = httpx.get(servers[1].url + f"/api/sessions/{created.json()['id']}", timeout=10)
            assert seen.status_code == 200 and seen.json()["id"] == created.json()["id"]
        finally:
            for server in servers:
                assert server.stop()
        engine = create_engine(url)
        with engine.connect() as conn:
            versions = [row[0] for row in conn.execute(text("SELECT version FROM schema_version"))]
        engine.dispose()
        assert versions == [LATEST]
        for server in servers:
            log = server.log_path.read_text()
            assert "Traceback" not in log, log[-2000:]
