"""Every unit of every layer over the 2-D input plane (the small heatmaps on each neuron)."""

from __future__ import annotations

from .registry import Record, RecordDef, ViewDef
from .snapshot_context import SnapshotContext


def compute(ctx: SnapshotContext) -> list[Record]:
    if ctx.grid_output() is None:
        return []
    g, out = ctx.grid_size, []
    for i, layer in enumerate(ctx.network.layers):
        y = layer.observe().get("output")  # of the pass over the grid
        if y is None or y.ndim != 2 or y.shape[1] > ctx.max_neuron_maps:
            continue
        out.append(Record("neurons", "neurons", i, y.T.reshape(-1, g, g), ctx.step))
    return out


VIEW = ViewDef(
    name="neurons",
    description="Every unit of each layer with one value per unit, over the grid of the 2-D input plane.",
    computed_in="server",
    records=(RecordDef("neurons", True, "(units, G, G)", "each unit over the grid (layers over 64 units: none)"),),
    layer_types=frozenset({"dense", "activation", "dropout", "batch_norm"}),
    data_kinds=frozenset({"points"}),
    compute_snapshot=compute,
)
