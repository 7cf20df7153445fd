"""The frontend's minified copies (frontend_minified.py), with the real esbuild from
frontend/node_modules on small frontends made in a temporary directory: a copy is served while its
source is the file it was made from, the source once it is edited or replaced (even with an older
time), the same ETag after a restart, and the sources whenever esbuild is missing, switched off or
fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from neuroplay.frontend_files import frontend_app
from neuroplay.frontend_minified import COPIES_DIR, make_minified_copies

NODE_MODULES = Path(__file__).resolve().parents[1] / "frontend" / "node_modules"
MODULE = b"// Why this module exists, at length.\nexport function doubled(value) {\n  return value * 2;\n}\n"
STYLE = b"/* the layout */\nbody {\n  margin: 0;\n}\n"


def a_frontend(root: Path, with_esbuild: bool = True) -> Path:
    (root / "js").mkdir(parents=True)
    (root / "css").mkdir()
    (root / "js" / "double.js").write_bytes(MODULE)
    (root / "css" / "app.css").write_bytes(STYLE)
    (root / "index.html").write_text("<!doctype html><title>x</title>")
    if with_esbuild:
        (root / "node_modules").symlink_to(NODE_MODULES)
    return root


def test_a_copy_is_served_while_its_source_is_unchanged(tmp_path: Path) -> None:
    frontend, data = a_frontend(tmp_path / "frontend"), tmp_path / "data"
    copies = make_minified_copies(frontend, data)
    assert copies is not None and (data / COPIES_DIR / "js" / "double.js").exists()
    client = TestClient(frontend_app(frontend, copies))
    first = client.get("/js/double.js")
    assert first.content != MODULE and b"//" not in first.content and b"export function doubled" in first.content
    assert client.get("/css/app.css").content.strip() == b"body{margin:0}"
    assert client.get("/index.html").text.startswith("<!doctype html>")  # not a minified kind
    # A restart makes the copies again: same files, same ETag (browsers keep their 304s).
    again = TestClient(frontend_app(frontend, make_minified_copies(frontend, data))).get("/js/double.js")
    assert again.headers["etag"] == first.headers["etag"] and again.content == first.content


@pytest.mark.parametrize("time", ["later", "earlier"])
def test_a_source_edited_or_replaced_while_serving_is_served_as_it_is(tmp_path: Path, time: str) -> None:
    frontend = a_frontend(tmp_path / "frontend")
    client = TestClient(frontend_app(frontend, make_minified_copies(frontend, tmp_path / "data")))
    assert client.get("/js/double.js").content != MODULE
    source = frontend / "js" / "double.js"
    made = source.stat().st_mtime_ns
    edited = MODULE.replace(b"* 2", b"* 3")
    # `rsync -a` or `tar x` restore an older time on new content: the copy must still not be served.
    replacement = tmp_path / "incoming.js"
    replacement.write_bytes(edited)
    stamp = made + 5_000_000_000 if time == "later" else made - 5_000_000_000
    os.utime(replacement, ns=(stamp, stamp))
    os.replace(replacement, source)
    assert client.get("/js/double.js").content == edited


@pytest.mark.parametrize("case", ["no esbuild", "switched off", "esbuild fails"])
def test_the_sources_are_served_when_there_is_no_copy(tmp_path: Path, case: str) -> None:
    frontend = a_frontend(tmp_path / "frontend", with_esbuild=case != "no esbuild")
    if case == "esbuild fails":
        (frontend / "js" / "broken.js").write_text("export function (")  # a syntax error
    copies = make_minified_copies(frontend, tmp_path / "data", enabled=case != "switched off")
    assert copies is None and not (tmp_path / "data" / COPIES_DIR).exists()
    assert TestClient(frontend_app(frontend, copies)).get("/js/double.js").content == MODULE
