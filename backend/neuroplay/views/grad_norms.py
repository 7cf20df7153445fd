"""The vanishing/exploding meter: per layer, the L2 norm of its parameter gradient at every step."""

from __future__ import annotations

import numpy as np

from .context import ViewContext
from .registry import PARAMETRIC_LAYERS, Record, RecordDef, ViewDef

_SERIES = "(n,): n ≤ 256 values, value j the largest over steps first_step + j·stride … (header)"


def compute(ctx: ViewContext) -> list[Record]:
    """The series collected at every step since the last frame (views/series.py)."""
    s = ctx.series
    if s is None:
        return []

    def record(name: str, layer: int | None, values: np.ndarray) -> Record:
        data = np.asarray(values, np.float32)
        return Record("grad_norms", name, layer, data, s.last_step, first_step=s.first_step, stride=s.stride)

    out = []
    for row, layer in enumerate(s.layers):
        out.append(record("grad_norm", layer, s.before[row]))
        out.append(record("grad_norm_clipped", layer, s.after[row]))
    out.append(record("grad_norm_global", None, s.global_before))
    out.append(record("grad_norm_global_clipped", None, s.global_after))
    out.append(record("clip_acted", None, s.clip_acted))
    return out


VIEW = ViewDef(
    name="grad_norms",
    description="Per layer, the L2 norm of its parameter gradient at every training step, before and after clipping.",
    computed_in="engine",
    records=(
        RecordDef("grad_norm", True, _SERIES, "‖dL/dθ‖ of the layer's parameters before clipping"),
        RecordDef("grad_norm_clipped", True, _SERIES, "the same after clipping (equal when clipping did not act)"),
        RecordDef("grad_norm_global", False, _SERIES, "the norm of all gradients together, before clipping"),
        RecordDef("grad_norm_global_clipped", False, _SERIES, "the same after clipping"),
        RecordDef(
            "clip_acted", False, _SERIES, "1 where clipping changed the gradients at some step of value j, else 0"
        ),
    ),
    layer_types=PARAMETRIC_LAYERS,
    per_step=True,
    compute=compute,
)
