"""The recurrent layer unrolled: every unit's hidden state at every time step for the probe, and how
the gradient fades back through time at the last training step (BPTT)."""

from __future__ import annotations

from .registry import RecordDef, ViewDef

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
)
