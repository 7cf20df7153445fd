"""The recurrent layer unrolled: every unit's hidden state at every time step for the probe, and how
the gradient fades back through time at the last training step (BPTT)."""

from __future__ import annotations

import numpy as np

from .context import ViewContext
from .registry import Record, RecordDef, ViewDef


def compute(ctx: ViewContext) -> list[Record]:
    rnn_layers = [i for i, layer in enumerate(ctx.layers) if layer.type_tag == "simple_rnn"]
    if not rnn_layers:
        return []
    out = []
    found = ctx.inspection()
    if found is not None and ctx.probe is not None:
        _, network = found  # its caches hold the probe's inference pass
        for i in rnn_layers:
            states = network.layers[i].observe().get("hidden_states")
            if states is not None:
                data = np.asarray(states[0].T, np.float32)  # (units, time)
                out.append(Record("rnn_states", "hidden_states", i, data, ctx.step, probe=ctx.probe.ref))
    for i in rnn_layers if ctx.fresh_caches else []:
        norms = ctx.layers[i].observe().get("grad_norms_per_step")  # of the last training backward
        if norms is not None:
            out.append(Record("rnn_states", "hidden_grad_norms", i, np.asarray(norms, np.float32), ctx.step))
    return out


VIEW = ViewDef(
    name="rnn_states",
    description="Per RNN layer: hidden state of every unit at every time step for the probe; ‖dL/dh_t‖ per step.",
    computed_in="engine",
    records=(
        RecordDef("hidden_states", True, "(units, time)", "h_t of every unit for the probe, in inference mode"),
        RecordDef("hidden_grad_norms", True, "(time,)", "‖dL/dh_t‖ at each time step of the last training step"),
    ),
    layer_types=frozenset({"simple_rnn"}),
    needs_probe=True,
    compute=compute,
)
