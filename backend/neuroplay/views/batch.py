"""The samples of the last training step's batch, so the 2-D plane can highlight them when training
is slow enough to follow (the speed control)."""

from __future__ import annotations

import numpy as np

from .context import ViewContext
from .registry import Record, RecordDef, ViewDef


def last_batch(ctx: ViewContext) -> np.ndarray | None:
    """The training-set indices of the last step's batch, read back from the batch iterator: the
    `size` entries of the shuffled order before its position (every sample when a batch is the whole
    set). None right after an epoch ended otherwise (the order was reshuffled since)."""
    batches = ctx.trainer.batches
    size = min(batches.batch_size, batches.n)
    if size == batches.n:
        return np.arange(batches.n)
    if batches.position < size:
        return None
    return batches.order[batches.position - size : batches.position]


def compute(ctx: ViewContext) -> list[Record]:
    if not ctx.fresh_caches:  # only right after the step
        return []
    indices = last_batch(ctx)
    if indices is None:
        return []
    return [Record("batch", "batch_indices", None, indices.astype(np.float32), ctx.step)]


VIEW = ViewDef(
    name="batch",
    description="The training samples of the last step's batch (to highlight them on the 2-D plane).",
    computed_in="engine",
    records=(
        RecordDef(
            "batch_indices",
            False,
            "(batch,)",
            "indices into the training split (as in GET .../data) of the last step's batch; none is sent "
            "for a step that ended an epoch (unless the batch is the whole split)",
        ),
    ),
    layer_types=None,
    data_kinds=frozenset({"points"}),
    compute=compute,
)
