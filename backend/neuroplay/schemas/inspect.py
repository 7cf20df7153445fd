"""GET /api/sessions/{id}/inspect: everything one sample does inside the network (engine/inspect.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from typing_extensions import TypeAliasType

from .base import WireModel

ProbeSplit = Literal["train", "validation"]


class ProbeRef(WireModel):
    """One sample of the session's data: the probe a learner looks at (the `probe` and `rnn_states`
    views show it, `inspect` explains it, a phase step may train on it alone)."""

    split: ProbeSplit
    index: int = Field(ge=0, description="The sample's index in that split (as in GET .../data).")


# An array as nested lists, the sample's own (no batch axis); a NaN or infinite entry is null.
Tensor = TypeAliasType("Tensor", "float | None | list[Tensor]")


class RecurrentStepsView(WireModel):
    """A simple_rnn's numbers per time step t = 1..T for the sample (each (time, units)): on the way
    forward u_t = x_t·W_x + h_(t-1)·W_h + b and h_t = f(u_t) (u_t is the layer's `preactivation`), on
    the way back dL/dh_t and dL/du_t. Backpropagation through time: each weight's gradient in
    `param_grads` is the sum over the steps of its step's share (dL/dW_x[i, j] = Σ_t x_t[i]·dL/du_t[j],
    dL/dW_h[k, j] = Σ_t h_(t-1)[k]·dL/du_t[j], dL/db[j] = Σ_t dL/du_t[j])."""

    initial_state: Tensor = Field(description="h_0 (units,), the state before the first step (zeros).")
    states: Tensor = Field(description="h_1 … h_T, (time, units).")
    state_grads: Tensor = Field(
        description="dL/dh_t, (time, units): the output's own gradient at that step (every step with "
        "return_sequences, else only the last) plus the recurrence's, dL/du_(t+1)·W_hᵀ."
    )
    preactivation_grads: Tensor = Field(description="dL/du_t = dL/dh_t · f′(u_t), (time, units).")


class LayerInspectionView(WireModel):
    index: int
    type: str
    input: Tensor
    output: Tensor
    preactivation: Tensor = Field(
        None,
        description="u of output = f(u) for the layers that apply an activation (for simple_rnn every step's u); "
        "null for the others.",
    )
    output_grad: Tensor = Field(description="dL/d(output) for this sample alone, with its own target.")
    param_grads: dict[str, Tensor] = Field(
        description="dL/d(each parameter), keyed as in the weights download (W, b, gamma, beta, W_x, W_h)."
    )
    recurrence: RecurrentStepsView | None = Field(None, description="For simple_rnn: its numbers per time step.")
    slope: Tensor = Field(
        None,
        description="f′(u) of each unit (for simple_rnn each step's, like `preactivation`), from y = f(u) by the "
        "activation's own backward; null for softmax (no scalar f′) and layers without an activation.",
    )
    preactivation_grad: Tensor = Field(
        None,
        description="dL/du of each unit (the loss's own when it is fused with this last layer's activation); "
        "null for layers without an activation and for simple_rnn (its `recurrence` has them per step).",
    )


class InspectResponse(WireModel):
    """The sample in inference mode (dropout off, batch norm on its running statistics) with the
    weights of `step` (a running session: its latest snapshot, at most one display frame old)."""

    split: ProbeSplit
    index: int
    step: int
    generation: int
    loss: float | None
    prediction: Tensor
    target: Tensor
    layers: list[LayerInspectionView]


class ActivationCurve(WireModel):
    """f and f′ sampled by the engine's own activation over an axis that covers the histogram and
    at least [-span, span]: what the plot beside a layer draws."""

    u: list[float]
    f: list[float]
    slope: list[float]


class PreactivationHistogram(WireModel):
    """The distribution of one layer's pre-activations u over the samples: `counts[i]` of the finite
    values lie in [edges[i], edges[i+1]) (the last bin includes its right edge)."""

    index: int
    type: str
    activation: str = Field(description="The f of output = f(u) (linear for a layer without one).")
    edges: list[float]
    counts: list[int]
    values: int = Field(description="Finite values counted (samples × units, × positions for conv and RNN).")
    non_finite: int = Field(description="NaN or infinite values left out.")
    curve: ActivationCurve | None = Field(None, description="null for softmax (no scalar f′).")
    flat_values: int | None = Field(
        None,
        description="Of the counted values, those where f′(u) is under the activation's flat threshold (saturated "
        "or off); null for an activation without a flat part (linear, leaky ReLU, softmax).",
    )


class PreactivationsResponse(WireModel):
    """Pre-activation histograms of the layers that apply an activation, for the first `samples`
    samples of `split` in inference mode, with the weights of `step` (as inspect)."""

    split: ProbeSplit
    samples: int
    step: int
    generation: int
    layers: list[PreactivationHistogram]
