"""The API's GET answers are gzipped over real HTTP when the client accepts it; answers that can carry
an owner token (POST) and the binary weights download are not (api/compression.py says why)."""

from __future__ import annotations

import gzip
import json

import httpx

from .helpers import raw_get


def test_reads_are_gzipped_and_decode_to_the_same_json(client: httpx.Client) -> None:
    sid = client.post("/api/sessions", json={}).json()["id"]
    for path in ("/api/catalog", f"/api/sessions/{sid}/features", f"/api/sessions/{sid}/data"):
        zipped, body = raw_get(client, path, **{"Accept-Encoding": "gzip"})
        assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip", path
        plain, raw = raw_get(client, path, **{"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers, path
        assert json.loads(gzip.decompress(body)) == json.loads(raw), path
        assert len(body) < len(raw) / 2, path  # JSON of numbers and names shrinks several times


def test_creating_a_session_and_the_weights_download_are_not_compressed(client: httpx.Client) -> None:
    with client.stream("POST", "/api/sessions", json={}, headers={"Accept-Encoding": "gzip"}) as created:
        body = json.loads(b"".join(created.iter_raw()))  # plain JSON: it carries the owner token
    assert created.status_code == 201 and "content-encoding" not in created.headers and body["owner_token"]
    weights, _ = raw_get(client, f"/api/sessions/{body['id']}/weights", **{"Accept-Encoding": "gzip"})
    assert weights.status_code == 200 and "content-encoding" not in weights.headers
