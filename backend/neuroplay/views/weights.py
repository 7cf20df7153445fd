"""Every parameter of every layer, as the engine holds it (PyTorch layouts but dense W (in, out))."""

from __future__ import annotations

from .registry import PARAMETRIC_LAYERS, Record, RecordDef, ViewDef
from .snapshot_context import SnapshotContext


def compute(ctx: SnapshotContext) -> list[Record]:
    out = []
    for i, layer in enumerate(ctx.network.layers):
        for param, value in layer.params.items():
            name = "biases" if param == "b" else "weights"
            out.append(Record("weights", name, i, value, ctx.step, param=param))
    return out


VIEW = ViewDef(
    name="weights",
    description="Every parameter of every layer: dense W, conv kernels of all input channels, W_x and W_h, gamma, beta.",
    computed_in="server",
    records=(
        RecordDef(
            "weights",
            True,
            "the parameter's shape",
            "parameter `param` of the layer: W (in, out) dense, (filters, C, k, k) conv; W_x (in, units), "
            "W_h (units, units); gamma, beta (channels,)",
        ),
        RecordDef("biases", True, "(out,)", "the bias `b` of the layer (param: b)"),
    ),
    layer_types=PARAMETRIC_LAYERS,
    compute_snapshot=compute,
)
