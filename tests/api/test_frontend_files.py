"""The static frontend over real HTTP: compressed when the browser asks, revalidated with ETags,
libraries cached for a while, nothing outside the frontend directory reachable."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx

from .helpers import raw_get

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def test_own_modules_are_minified_gzipped_and_revalidated(client: httpx.Client) -> None:
    source = (FRONTEND / "js" / "state.js").read_bytes()
    plain, minified = raw_get(client, "/js/state.js", **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    # esbuild's copy (frontend_minified.py): the comments gone, the module's exports kept
    assert source.startswith(b"//") and not minified.startswith(b"//") and len(minified) < 0.8 * len(source)
    assert b"export" in minified and b"signal" in minified
    response, body = raw_get(client, "/js/state.js", **{"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == minified and len(body) < len(minified) / 2
    assert response.headers["cache-control"] == "no-cache" and response.headers["etag"]
    again = client.get("/js/state.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_libraries_are_served_minified_and_cached(client: httpx.Client) -> None:
    page = client.get("/").text
    assert "/node_modules/uplot/dist/uPlot.iife.min.js" in page and "uPlot.esm.js" not in page
    response = client.get("/node_modules/uplot/dist/uPlot.iife.min.js")
    assert response.status_code == 200 and response.content.startswith(b"/*")
    assert response.headers["cache-control"].startswith("public, max-age=")


def test_nothing_outside_the_frontend_is_served(client: httpx.Client) -> None:
    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/js/../../pyproject.toml"):
        response = client.get(path)
        assert response.status_code == 404 or "[project]" not in response.text, path
