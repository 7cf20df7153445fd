"""The frontend's minified copies (frontend_minified.py), with the real esbuild from
frontend/node_modules on small frontends made in a temporary directory: the copy is served while it
is fresh, the source once it is edited, and the sources whenever esbuild is missing, switched off or
fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from neuroplay.frontend_files import frontend_app
from neuroplay.frontend_minified import make_minified_copies, remove_copies

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


def test_a_fresh_copy_is_served_and_an_edited_source_as_it_is(tmp_path: Path) -> None:
    frontend = a_frontend(tmp_path / "frontend")
    copies, directory = make_minified_copies(frontend)
    assert copies is not None and directory is not None
    try:
        client = TestClient(frontend_app(frontend, copies))
        served = client.get("/js/double.js").content
        assert served != MODULE and b"//" not in served and b"export function doubled" in served
        assert client.get("/css/app.css").content.strip() == b"body{margin:0}"
        assert client.get("/index.html").text.startswith("<!doctype html>")  # not a minified kind
        # A file edited while the server runs (a later mtime than its copy) is served as it is.
        edited = MODULE.replace(b"* 2", b"* 3")
        (frontend / "js" / "double.js").write_bytes(edited)
        later = time.time() + 5
        os.utime(frontend / "js" / "double.js", (later, later))
        assert client.get("/js/double.js").content == edited
    finally:
        remove_copies(directory)
    assert not directory.exists()


@pytest.mark.parametrize("case", ["no esbuild", "switched off", "esbuild fails"])
def test_the_sources_are_served_when_there_is_no_copy(tmp_path: Path, case: str) -> None:
    frontend = a_frontend(tmp_path / "frontend", with_esbuild=case != "no esbuild")
    if case == "esbuild fails":
        (frontend / "js" / "broken.js").write_text("export function (")  # a syntax error
    copies, directory = make_minified_copies(frontend, enabled=case != "switched off")
    assert copies is None and directory is None
    assert TestClient(frontend_app(frontend, copies)).get("/js/double.js").content == MODULE
