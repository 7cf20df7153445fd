"""Every error the API gives is an ErrorResponse whose message names what is wrong (and the layer)."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from ..data.errors import DataError
from ..engine import ModelError
from ..export import ExportError
from ..schemas.errors import ErrorResponse
from ..sessions.manager import SessionDeleted, SessionNotFound
from ..sessions.session import SessionError
from ..store.failures import why_it_failed

logger = logging.getLogger(__name__)


def layer_index(loc: Sequence[Any]) -> int | None:
    """The index after 'layers' in an error location, if any."""
    for i, part in enumerate(loc[:-1]):
        if part == "layers" and isinstance(loc[i + 1], int):
            return loc[i + 1]
    return None


def describe_location(loc: Sequence[Any]) -> str:
    """('body', 'model', 'layers', 0, 'dense', 'units') -> 'model.layers[0] (dense).units'."""
    text = ""
    parts = [p for p in loc if p != "body"]
    for i, part in enumerate(parts):
        if isinstance(part, int):
            text += f"[{part}]"
        elif i > 0 and isinstance(parts[i - 1], int) and i >= 2 and parts[i - 2] == "layers":
            text += f" ({part})"  # the discriminator tag pydantic adds after a layer index
        else:
            text += ("." if text else "") + str(part)
    return text or "body"


def _json_safe(value: Any) -> Any:
    """Error details echo the input, which may hold NaN or Inf; JSON must not."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _respond(status: int, message: str, layer: int | None = None, detail: list | None = None) -> JSONResponse:
    body = ErrorResponse(message=message, layer=layer, detail=_json_safe(jsonable_encoder(detail or [])))
    return JSONResponse(status_code=status, content=body.model_dump())


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        for e in errors:
            e.pop("ctx", None)  # may hold exception objects; the message already says it
            e.pop("url", None)
            # The rejected value is not echoed: it may be a secret sent in the wrong place (an owner
            # token), or megabytes; the location and message already say what is wrong.
            e.pop("input", None)
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        message = f"{describe_location(first['loc'])}: {first['msg']}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        return _respond(422, message, layer_index(first["loc"]), errors)

    @app.exception_handler(ModelError)
    async def model_error(_: Request, exc: ModelError) -> JSONResponse:
        loc = ["body", "model"] + (["layers", exc.layer] if exc.layer is not None else [])
        return _respond(422, exc.message, exc.layer, [{"loc": loc, "msg": exc.message, "type": "model"}])

    @app.exception_handler(SessionDeleted)
    async def gone(_: Request, exc: SessionDeleted) -> JSONResponse:
        # When and why, machine-readable too: the page for a deleted session's link shows them.
        deleted = {"type": "session_deleted", "deleted_at": exc.deleted_at.isoformat(), "reason": exc.reason}
        return _respond(410, exc.message(), detail=[{"loc": ["path", "session_id"], "msg": exc.message(), **deleted}])

    @app.exception_handler(SessionNotFound)
    async def not_found(_: Request, exc: SessionNotFound) -> JSONResponse:
        return _respond(404, f"no session with id {exc.args[0]!r}")

    @app.exception_handler(ExportError)
    async def not_exportable(_: Request, exc: ExportError) -> JSONResponse:
        return _respond(501, str(exc))  # the server lacks the translation; the session is fine

    @app.exception_handler(SessionError)
    async def conflict(_: Request, exc: SessionError) -> JSONResponse:
        return _respond(409, str(exc))

    @app.exception_handler(DataError)
    async def data_error(_: Request, exc: DataError) -> JSONResponse:
        return _respond(422, f"dataset: {exc}", None, [{"loc": ["body", "dataset"], "msg": str(exc), "type": "data"}])

    @app.exception_handler(OperationalError)
    async def database_unavailable(_: Request, exc: OperationalError) -> JSONResponse:
        # The disk is full or another program locks the database: nothing was changed; say which.
        logger.warning("database write failed: %s", exc)
        return _respond(
            503, f"the server could not write its database ({why_it_failed(exc)}); nothing was changed, try again later"
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug, not the user's fault: say so plainly; the log has the traceback.
        logger.exception("unhandled error")
        return _respond(500, f"internal error ({type(exc).__name__}): {exc}")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        response = _respond(exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response
