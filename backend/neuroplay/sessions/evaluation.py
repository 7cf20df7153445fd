"""Loss and accuracy over a split (whole, or a fixed subsample of it), for the points of the loss curve."""

from __future__ import annotations

import math

import numpy as np

from ..engine import Network
from ..engine.losses import Loss
from ..schemas.session import MetricPoint
from .build import TrainingArrays
from .chunks import chunk_for


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _accuracy(task: str, loss: Loss, p: np.ndarray, y: np.ndarray) -> float | None:
    if task == "binary":
        threshold = 0.0 if loss.output == "logit" else 0.5  # sigmoid(0) = 0.5
        return float(np.mean((p > threshold) == (y > 0.5)))
    if task == "multiclass":
        return float(np.mean(p.argmax(axis=1) == y.ravel().astype(np.int64)))
    return None


def chunk_size(network: Network) -> int:
    widest = max([math.prod(network.input_shape)] + [math.prod(layer.output_shape) for layer in network.layers])
    return chunk_for(widest)


def _split(
    network: Network, loss: Loss, task: str, x: np.ndarray, y: np.ndarray, rows: np.ndarray | None
) -> tuple[float | None, float | None]:
    if rows is not None:
        x, y = x[rows], y[rows]
    if len(x) == 0:
        return None, None
    chunk = chunk_size(network)
    with np.errstate(all="ignore"):  # overflow shows up as a null point, not as a log warning
        if len(x) <= chunk:
            p = network.forward(x, training=False)
        else:
            p = np.concatenate([network.forward(x[i : i + chunk], training=False) for i in range(0, len(x), chunk)])
        return _finite_or_none(loss.value(p, y)), _accuracy(task, loss, p, y)


def evaluate(
    network: Network,
    loss: Loss,
    data: TrainingArrays,
    step: int,
    epoch: int,
    train_rows: np.ndarray | None = None,
    val_rows: np.ndarray | None = None,
) -> MetricPoint:
    """One metric point: training-set and validation-set loss and accuracy with inference behaviour,
    over the whole splits, or over the given rows of each (a subsample; the point says how many)."""
    task = data.task
    train_loss, train_acc = _split(network, loss, task, data.x_train, data.y_train, train_rows)
    val_loss, val_acc = _split(network, loss, task, data.x_val, data.y_val, val_rows)
    return MetricPoint(
        step=step,
        epoch=epoch,
        loss=train_loss,
        val_loss=val_loss,
        accuracy=train_acc,
        val_accuracy=val_acc,
        train_samples=len(data.x_train) if train_rows is None else len(train_rows),
        val_samples=len(data.x_val) if val_rows is None else len(val_rows),
    )
