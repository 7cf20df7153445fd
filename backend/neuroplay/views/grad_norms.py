"""The vanishing/exploding meter: per layer, the L2 norm of its parameter gradient at every step."""

from __future__ import annotations

from .registry import PARAMETRIC_LAYERS, RecordDef, ViewDef

_SERIES = "(n,): n ≤ 256 values, value j the largest over steps first_step + j·stride … (header)"

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
)
