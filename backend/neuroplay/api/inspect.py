"""GET /api/sessions/{id}/inspect: one sample's way through the network, for anyone with the link."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError

from ..engine.inspect import RecurrentSteps
from ..schemas.errors import ErrorResponse
from ..schemas.inspect import (
    InspectResponse,
    LayerInspectionView,
    PreactivationsResponse,
    ProbeSplit,
    RecurrentStepsView,
)
from ..sessions.preactivation_histograms import MAX_BINS, MAX_SAMPLES, histograms
from ..sessions.probe import ProbeIndexError, inspect_probe
from .deps import manager_of
from .errors import probe_index_problem

router = APIRouter(prefix="/api/sessions", responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


def tensor(a: np.ndarray | None) -> Any:
    """Nested lists of Python floats; NaN and infinities become None (JSON has no such numbers)."""
    if a is None:
        return None
    values = np.asarray(a, dtype=np.float64)  # float32 -> float64 is exact
    out = values.astype(object)
    out[~np.isfinite(values)] = None
    return out.tolist()


def _recurrence(steps: RecurrentSteps | None) -> RecurrentStepsView | None:
    if steps is None:
        return None
    return RecurrentStepsView(
        initial_state=tensor(steps.initial_state),
        states=tensor(steps.states),
        state_grads=tensor(steps.state_grads),
        preactivation_grads=tensor(steps.preactivation_grads),
    )


@router.get("/{session_id}/inspect", response_model=InspectResponse)
def inspect(
    session_id: str,
    request: Request,
    split: Annotated[ProbeSplit, Query(description="Which split the sample is taken from.")],
    index: Annotated[int, Query(ge=0, description="The sample's position in its split.")],
) -> InspectResponse:
    """The sample in inference mode with its own target: loss, prediction, and per layer its input,
    output, pre-activation, dL/d(output) and dL/d(each parameter)."""
    session = manager_of(request).get(session_id)
    try:
        snapshot, result = inspect_probe(session, split, index)
    except ProbeIndexError as exc:
        raise RequestValidationError([probe_index_problem(exc, ("query", "index"))]) from None
    loss = result.loss if np.isfinite(result.loss) else None
    return InspectResponse(
        split=split,
        index=index,
        step=snapshot.step,
        generation=snapshot.generation,
        loss=loss,
        prediction=tensor(result.prediction),
        target=tensor(result.target),
        layers=[
            LayerInspectionView(
                index=i,
                type=layer.type,
                input=tensor(layer.input),
                output=tensor(layer.output),
                preactivation=tensor(layer.preactivation),
                output_grad=tensor(layer.output_grad),
                param_grads={name: tensor(g) for name, g in layer.param_grads.items()},
                recurrence=_recurrence(layer.recurrence),
                slope=tensor(layer.slope),
                preactivation_grad=tensor(layer.preactivation_grad),
            )
            for i, layer in enumerate(result.layers)
        ],
    )


@router.get("/{session_id}/preactivations", response_model=PreactivationsResponse)
def preactivation_histograms(
    session_id: str,
    request: Request,
    split: Annotated[ProbeSplit, Query(description="Which split the samples are taken from (the probe's).")],
    samples: Annotated[int, Query(ge=1, le=MAX_SAMPLES, description="How many samples, from the split's first.")] = 256,
    bins: Annotated[int, Query(ge=2, le=MAX_BINS, description="Equal bins over the values' range.")] = 30,
) -> PreactivationsResponse:
    """Each layer's pre-activations u (of output = f(u)) over the first `samples` samples of `split`,
    in inference mode, as histograms: where on f the units work, and whether they saturate."""
    session = manager_of(request).get(session_id)
    snapshot, taken, layers = histograms(session, split, samples, bins)
    return PreactivationsResponse(
        split=split, samples=taken, step=snapshot.step, generation=snapshot.generation, layers=layers
    )
