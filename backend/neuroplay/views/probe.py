"""The probe sample through the network: every layer's output and dL/d output for that one sample,
in inference mode with its own target, on a copy of the network with the current weights."""

from __future__ import annotations

import numpy as np

from .context import ViewContext
from .registry import ALL_LAYERS, Record, RecordDef, ViewDef


def compute(ctx: ViewContext) -> list[Record]:
    found = ctx.inspection()
    if found is None or ctx.probe is None:
        return []
    inspection, _ = found
    ref = ctx.probe.ref

    def record(name: str, layer: int | None, data: np.ndarray) -> Record:
        return Record("probe", name, layer, np.asarray(data, np.float32), ctx.step, probe=ref)

    out = [
        record("probe_input", None, ctx.probe.x[0]),
        record("probe_target", None, inspection.target),
        record("probe_loss", None, np.array([inspection.loss])),
    ]
    for i, layer in enumerate(inspection.layers):
        out.append(record("activation", i, layer.output))
        out.append(record("activation_grad", i, layer.output_grad))
    return out


VIEW = ViewDef(
    name="probe",
    description="The probe sample (named in the subscribe) through every layer: outputs and their gradients.",
    computed_in="engine",
    records=(
        RecordDef("probe_input", False, "the sample shape", "the probe sample as the first layer gets it"),
        RecordDef(
            "probe_target", False, "the target shape", "its target as the loss takes it (the class index for classes)"
        ),
        RecordDef("probe_loss", False, "(1,)", "the loss of the probe alone"),
        RecordDef("activation", True, "the layer's output shape", "the layer's output for the probe"),
        RecordDef("activation_grad", True, "the layer's output shape", "dL/d output for the probe"),
    ),
    layer_types=ALL_LAYERS,
    needs_probe=True,
    compute=compute,
)
