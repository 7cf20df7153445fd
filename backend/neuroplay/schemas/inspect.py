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


class PreactivationsResponse(WireModel):
    """Pre-activation histograms of the layers that apply an activation, for the first `samples`
    samples of `split` in inference mode, with the weights of `step` (as inspect)."""

    split: ProbeSplit
    samples: int
    step: int
    generation: int
    layers: list[PreactivationHistogram]
