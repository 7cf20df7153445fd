"""What batch normalisation did at the last step: the batch statistics, the running ones, gamma and
beta, and histograms of the inputs before and after normalising."""

from __future__ import annotations

import numpy as np

from ..engine import histogram
from .context import ViewContext
from .registry import Record, RecordDef, ViewDef

HISTOGRAM_BINS = 20


def compute(ctx: ViewContext) -> list[Record]:
    out = []
    for i, layer in enumerate(ctx.layers):
        if layer.type_tag != "batch_norm":
            continue
        seen = layer.observe()

        def record(name: str, data: np.ndarray, index: int = i, **meta: object) -> None:
            out.append(Record("bn_stats", name, index, np.asarray(data, np.float32), ctx.step, **meta))  # type: ignore[arg-type]

        # Batch statistics are the last training step's only right after it; the running ones,
        # gamma and beta are the weights', always current.
        keys = (
            ("batch_mean", "batch_var", "running_mean", "running_var")
            if ctx.fresh_caches
            else ("running_mean", "running_var")
        )
        for key in keys:
            if key in seen:
                record(f"bn_{key}", seen[key])
        record("bn_gamma", layer.params["gamma"])
        record("bn_beta", layer.params["beta"])
        # The inputs and x̂ are the last training batch's only if no evaluation pass came since.
        if ctx.fresh_caches and getattr(layer, "trained", False):
            for key, name in (("input", "bn_input_histogram"), ("normalized", "bn_normalized_histogram")):
                if key in seen:
                    h = histogram(seen[key], HISTOGRAM_BINS)
                    record(name, h.counts, edges=tuple(float(e) for e in h.edges), non_finite=h.non_finite)
    return out


VIEW = ViewDef(
    name="bn_stats",
    description="Per batch-norm layer: last batch mean/var, running mean/var, gamma, beta, input histograms.",
    computed_in="engine",
    records=(
        RecordDef("bn_batch_mean", True, "(channels,)", "the last training batch's mean per channel"),
        RecordDef("bn_batch_var", True, "(channels,)", "its (biased) variance, the one that normalised it"),
        RecordDef("bn_running_mean", True, "(channels,)", "the running mean used in inference"),
        RecordDef("bn_running_var", True, "(channels,)", "the running variance used in inference"),
        RecordDef("bn_gamma", True, "(channels,)", "the scale gamma"),
        RecordDef("bn_beta", True, "(channels,)", "the shift beta"),
        RecordDef("bn_input_histogram", True, "(20,)", "counts of the batch's inputs; bin edges in `edges`"),
        RecordDef("bn_normalized_histogram", True, "(20,)", "counts of the normalised x̂; bin edges in `edges`"),
    ),
    layer_types=frozenset({"batch_norm"}),
    compute=compute,
)
