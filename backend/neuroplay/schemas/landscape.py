"""GET /api/sessions/{id}/landscape: the training loss over a plane through the current weights."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel

LandscapeAxes = Literal["entries", "random"]


class LandscapeResponse(WireModel):
    """`loss[j][i]` is the training-set loss (inference mode) at x[i], y[j]; null where not finite.

    axes "entries": x and y are the values of two parameter entries (the others as they are; the
    default when exactly two entries are trainable, the model's only two or the two left unfrozen);
    "random": offsets along two seeded random directions, each scaled per parameter array to that
    array's norm; (0, 0) is the current weights."""

    step: int
    generation: int
    axes: LandscapeAxes
    x_label: str = Field(description="layer{i}.{name}[index] of the x entry, or 'direction 1'.")
    y_label: str
    x: list[float]
    y: list[float]
    center: list[float] = Field(description="Where the current weights are, in x and y.")
    center_loss: float | None
    loss: list[list[float | None]]
    samples: int = Field(description="Training samples each point is scored on.")
