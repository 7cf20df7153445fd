"""PATCH /api/sessions/{id}/params: the owner sets weights by hand and freezes entries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError

from ..schemas.errors import ErrorResponse
from ..schemas.params import ParamEdit, ParamState
from ..sessions.param_edits import ParamEditError
from .deps import manager_of, require_owner
from .inspect import tensor

router = APIRouter(prefix="/api/sessions", responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


@router.patch("/{session_id}/params", response_model=ParamState)
def edit_params(session_id: str, body: ParamEdit, request: Request) -> ParamState:
    """One entry (`index` with `value`, `frozen`) or a whole parameter (`values`, `frozen`,
    `frozen_mask`); the optimizer state of the entries set is reset. Frozen entries keep their values
    through training; their gradients are still computed and shown."""
    session = manager_of(request).get(session_id)
    require_owner(request, session)
    try:
        values, frozen, step = session.edit_params(body)
    except ParamEditError as exc:
        raise RequestValidationError(
            [{"loc": ("body", exc.field), "msg": exc.message, "type": "value_error"}]
        ) from None
    return ParamState(
        layer=body.layer,
        param=body.param,
        shape=list(values.shape),
        values=tensor(values),
        frozen=frozen.tolist(),
        step=step,
    )
