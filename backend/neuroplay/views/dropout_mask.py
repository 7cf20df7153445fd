"""Which units the last training step dropped, for its first sample."""

from __future__ import annotations

from .registry import RecordDef, ViewDef

VIEW = ViewDef(
    name="dropout_mask",
    description="The mask of the last training step for its first sample: 1 kept, 0 dropped.",
    computed_in="engine",
    records=(
        RecordDef("dropout_mask", True, "the layer's output shape", "1 where the unit was kept, 0 where dropped"),
    ),
    layer_types=frozenset({"dropout"}),
)
