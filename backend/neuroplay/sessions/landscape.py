"""A session's loss landscape (engine/landscape.py) at the exact state training stands at (a running
session pauses for the copy, as for a fork), on a copy network, with the optimizer's real next step
(training_point.py) projected onto the plane."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import Network, build_network, get_loss
from ..engine.landscape import entry_direction, flat_weights, loss_surface, random_directions
from ..engine.landscape_gradient import full_gradient, plane_projection
from ..schemas.landscape import LandscapeResponse, LandscapeTrail, OptimizerStep, ProjectionPart, TrailPoint
from .param_edits import missing_param
from .training_point import TrainingPoint, next_update
from .weight_trail import TrailView

if TYPE_CHECKING:
    from .session import Session

# Forward work allowed for one landscape, in grid points × training samples × parameters: about a
# few seconds of one core. Beyond it the learner is asked for a smaller grid.
MAX_WORK = 4e9
# The projection rows (two floats per parameter) are sent for models up to this size: about 1.5 MB of
# JSON. Beyond it the browser cannot draw the path along random directions (entry axes send two
# numbers whatever the size).
MAX_PROJECTED = 60_000
ENTRY = re.compile(r"^layer(\d+)\.(\w+)\[(\d+(?:,\s*\d+)*)\]$")


class LandscapeError(ValueError):
    """A request that does not fit the model; `field` names the query parameter to blame, `reason`
    is a validation reason (schemas/error_codes.VALIDATION_REASONS) with its values in `ctx`."""

    def __init__(self, field: str, message: str, reason: str, **ctx: Any) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.reason = reason
        self.ctx = ctx


def entry_names(network: Network, limit: int, frozen: Mapping[tuple[int, str], np.ndarray] | None = None) -> list[str]:
    """The first `limit` entries' names, layer{i}.{name}[index], in parameter order, leaving out
    those `frozen` marks."""
    frozen = frozen or {}
    names = (
        f"layer{i}.{name}[{', '.join(map(str, idx))}]"
        for (i, name), p, _ in network.parameters()
        for idx in np.ndindex(p.shape)
        if (i, name) not in frozen or not frozen[(i, name)][idx]
    )
    return list(islice(names, limit))


def parse_entry(field: str, text: str, network: Network) -> tuple[int, str, tuple[int, ...]]:
    match = ENTRY.match(text.strip())
    if match is None:
        message = f"{field} must name a parameter entry like layer0.W[0, 1], got {text!r}"
        raise LandscapeError(field, message, "entry_syntax")
    layer, name = int(match.group(1)), match.group(2)
    index = tuple(int(part) for part in match.group(3).split(","))
    missing = missing_param(field, network, layer, name)
    if missing is not None:
        message = f"{field}: the model has no parameter {name!r} in layer {layer}"
        raise LandscapeError(field, message, missing.reason, **missing.ctx)
    shape = network.layers[layer].params[name].shape
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape, strict=False)):
        message = f"{field}: index {list(index)} is not an entry of layer{layer}.{name}, shape {list(shape)}"
        entry = f"layer{layer}.{name}"
        raise LandscapeError(field, message, "no_such_entry", entry=entry, index=list(index), shape=list(shape))
    return layer, name, index


def landscape(
    session: Session,
    axes: str | None,
    x: str | None,
    y: str | None,
    span: float,
    size: int,
    seed: int,
) -> LandscapeResponse:
    point = session.training_point()
    specs, data, frozen = point.specs, point.data, point.frozen
    network = build_network(specs.model)
    network.set_weights(point.state.weights)
    count = network.param_count()
    # Two numbers left to train (the model has two, or the learner froze all others): the true landscape.
    trainable = count - sum(int(mask.sum()) for mask in frozen.values())
    if count == 0:
        raise LandscapeError(
            "axes", "the model has no trainable parameters, so there is no landscape", "no_trainable_params"
        )
    if axes is None:
        axes = "entries" if trainable == 2 or x is not None or y is not None else "random"
    work = size * size * len(data.x_train) * count
    if work > MAX_WORK:
        fits = int((MAX_WORK / (len(data.x_train) * count)) ** 0.5)
        smaller = fits if fits % 2 else fits - 1  # the largest odd size within the budget
        advice = f"use size {smaller} or less" if smaller >= 3 else "even a 3×3 grid is too much for this model"
        message = (
            f"a {size}×{size} grid over {len(data.x_train)} training samples and {count:,} parameters is too much "
            f"work for the server; {advice}"
        )
        work_params = {"size": size, "samples": len(data.x_train), "count": count}
        if smaller >= 3:
            raise LandscapeError("size", message, "landscape_too_much_work", **work_params, largest=smaller)
        raise LandscapeError("size", message, "landscape_too_much_work_any", **work_params)
    offsets = np.linspace(-span, span, size)
    if axes == "entries":
        if trainable == 2 and x is None and y is None:
            x, y = entry_names(network, 2, frozen)
        if x is None or y is None:
            examples = entry_names(network, 3)
            message = f"axes=entries needs x and y, parameter entries such as {', '.join(examples)}"
            raise LandscapeError("x" if x is None else "y", message, "entries_needed", examples=examples)
        ex, ey = parse_entry("x", x, network), parse_entry("y", y, network)
        if ex == ey:
            raise LandscapeError("y", "x and y name the same entry", "same_entry")
        (d1, x0), (d2, y0) = entry_direction(network, *ex), entry_direction(network, *ey)
        labels, center = (x.strip(), y.strip()), [x0, y0]
        xs, ys = x0 + offsets, y0 + offsets
    else:
        d1, d2 = random_directions(network, seed)
        labels, center = ("direction 1", "direction 2"), [0.0, 0.0]
        xs = ys = offsets
    grid = loss_surface(
        network, get_loss(specs.resolved_loss()), data.x_train, data.y_train, (d1, d2), offsets, offsets
    )
    middle = grid[size // 2, size // 2]
    p, gradient, projection, origin = _plane_geometry(
        network, specs.resolved_loss(), data.x_train, data.y_train, d1, d2
    )
    return LandscapeResponse(
        step=point.state.step,
        generation=point.generation,
        axes="entries" if axes == "entries" else "random",
        x_label=labels[0],
        y_label=labels[1],
        x=[float(v) for v in xs],
        y=[float(v) for v in ys],
        center=center,
        center_loss=float(middle) if np.isfinite(middle) else None,
        loss=[[float(v) if np.isfinite(v) else None for v in row] for row in grid],
        samples=len(data.x_train),
        gradient=gradient,
        projection=projection,
        origin=origin,
        next_step=None if p is None else _next_step(point, p, np.stack([d1, d2]).astype(np.float64)),
        trail=None if p is None else _trail(session.trail.view(), network, p, np.array(center) - origin, point),
    )


def _parts(network: Network, p: np.ndarray) -> list[ProjectionPart] | None:
    """P's rows cut per parameter to the span of entries where either row is non-zero."""
    parts, offset = [], 0
    for (i, name), param, _ in network.parameters():
        rows = p[:, offset : offset + param.size]
        offset += param.size
        nonzero = np.flatnonzero(np.any(rows != 0, axis=0))
        if not len(nonzero):
            continue
        lo, hi = int(nonzero[0]), int(nonzero[-1]) + 1
        parts.append(
            ProjectionPart(param=f"layer{i}.{name}", start=lo, x=rows[0, lo:hi].tolist(), y=rows[1, lo:hi].tolist())
        )
    if sum(len(part.x) for part in parts) > MAX_PROJECTED:
        return None
    return parts


