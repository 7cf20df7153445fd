"""Which units the last training step dropped, for its first sample."""

from __future__ import annotations

import numpy as np

from .context import ViewContext
from .registry import Record, RecordDef, ViewDef


def compute(ctx: ViewContext) -> list[Record]:
    out: list[Record] = []
    if not ctx.fresh_caches:  # the mask is the last training step's only right after it
        return out
    for i, layer in enumerate(ctx.layers):
        if layer.type_tag != "dropout":
            continue
        mask = layer.observe().get("mask")  # kept by the layer until the next training step
        if mask is not None:
            out.append(Record("dropout_mask", "dropout_mask", i, mask[0].astype(np.float32), ctx.step))
    return out


VIEW = ViewDef(
    name="dropout_mask",
    description="The mask of the last training step for its first sample: 1 kept, 0 dropped.",
    computed_in="engine",
    records=(
        RecordDef("dropout_mask", True, "the layer's output shape", "1 where the unit was kept, 0 where dropped"),
    ),
    layer_types=frozenset({"dropout"}),
    compute=compute,
)
