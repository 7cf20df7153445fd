"""deploy/nginx.conf, the classroom's proxy in docker-compose.yml, for real: nginx in front of two
real nodes (the conf's upstream pointed at their loopback ports), round robin over both, the share
page, the API and the websocket stream through it."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from ..api.helpers import StreamReader, command, create, wait_for
from ..conftest import ROOT, free_port
from .classroom import Classroom, classroom


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        raise RuntimeError("nginx is not installed: run scripts/setup.sh --test (it installs Debian's nginx-light)")
    return found


def local_conf(room: Classroom, folder: Path, port: int) -> str:
    """The deployed conf with its upstream and listen address made local, and its files in `folder`."""
    conf = (ROOT / "deploy/nginx.conf").read_text()
    for name, node in (("node-a", "a"), ("node-b", "b")):
        conf = conf.replace(f"server {name}:8000", f"server 127.0.0.1:{room.nodes[node].port}")
    conf = conf.replace("listen 8000;", f"listen 127.0.0.1:{port};")
    temp = f"client_body_temp_path {folder}; proxy_temp_path {folder}; access_log off;"
    conf = conf.replace("http {", "http {\n    " + temp, 1)
    return f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n" + conf


@pytest.fixture()
def proxied(
    tmp_path: Path, postgres_admin_url: str, redis_url: str, redis_prefix: str
) -> Iterator[tuple[Classroom, str]]:
    with classroom(tmp_path / "nodes", postgres_admin_url, redis_url, redis_prefix, "a", "b") as room:
        folder, port = tmp_path / "nginx", free_port()
        folder.mkdir()
        (folder / "nginx.conf").write_text(local_conf(room, folder, port))
        binary = nginx_binary()
        check = subprocess.run([binary, "-t", "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen([binary, "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(url), timeout=10, what="nginx")
            yield room, url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/api/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_classroom_works_through_its_nginx(proxied: tuple[Classroom, str]) -> None:
    room, url = proxied
    with httpx.Client(base_url=url, timeout=30) as http:
        sessions = [create(http, {}) for _ in range(4)]
        assert {room.holder(sid) for sid, _ in sessions} == {"a", "b"}  # round robin, no stickiness
        sid, auth = sessions[0]
        page = http.get(f"/s/{sid}")
        assert page.status_code == 200 and "<html" in page.text.lower()
        for _ in range(4):  # every read lands on some node; each answers for the session
            r = http.get(f"/api/sessions/{sid}")
            assert r.status_code == 200 and r.json()["id"] == sid
        ws_url = url.replace("http://", "ws://") + f"/api/sessions/{sid}/stream"
        with connect(ws_url, compression=None, max_size=None, max_queue=None) as ws:
            reader = StreamReader(ws)
            reader.send({"type": "subscribe", "views": ["boundary"]})
            reader.read_until(lambda m: m["type"] == "history")
            assert command(http, sid, auth, "play")["status"] == "running"
            reader.read_until(lambda m: m["type"] == "metrics" and m["step"] > 0, timeout=20)
            wait_for(
                lambda: reader.read(timeout=0.05) is not None or ("boundary", None) in reader.tensors,
                timeout=20,
                what="a tensor frame through nginx",
            )
            paused = command(http, sid, auth, "pause")
            assert paused["status"] == "paused"
            reader.read_until(lambda m: m["type"] == "metrics" and m["status"] == "paused", timeout=20)
        time.sleep(0.2)  # nothing to wait for: the step stays where the pause left it
        assert http.get(f"/api/sessions/{sid}").json()["step"] == paused["step"]
