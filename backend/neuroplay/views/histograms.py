"""TensorBoard-style distributions: percentiles of each layer's weights, gradients and outputs."""

from __future__ import annotations

from .registry import ALL_LAYERS, RecordDef, ViewDef

# The percentiles sent (TensorBoard's bands: min, ±1.5σ, ±1σ, ±0.5σ of a normal, median, max).
PERCENTILES = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)

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
)
