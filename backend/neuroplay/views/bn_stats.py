"""What batch normalisation did at the last step: the batch statistics, the running ones, gamma and
beta, and histograms of the inputs before and after normalising."""

from __future__ import annotations

from .registry import RecordDef, ViewDef

HISTOGRAM_BINS = 20

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
)
