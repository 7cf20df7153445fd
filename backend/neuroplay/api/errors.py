"""Every error the API gives is an ErrorResponse whose message names what is wrong (and the layer),
with a code and params from schemas/error_codes.py so the browser can say it in the learner's language."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from ..cluster import HELD_BY
from ..data.errors import DataError
from ..engine import ModelError
from ..export import ExportError
from ..schemas.error_codes import VALIDATION_REASONS, code_of
from ..schemas.errors import ErrorResponse
from ..sessions.cluster_holding import HeldElsewhere
from ..sessions.manager import SessionDeleted, SessionNotFound, UploadStorageFull
from ..sessions.session import SessionError
from ..store.failures import cause_of, kind_of, why_it_failed

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


def _plain(value: Any) -> Any:
    """A param value the wire format takes: numbers, strings, lists of them; anything else as text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, str)) and not isinstance(v, bool) for v in value):
        return list(value) if len({type(v) for v in value}) <= 1 else [str(v) for v in value]
    return str(value)


def _layer_type(loc: Sequence[Any]) -> str | None:
    """The discriminator tag pydantic puts after a layer's index, when the error is inside that layer."""
    for i, part in enumerate(loc[:-2]):
        if part == "layers" and isinstance(loc[i + 1], int) and isinstance(loc[i + 2], str):
            return str(loc[i + 2])
    return None


def validation_params(errors: Sequence[Any]) -> dict[str, Any]:
    """The params of code `invalid` for the first of pydantic's errors (each still with its `ctx`)."""
    first: dict[str, Any] = dict(errors[0]) if errors else {"loc": (), "msg": "invalid request", "type": "other"}
    loc = tuple(first.get("loc", ()))
    layer_type = _layer_type(loc)
    names = [p for p in loc if isinstance(p, str) and p not in ("body", "query", "path")]
    if layer_type is not None and names and names[-1] == layer_type:
        names = names[:-1]  # the error is about the layer itself (its tag), not one of its settings
    reason = first.get("type", "other") if first.get("type") in VALIDATION_REASONS else "other"
    ctx = first.get("ctx") or {}
    params: dict[str, Any] = {
        "where": describe_location(loc),
        "field": names[-1] if names else None,
        "layer": layer_index(loc),
        "type": layer_type,
        "reason": reason,
        "detail": str(first.get("msg", "")),
        "more": max(0, len(errors) - 1),
    }
    params.update({name: _plain(ctx.get(name)) for name in VALIDATION_REASONS[reason]})
    return params


def probe_index_problem(exc: BaseException, loc: tuple[str, ...]) -> dict[str, Any]:
    """A probe index past the split as one of pydantic's errors (reason probe_out_of_range)."""
    problem = code_of(exc)
    ctx = problem[1] if problem else {}
    return {"loc": loc, "msg": str(exc), "type": "probe_out_of_range" if problem else "value_error", "ctx": ctx}


def _respond(
    status: int,
    message: str,
    code: str,
    params: dict[str, Any] | None = None,
    layer: int | None = None,
    detail: list | None = None,
) -> JSONResponse:
    body = ErrorResponse(
        message=message,
        code=code,
        params={k: _plain(v) for k, v in (params or {}).items()},
        layer=layer,
        detail=_json_safe(jsonable_encoder(detail or [])),
    )
    return JSONResponse(status_code=status, content=body.model_dump())


def _coded(exc: BaseException, fallback: str, **params: Any) -> tuple[str, dict[str, Any]]:
    """The code the raiser attached (schemas.error_codes.coded), else `fallback` with `params`."""
    return code_of(exc) or (fallback, params)


