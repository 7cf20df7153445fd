"""Security headers on the page, the API and static files; owner tokens in no log line or error body."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
from websockets.sync.client import connect

from ..conftest import LiveServer
from .helpers import StreamReader


def test_scripts_and_stylesheets_carry_nosniff_and_the_referrer_policy_alone(client: httpx.Client) -> None:
    for path in ("/js/main.js", "/css/app.css"):
        r = client.get(path)
        revalidated = client.get(path, headers={"If-None-Match": r.headers["etag"]})  # a 304: no content-type
        for answer in (r, revalidated):
            assert answer.status_code in (200, 304) and answer.headers["x-content-type-options"] == "nosniff", path
            assert answer.headers["referrer-policy"] == "no-referrer", path
            assert "content-security-policy" not in answer.headers and "x-frame-options" not in answer.headers, path
        assert (r.status_code, revalidated.status_code) == (200, 304)


def test_every_other_response_carries_the_security_headers(client: httpx.Client) -> None:
    for path in ("/", "/s/abc", "/api/health", "/api/sessions/missing", "/locales/en.json", "/openapi.json"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
        csp = r.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp).group(1).split()
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_the_policy_allows_exactly_the_pages_import_map(client: httpx.Client) -> None:
    page = client.get("/").text
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.DOTALL)
    assert len(inline) == 1 and '"imports"' in inline[0], "the import map is the only inline script"
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    script_src = re.search(r"script-src ([^;]*)", client.get("/").headers["content-security-policy"]).group(1)
    assert sorted(script_src.split()) == sorted(["'self'", f"'sha256-{digest}'"])


def test_owner_tokens_appear_in_no_log_line_and_no_error_body(tmp_path) -> None:
    server = LiveServer(tmp_path, log_level="debug")  # every access line and debug message is logged
    try:
        created = httpx.post(server.url + "/api/sessions", json={}).json()
        sid, token = created["id"], created["owner_token"]
        auth = {"Authorization": f"Bearer {token}"}
        bodies = []
        with httpx.Client(base_url=server.url, timeout=10) as c:
            for method, path, kwargs in [
                ("PATCH", f"/api/sessions/{sid}", {"json": {"model": {"layers": "nonsense"}}, "headers": auth}),
                ("PATCH", f"/api/sessions/{sid}", {"json": {"owner_token": token}, "headers": auth}),
                ("POST", f"/api/sessions/{sid}/commands", {"json": {"action": "fly"}, "headers": auth}),
                ("POST", f"/api/sessions/{sid}/commands", {"json": {"action": "step"}, "headers": auth}),
                ("POST", "/api/sessions/missing/commands", {"json": {"action": "step"}, "headers": auth}),
                ("GET", f"/api/sessions/{sid}?token={token}", {}),  # a token pasted into a URL
                ("GET", f"/s/{sid}?owner_token={token}", {}),
                ("POST", f"/api/sessions/{sid}/uploads/csv", {"content": b"a,b\n1,2\n", "headers": auth}),
            ]:
                r = c.request(method, path, **kwargs)
                bodies.append((path, r.status_code, r.text))
        with connect(f"{server.ws_url}/api/sessions/{sid}/stream?token={token}", close_timeout=2) as ws:
            reader = StreamReader(ws)
            reader.send({"type": "auth", "token": token})
            reader.read_until(lambda m: m["type"] == "hello" and m["role"] == "owner")
            reader.send({"type": "auth", "token": token + "-wrong"})
            bodies.append(("ws", 0, str(reader.read_until(lambda m: m["type"] == "error"))))
            reader.send({"type": "auth", "token": token * 10})  # too long: a validation error
            bodies.append(("ws", 0, str(reader.read_until(lambda m: m["type"] == "error"))))
    finally:
        server.stop()
    # the PATCH that puts the token in its own body gets an error naming the field, not echoing it
    for path, status, text in bodies:
        if status != 200:
            assert token not in text, (path, status, text[:300])
    log = server.log_path.read_text()
    assert f"/api/sessions/{sid}" in log, "the access log was written (else this test proves nothing)"
    assert token not in log
    assert token[:16] not in log
