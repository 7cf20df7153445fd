"""The UI's message catalogs (frontend/locales/<lang>.json) as flat key -> text maps, for the tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

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


def unfilled(error: Mapping[str, Any], lang: str = "zh") -> list[str]:
    """The placeholders of an error's sentence (errors.<code>, and for code invalid its reason's
    errors.reason.<reason>) that its params leave empty; `n` comes from `layer`, and an invalid
    field's `where` and `problem` from its location and reason (frontend/js/problems.js)."""
    code = error.get("code") or error.get("problem")
    params = dict(error.get("params") or {})
    texts = catalog(lang)
    keys = [f"errors.{code}"] + ([f"errors.reason.{params.get('reason')}"] if code == "invalid" else [])
    missing = [key for key in keys if key not in texts]
    for key in keys[: len(keys) - len(missing)]:
        for name in re.findall(r"\{(\w+)\}", str(texts[key])):
            source = "layer" if name == "n" else name
            if name not in ("where", "problem") and params.get(source) is None:
                missing.append(f"{key}: {name}")
    return missing
