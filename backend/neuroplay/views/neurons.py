"""Every unit of every layer over the 2-D input plane (the small heatmaps on each neuron)."""

from __future__ import annotations

from .registry import RecordDef, ViewDef

VIEW = ViewDef(
    name="neurons",
    description="Every unit of each layer with one value per unit, over the grid of the 2-D input plane.",
    computed_in="server",
    records=(RecordDef("neurons", True, "(units, G, G)", "each unit over the grid (layers over 64 units: none)"),),
    layer_types=frozenset({"dense", "activation", "dropout", "batch_norm"}),
    data_kinds=frozenset({"points"}),
)
