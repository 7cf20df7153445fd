"""The decision boundary: the network's output over the grid of the 2-D input plane."""

from __future__ import annotations

import numpy as np

from .registry import Record, RecordDef, ViewDef
from .snapshot_context import SnapshotContext


def compute(ctx: SnapshotContext) -> list[Record]:
    out = ctx.grid_output()
    if out is None:
        return []
    boundary = out[:, 0]
    if ctx.output_is_logit:  # show the probability the loss reads the raw score as
        boundary = 0.5 * (1 + np.tanh(0.5 * boundary))
    g = ctx.grid_size
    return [Record("boundary", "boundary", None, boundary.reshape(g, g), ctx.step)]


VIEW = ViewDef(
    name="boundary",
    description="The network's output over a grid of the 2-D input plane (state.grid).",
    computed_in="server",
    records=(RecordDef("boundary", False, "(G, G)", "output over the grid; row 0 is the top (largest x2)"),),
    layer_types=None,
    data_kinds=frozenset({"points"}),
    compute_snapshot=compute,
)
