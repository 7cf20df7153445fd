"""The UI's message catalogs (frontend/locales/<lang>.json) as flat key -> text maps, for the tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "frontend" / "locales"


def flatten(tree: dict[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for name, value in tree.items():
        if isinstance(value, dict):
            yield from flatten(value, f"{prefix}{name}.")
        else:
            yield prefix + name, value


def catalog(lang: str) -> dict[str, object]:
    return dict(flatten(json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))))
