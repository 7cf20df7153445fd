"""What a session reports when something cannot be done or goes wrong, with its error code."""

from __future__ import annotations

import re
from typing import Any

from ..schemas.error_codes import coded
from ..schemas.session import Divergence
from .engine_pool import EnginePool, PoolFull


class SessionError(Exception):
    """A command that cannot be carried out now (HTTP 409)."""


def not_started(exc: Exception, pool: EnginePool) -> SessionError:
    """Play failed: no engine process could be had (too many sessions train, or shutdown)."""
    error = SessionError(f"training could not start: {exc}")
    if isinstance(exc, PoolFull):
        return coded(error, "training_full", limit=pool.max_busy)
    return coded(error, "training_not_started", detail=str(exc))


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
