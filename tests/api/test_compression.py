"""The API's GET answers are gzipped over real HTTP when the client accepts it; answers that can carry
an owner token (POST) and the binary weights download are not (api/compression.py says why)."""

from __future__ import annotations

import gzip
import json

import httpx

from neuroplay.api.compression import MINIMUM_SIZE, compressed_read
from neuroplay.cluster import FORWARDED

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


def test_creating_sessions_and_the_weights_download_are_not_compressed(client: httpx.Client) -> None:
    # A lesson of several runs: its answer carries every run's owner token and is well over gzip's
    # 500-byte threshold, so only the method keeps it plain.
    lesson = next(item["id"] for item in client.get("/api/lessons").json() if item["runs"] >= 3)
    with client.stream("POST", "/api/sessions", json={"lesson": lesson}, headers={"Accept-Encoding": "gzip"}) as made:
        raw = b"".join(made.iter_raw())
    body = json.loads(raw)  # plain JSON
    assert made.status_code == 201 and "content-encoding" not in made.headers and len(raw) > MINIMUM_SIZE
    assert all(run["owner_token"] for run in body["sessions"])
    weights, _ = raw_get(client, f"/api/sessions/{body['id']}/weights", **{"Accept-Encoding": "gzip"})
    assert weights.status_code == 200 and "content-encoding" not in weights.headers


def test_a_request_forwarded_from_another_node_is_compressed_by_that_node_only() -> None:
    read = {"type": "http", "method": "GET", "path": "/api/catalog"}
    assert compressed_read(read)
    assert not compressed_read({**read, FORWARDED: True})  # the node it came through compresses
    assert not compressed_read({**read, "method": "POST"}) and not compressed_read({**read, "path": "/js/a.js"})
