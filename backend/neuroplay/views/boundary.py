"""The decision boundary: the network's output over the grid of the 2-D input plane."""

from __future__ import annotations

from .registry import RecordDef, ViewDef

VIEW = ViewDef(
    name="boundary",
    description="The network's output over a grid of the 2-D input plane (state.grid).",
    computed_in="server",
    records=(RecordDef("boundary", False, "(G, G)", "output over the grid; row 0 is the top (largest x2)"),),
    layer_types=None,
    data_kinds=frozenset({"points"}),
)