def deleted_problem(exc: SessionDeleted) -> tuple[str, dict[str, Any]]:
    # sessions/retention.py's wording (`days` as Python's :g writes it, 90 or 2.31481e-05)
    days = re.search(r"not opened for (\d[\d.]*(?:e[+-]?\d+)?) days", exc.reason)
    date = f"{exc.deleted_at:%Y-%m-%d}"
    if days:
        return "session_deleted_unused", {"id": exc.args[0], "date": date, "days": float(days.group(1))}
    return "session_deleted", {"id": exc.args[0], "date": date, "reason": exc.reason}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        params = validation_params(errors)
        for e in errors:
            e.pop("ctx", None)  # may hold exception objects; the message already says it
            e.pop("url", None)
            # The rejected value is not echoed: it may be a secret sent in the wrong place (an owner
            # token), or megabytes; the location and message already say what is wrong.
            e.pop("input", None)
        message = f"{params['where']}: {params['detail']}"
        if params["more"]:
            message += f" (and {params['more']} more)"
        return _respond(422, message, "invalid", params, params["layer"], errors)

    @app.exception_handler(ModelError)
    async def model_error(_: Request, exc: ModelError) -> JSONResponse:
        loc = ["body", "model"] + (["layers", exc.layer] if exc.layer is not None else [])
        # detail's msg is the reason alone (as pydantic's are): loc already says where.
        detail = [{"loc": loc, "msg": exc.reason, "type": "model"}]
        # (the build explains every ModelError it raises: sessions/layer_problems.py; these are for a bug)
        if exc.layer is not None:
            code, params = _coded(exc, "layer_invalid", layer=exc.layer, type=None, shape=None)
        else:
            code, params = _coded(exc, "model_invalid", input_shape=None)
        return _respond(422, exc.message, code, params, exc.layer, detail)

    @app.exception_handler(SessionDeleted)
    async def gone(_: Request, exc: SessionDeleted) -> JSONResponse:
        # When and why, machine-readable too: the page for a deleted session's link shows them.
        deleted = {"type": "session_deleted", "deleted_at": exc.deleted_at.isoformat(), "reason": exc.reason}
        detail = [{"loc": ["path", "session_id"], "msg": exc.message(), **deleted}]
        return _respond(410, exc.message(), *deleted_problem(exc), detail=detail)

    @app.exception_handler(HeldElsewhere)
    async def held_elsewhere(_: Request, exc: HeldElsewhere) -> JSONResponse:
        # Many servers: the routing middleware sends the request on to the node named here.
        message = "the session is moving to another server; try again in a moment"
        response = _respond(503, message, "session_moving", {})
        response.headers[HELD_BY] = exc.node
        response.headers["retry-after"] = "1"
        return response

    @app.exception_handler(SessionNotFound)
    async def not_found(_: Request, exc: SessionNotFound) -> JSONResponse:
        return _respond(404, f"no session with id {exc.args[0]!r}", "session_not_found", {"id": exc.args[0]})

    @app.exception_handler(ExportError)
    async def not_exportable(_: Request, exc: ExportError) -> JSONResponse:
        # the server lacks the translation; the session is fine
        return _respond(501, str(exc), *_coded(exc, "export_unsupported"))

    @app.exception_handler(SessionError)
    async def conflict(_: Request, exc: SessionError) -> JSONResponse:
        return _respond(409, str(exc), *_coded(exc, "training_not_started", kind=type(exc).__name__))

    @app.exception_handler(UploadStorageFull)
    async def storage_full(_: Request, exc: UploadStorageFull) -> JSONResponse:
        return _respond(507, str(exc), *_coded(exc, "upload_storage_full", limit=None))

    @app.exception_handler(DataError)
    async def data_error(_: Request, exc: DataError) -> JSONResponse:
        code, params = _coded(exc, "upload_invalid")
        return _respond(
            422, f"dataset: {exc}", code, params, None, [{"loc": ["body", "dataset"], "msg": str(exc), "type": "data"}]
        )

    @app.exception_handler(OperationalError)
    async def database_unavailable(_: Request, exc: OperationalError) -> JSONResponse:
        # The disk is full or another program locks the database: nothing was changed; say which.
        logger.warning("database write failed: %s", exc)
        cause = cause_of(exc)
        return _respond(
            503,
            f"the server could not write its database ({why_it_failed(exc)}); nothing was changed, try again later",
            "database_unavailable",
            {"cause": cause, "kind": kind_of(exc)},
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug, not the user's fault: say so plainly; the log has the traceback.
        logger.exception("unhandled error")
        kind = type(exc).__name__
        return _respond(500, f"internal error ({kind}): {exc}", "internal", {"kind": kind, "detail": str(exc)})

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code, params = _coded(exc, "http_error", status=exc.status_code, detail=str(exc.detail))
        response = _respond(exc.status_code, str(exc.detail), code, params)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response