def _plane_geometry(
    network: Network, loss_name: str, x: np.ndarray, y: np.ndarray, d1: np.ndarray, d2: np.ndarray
) -> tuple[np.ndarray | None, list[float] | None, list[ProjectionPart] | None, list[float]]:
    """P, the projected gradient at θ0, P's parts and P·θ0 (engine/landscape_gradient.py); the
    network's weights are θ0 before and after."""
    try:
        p = plane_projection(d1, d2)
    except np.linalg.LinAlgError:  # a direction of all zeros (every weight zero): no plane to project on
        return None, None, None, [0.0, 0.0]
    theta = flat_weights(network).astype(np.float64)
    g = p @ full_gradient(network, get_loss(loss_name), x, y)
    gradient = [float(v) for v in g] if np.isfinite(g).all() else None
    return p, gradient, _parts(network, p), [float(v) for v in p @ theta]


def _trail(
    view: TrailView | None, network: Network, p: np.ndarray, shift: np.ndarray, point: TrainingPoint
) -> LandscapeTrail | None:
    """The kept weights before the point's step, projected: shift + P·θ (shift = center − origin)."""
    if view is None:
        return None
    step = point.state.step
    if view.generation != point.generation:  # a new network since the trail was read: nothing of it
        return LandscapeTrail(points=[], since_step=step, thinned=False)
    keys = [f"layer{i}.{name}" for (i, name), _, _ in network.parameters()]
    points = []
    for at, weights in view.points:
        if at >= step:
            continue
        theta = np.concatenate([np.asarray(weights[key], dtype=np.float64).ravel() for key in keys])
        x, y = shift + p @ theta
        if np.isfinite(x) and np.isfinite(y):
            points.append(TrailPoint(step=at, x=float(x), y=float(y)))
    since = view.points[0][0] if view.points else step
    return LandscapeTrail(points=points, since_step=min(since, step), thinned=view.thinned)


def _next_step(point: TrainingPoint, p: np.ndarray, directions: np.ndarray) -> OptimizerStep | None:
    """The optimizer's real next batch step projected onto the plane (P·Δθ), and the share of its
    length the plane holds (the rest leaves the plane: other weights, or off a random plane)."""
    update = next_update(point)
    if update is None:
        return None
    on_plane = p @ update.delta
    length = float(np.linalg.norm(update.delta))
    shadow = float(np.linalg.norm(directions.T @ on_plane))
    training = point.specs.training
    return OptimizerStep(
        optimizer=training.optimizer,
        learning_rate=training.learning_rate,
        batch=update.batch,
        step=[float(v) for v in on_plane],
        in_plane=min(1.0, shadow / length) if length > 0 else 1.0,
    )
