"""GET /api/sessions/{id}/landscape: the training loss over a plane through the current weights, for
anyone with the link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError

from ..schemas.errors import ErrorResponse
from ..schemas.landscape import LandscapeAxes, LandscapeResponse
from ..sessions.landscape import LandscapeError, landscape
from .deps import manager_of

router = APIRouter(prefix="/api/sessions", responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})


@router.get("/{session_id}/landscape", response_model=LandscapeResponse)
def read_landscape(
    session_id: str,
    request: Request,
    axes: Annotated[
        LandscapeAxes | None,
        Query(
            description="entries: two parameter entries (default for a model of two parameters); random: two directions."
        ),
    ] = None,
    x: Annotated[str | None, Query(max_length=64, description="The x entry, e.g. layer0.W[0, 0].")] = None,
    y: Annotated[str | None, Query(max_length=64, description="The y entry, e.g. layer0.b[0].")] = None,
    span: Annotated[
        float, Query(gt=0, le=100, description="Half the width of each axis around the current weights.")
    ] = 1.0,
    size: Annotated[int, Query(ge=3, le=81, description="Grid points per axis (odd: the centre is one).")] = 41,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1, description="Seed of the random directions.")] = 0,
) -> LandscapeResponse:
    """Scored on the training set in inference mode, with the session's latest weights (a copy)."""
    if size % 2 == 0:
        raise RequestValidationError(
            [{"loc": ("query", "size"), "msg": f"size must be odd, got {size}", "type": "must_be_odd"}]
        )
    try:
        return landscape(manager_of(request).get(session_id), axes, x, y, span, size, seed)
    except LandscapeError as exc:  # its reason is the error's type (schemas/error_codes.py)
        raise RequestValidationError(
            [{"loc": ("query", exc.field), "msg": exc.message, "type": exc.reason, "ctx": exc.ctx}]
        ) from None
