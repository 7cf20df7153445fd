"""shared_schemas/ must equal what the pydantic models generate (`python -m neuroplay schemas`)."""

from __future__ import annotations

from pathlib import Path

from neuroplay.schemas.export import DEFAULT_DIR, TYPESCRIPT_PATH, render_schemas
from neuroplay.schemas.typescript import render_typescript


def test_shared_schemas_match_the_models() -> None:
    expected = render_schemas()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in Path(DEFAULT_DIR).glob("*.schema.json")}
    assert sorted(on_disk) == sorted(expected), "run: .venv/bin/python -m neuroplay schemas"
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"stale schemas {stale}; run: .venv/bin/python -m neuroplay schemas"


def test_frontend_wire_types_match_the_schemas() -> None:
    """frontend/types/wire.d.ts (read by the frontend's type check) is made from the same schemas."""
    assert TYPESCRIPT_PATH.read_text(encoding="utf-8") == render_typescript(render_schemas()), (
        "stale frontend/types/wire.d.ts; run: .venv/bin/python -m neuroplay schemas"
    )


def test_wire_types_declare_every_exported_model() -> None:
    text = render_typescript(render_schemas())
    for name in ("SessionView", "NetworkSpec", "StreamServerMessage", "StreamTensorHeader", "Catalog", "MetricPoint"):
        assert f"export interface {name} " in text or f"export type {name} = " in text, name


def test_network_spec_schema_names_every_layer_type() -> None:
    import json

    from neuroplay.engine import LAYER_CLASSES

    schema = json.loads(render_schemas()["network_spec.schema.json"])
    tags = {d["properties"]["type"]["const"] for d in schema["$defs"].values() if "type" in d.get("properties", {})}
    assert tags == set(LAYER_CLASSES)
