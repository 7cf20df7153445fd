"""Compute the watched engine views from one context: only those watched, each once."""

from __future__ import annotations

from collections.abc import Iterable

from . import VIEWS
from .context import ViewContext
from .registry import Record


def engine_views(names: Iterable[str]) -> list[str]:
    """The watched views that are computed from the engine (in registry order)."""
    watched = set(names)
    return [name for name, view in VIEWS.items() if name in watched and view.compute is not None]


def compute_engine_views(names: Iterable[str], ctx: ViewContext) -> tuple[list[Record], list[str]]:
    """(records, the views computed) for the watched engine views."""
    computed = engine_views(names)
    records: list[Record] = []
    for name in computed:
        compute = VIEWS[name].compute
        assert compute is not None
        records.extend(compute(ctx))
    return records, computed


def needs_probe(names: Iterable[str]) -> bool:
    return any(VIEWS[name].needs_probe for name in engine_views(names))


def collects_per_step(names: Iterable[str]) -> bool:
    return any(VIEWS[name].per_step for name in engine_views(names))
