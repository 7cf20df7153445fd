"""Saved arrays never go through pickle: object arrays are refused on the way in, and every np.load in
the backend (and in the exported PyTorch script) passes allow_pickle=False."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
import pytest

import neuroplay
from neuroplay.store.codec import decode_arrays, encode_arrays

BACKEND = Path(neuroplay.__file__).parent


def test_object_arrays_are_refused_when_saving() -> None:
    with pytest.raises(ValueError, match="'bad'"):
        encode_arrays({"good": np.zeros(2), "bad": np.array([{"a": 1}], dtype=object)})


def test_a_blob_that_needs_pickle_is_refused_when_loading() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, evil=np.array([{"a": 1}], dtype=object))  # what an attacker could store
    with pytest.raises(ValueError, match="allow_pickle"):
        decode_arrays(buffer.getvalue())


def _np_load_calls(source: str):
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "load"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("np", "numpy")
        ):
            yield node


def _loads_safely(call: ast.Call) -> bool:
    return any(
        k.arg == "allow_pickle" and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords
    )


def test_every_np_load_in_the_backend_refuses_pickle() -> None:
    unsafe = [
        f"{path.relative_to(BACKEND)}:{call.lineno}"
        for path in sorted(BACKEND.rglob("*.py"))
        for call in _np_load_calls(path.read_text(encoding="utf-8"))
        if not _loads_safely(call)
    ]
    assert not unsafe, f"np.load without allow_pickle=False at {unsafe}"
    assert not [p for p in BACKEND.rglob("*.py") if "allow_pickle=True" in p.read_text(encoding="utf-8")]


def test_the_exported_script_loads_without_pickle() -> None:
    from neuroplay.engine import build_network
    from neuroplay.export import pytorch_script

    script = pytorch_script(build_network({"input_shape": [2], "layers": [{"type": "dense", "units": 1}]}))
    calls = list(_np_load_calls(script))
    assert calls and all(_loads_safely(c) for c in calls)
