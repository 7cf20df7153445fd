"""TensorBoard-style distributions: percentiles of each layer's weights, gradients and outputs."""

from __future__ import annotations

import numpy as np

from .context import ViewContext
from .registry import ALL_LAYERS, Record, RecordDef, ViewDef

# The percentiles sent (TensorBoard's bands: min, ±1.5σ, ±1σ, ±0.5σ of a normal, median, max).
PERCENTILES = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)


_FRACTIONS = np.array(PERCENTILES) / 100


def percentiles(values: np.ndarray) -> tuple[np.ndarray, int]:
    """PERCENTILES of the finite values (NaN when there is none), and how many were not finite.

    The same numbers as np.percentile's default (linear interpolation between the two nearest
    ranks), from one sort: np.percentile's own overhead is ~0.2 ms a call, and a frame of a
    small network has dozens of them."""
    flat = np.asarray(values).ravel()
    finite = flat if np.isfinite(flat.sum(dtype=np.float64)) else flat[np.isfinite(flat)]
    n = finite.size
    if n == 0:
        return np.full(len(PERCENTILES), np.nan, np.float32), int(flat.size)
    ordered = np.sort(finite)
    rank = _FRACTIONS * (n - 1)
    lo = np.floor(rank).astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    a, b = ordered[lo].astype(np.float64), ordered[hi].astype(np.float64)
    return (a + (b - a) * (rank - lo)).astype(np.float32), int(flat.size - n)


def compute(ctx: ViewContext) -> list[Record]:
    out = []

    def record(name: str, layer: int, values: np.ndarray, param: str | None = None) -> None:
        data, non_finite = percentiles(values)
        out.append(
            Record(
                "histograms", name, layer, data, ctx.step, param=param, percentiles=PERCENTILES, non_finite=non_finite
            )
        )

    for i, layer in enumerate(ctx.layers):
        for name, value in layer.params.items():
            record("weight_percentiles", i, value, name)
        if ctx.fresh_caches and layer.grad_output is not None:  # the last step's gradients
            for name, grad in layer.grads.items():
                record("grad_percentiles", i, grad, name)
        if ctx.fresh_caches:
            output = layer.observe().get("output")
            if output is not None:
                record("output_percentiles", i, output)
    return out


VIEW = ViewDef(
    name="histograms",
    description="Per layer, percentile bands of its weights, their gradients and its outputs, against step.",
    computed_in="engine",
    records=(
        RecordDef("weight_percentiles", True, "(9,)", "percentiles (header `percentiles`) of parameter `param`"),
        RecordDef("grad_percentiles", True, "(9,)", "percentiles of the last step's gradient of `param`"),
        RecordDef("output_percentiles", True, "(9,)", "percentiles of the layer's outputs over the last batch"),
    ),
    layer_types=ALL_LAYERS,
    compute=compute,
)
