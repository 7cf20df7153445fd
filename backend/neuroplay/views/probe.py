"""The probe sample through the network: every layer's output and dL/d output for that one sample,
in inference mode with its own target, on a copy of the network with the current weights."""

from __future__ import annotations

from .registry import ALL_LAYERS, RecordDef, ViewDef

VIEW = ViewDef(
    name="probe",
    description="The probe sample (named in the subscribe) through every layer: outputs and their gradients.",
    computed_in="engine",
    records=(
        RecordDef("probe_input", False, "the sample shape", "the probe sample as the first layer gets it"),
        RecordDef("probe_target", False, "the target shape", "its target (one-hot for classes, as trained)"),
        RecordDef("probe_loss", False, "(1,)", "the loss of the probe alone"),
        RecordDef("activation", True, "the layer's output shape", "the layer's output for the probe"),
        RecordDef("activation_grad", True, "the layer's output shape", "dL/d output for the probe"),
    ),
    layer_types=ALL_LAYERS,
    needs_probe=True,
)
