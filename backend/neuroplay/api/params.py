"""/api/sessions/{id}/params: anyone with the link reads a parameter and its frozen mask; the owner
sets weights by hand and freezes entries."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError

from ..schemas.errors import ErrorResponse
from ..schemas.params import ParamEdit, ParamState
from ..sessions.param_edits import ParamEditError
from .deps import manager_of, require_owner
from .inspect import tensor

router = APIRouter(prefix="/api/sessions", responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


def _state(layer: int, param: str, values: np.ndarray, frozen: np.ndarray, step: int) -> ParamState:
    return ParamState(
        layer=layer, param=param, shape=list(values.shape), values=tensor(values), frozen=frozen.tolist(), step=step
    )


def _invalid(exc: ParamEditError, where: str) -> RequestValidationError:
    """The edit's problem as one of pydantic's errors, its reason as the type (schemas/error_codes.py)."""
    return RequestValidationError([{"loc": (where, exc.field), "msg": exc.message, "type": exc.reason, "ctx": exc.ctx}])


@router.get("/{session_id}/params", response_model=ParamState)
def read_params(
    session_id: str,
    request: Request,
    layer: Annotated[int, Query(ge=0, description="The layer's index.")],
    param: Annotated[str, Query(min_length=1, max_length=32, description="W, b, gamma, beta, W_x, W_h, ...")],
) -> ParamState:
    """One parameter's values and frozen mask (a running session: the values of its latest display
    frame)."""
    session = manager_of(request).get(session_id)
    try:
        return _state(layer, param, *session.param_state(layer, param))
    except ParamEditError as exc:
        raise _invalid(exc, "query") from None


@router.patch("/{session_id}/params", response_model=ParamState)
def edit_params(session_id: str, body: ParamEdit, request: Request) -> ParamState:
    """One entry (`index` with `value`, `frozen`) or a whole parameter (`values`, `frozen`,
    `frozen_mask`); the optimizer state of the entries set is reset. Frozen entries keep their values
    through training; their gradients are still computed and shown."""
    session = manager_of(request).get(session_id)
    require_owner(request, session)
    try:
        return _state(body.layer, body.param, *session.edit_params(body))
    except ParamEditError as exc:
        raise _invalid(exc, "body") from None
