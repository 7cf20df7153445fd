"""GET /api/sessions/{id}/landscape: the training loss over a plane through the current weights."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel
from .training import OptimizerName

LandscapeAxes = Literal["entries", "random"]


class ProjectionPart(WireModel):
    """Entries start … start+len(x)−1 (flat, C order) of one parameter's rows of the plane's projection
    matrix P = G⁻¹·D: where weights θ sit on the plane is center + P·θ − origin, summed over parts."""

    param: str = Field(description="layer{i}.{name}, as the weights download and the weights view name it.")
    start: int = Field(ge=0, description="The first flat index of the parameter these rows cover.")
    x: list[float] = Field(description="Row 1 of P (the x axis) over the covered entries.")
    y: list[float] = Field(description="Row 2 of P (the y axis) over the covered entries.")


class OptimizerStep(WireModel):
    """The optimizer's real next update from where training stands, taken on a copy (nothing changes):
    the next `step` command's batch, with its augmentation and dropout, clipping, L2, frozen entries and
    the optimizer's own state (momentum's velocity, Adam's and RMSprop's averages), projected onto the
    plane. Plain gradient descent over the whole training set would move by −η·`gradient` instead."""

    optimizer: OptimizerName
    learning_rate: float
    batch: int = Field(description="Samples in the batch that step trains on.")
    step: list[float] = Field(description="P·(θ_next − θ) in axis units: where the point moves on the map.")
    in_plane: float = Field(
        ge=0,
        le=1,
        description="The share of the step's length that lies in the plane (1: all of it; the rest changes weights "
        "the plane holds fixed, or leaves a random plane).",
    )


class TrailPoint(WireModel):
    step: int
    x: float
    y: float


class LandscapeTrail(WireModel):
    """Where the weights the session showed before `step` sit on the plane (center + P·θ − origin), oldest
    first: real snapshots of this network (one per display frame while it played, one per step or edit
    while stopped), evenly thinned to at most a few hundred."""

    points: list[TrailPoint]
    since_step: int = Field(
        description="The first step kept: the network's first (0), or the step the server loaded it at or "
        "went back to (a restore)."
    )
    thinned: bool = Field(description="Points were left out, evenly, to stay within the server's memory budget.")


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
    gradient: list[float] | None = Field(
        description="∇L at the centre (whole training set, inference mode, no L2) projected onto the plane in "
        "axis units: (∂L/∂x, ∂L/∂y) for two entries. Plain gradient descent of learning rate η steps by "
        "−η·gradient. Null when not finite."
    )
    projection: list[ProjectionPart] | None = Field(
        description="Where any weights θ sit on the plane: center + Σ parts P·θ − origin (the optimizer's path). "
        "Null for a model too large to send it (more than 60,000 parameters)."
    )
    origin: list[float] = Field(description="P·θ0 for the weights the landscape was computed at.")
    next_step: OptimizerStep | None = Field(
        None, description="The optimizer's real next step (null when it would diverge, or there is no plane)."
    )
    trail: LandscapeTrail | None = Field(
        None,
        description="The path before this answer's step; null when the server keeps no past weights for a model "
        "this large (more than about 31,000 weights): the browser's path then starts when its tab opened.",
    )
