"""What a session reports when something cannot be done or goes wrong, with its error code."""

from __future__ import annotations

import re
from typing import Any

from ..schemas.error_codes import check_params, code_of, coded
from ..schemas.errors import Problem
from ..schemas.session import Divergence
from .engine_pool import EnginePool, PoolClosed, PoolFull


class SessionError(Exception):
    """A command that cannot be carried out now (HTTP 409)."""


def problem(code: str, message: str, **params: Any) -> Problem:
    """A session's error (SessionState.error): its code and params, and the English `message`."""
    check_params(code, params)
    return Problem(code=code, params=params, message=message)


def not_started(exc: Exception, pool: EnginePool) -> SessionError:
    """Play failed: no engine process could be had (too many sessions train, or shutdown)."""
    error = SessionError(f"training could not start: {exc}")
    if isinstance(exc, PoolFull):
        return coded(error, "training_full", limit=pool.max_busy)
    if isinstance(exc, PoolClosed):
        return coded(error, "server_shutting_down")
    return coded(error, "training_not_started", kind=type(exc).__name__)


def not_resumed(exc: Exception, pool: EnginePool) -> Problem:
    """Training that was running could not go on after a change (no engine process could be had)."""
    code, params = code_of(not_started(exc, pool)) or ("training_not_started", {"kind": type(exc).__name__})
    return problem(code, f"training could not go on: {exc}", **params)


def engine_failed(step: int, exc: BaseException) -> Problem:
    """The engine raised while training (a bug): the run pauses at `step`."""
    return problem(
        "engine_failed", f"engine error at step {step}: {type(exc).__name__}: {exc}", step=step, kind=type(exc).__name__
    )


def engine_not_started(exc: BaseException) -> Problem:
    message = f"the engine could not start: {type(exc).__name__}: {exc}"
    return problem("engine_not_started", message, kind=type(exc).__name__)


def report_failed(exc: BaseException) -> Problem:
    message = f"the end of training could not be handled: {type(exc).__name__}: {exc}"
    return problem("report_failed", message, kind=type(exc).__name__)


def engine_gone(gone: BaseException, exit_code: int | None, step: int) -> Problem:
    message = f"{gone}; the session went back to step {step}, the last state it saved"
    return problem("engine_gone", message, exit_code=exit_code, step=step)


# The engine's words for what went non-finite (engine/training.py): "loss", "outputs of layer 2
# (dense)", "gradients of layer 1 (dense)", "the gradient norm (too large to represent)".
_WHERE = re.compile(r"^(outputs|gradients) of layer (\d+) \((\w+)\)$")


def divergence_params(step: int, where: str) -> dict[str, Any]:
    """The params of code `diverged`: what went NaN/Inf (loss, outputs, gradients, gradient_norm)."""
    match = _WHERE.match(where)
    if match:
        return {"step": step, "what": match.group(1), "layer": int(match.group(2)), "type": match.group(3)}
    what = "loss" if where == "loss" else "gradient_norm" if "gradient norm" in where else "loss"
    return {"step": step, "what": what, "layer": None, "type": None}


def divergence_at(step: int, where: str) -> Divergence:
    return Divergence(
        step=step,
        where=where,
        message=(
            f"training diverged at step {step}: the {where} became NaN or infinite. The weights are "
            "those of the last good step: lower the learning rate (or turn on clipping) and play "
            "again, or reset."
        ),
        code="diverged",
        params=divergence_params(step, where),
    )
