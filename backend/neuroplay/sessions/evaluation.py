"""Loss and accuracy over a split (whole, or a fixed subsample of it), for the points of the loss curve."""

from __future__ import annotations

import math

import numpy as np

from ..engine import Network
from ..engine.losses import Loss
from ..schemas.session import MetricPoint
from .build import TrainingArrays


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _accuracy(task: str, loss: Loss, p: np.ndarray, y: np.ndarray) -> float | None:
    if task == "binary":
        threshold = 0.0 if loss.output == "logit" else 0.5  # sigmoid(0) = 0.5
        return float(np.mean((p > threshold) == (y > 0.5)))
    if task == "multiclass":
        return float(np.mean(p.argmax(axis=1) == y.ravel().astype(np.int64)))
    return None


# Samples per forward pass when scoring a split: the activations (and a convolution's im2col
# columns) of a whole image set at once could take gigabytes; the outputs are small. 1,024 28x28
# images made 79 MB im2col arrays, far past the cache: scoring took 1.6x as long per sample as with
# 256 (docs/performance.md). 256 still scores a default 2-D split in one pass.
EVAL_CHUNK = 256


def _split(
    network: Network, loss: Loss, task: str, x: np.ndarray, y: np.ndarray, rows: np.ndarray | None
) -> tuple[float | None, float | None]:
    if rows is not None:
        x, y = x[rows], y[rows]
    if len(x) == 0:
        return None, None
    with np.errstate(all="ignore"):  # overflow shows up as a null point, not as a log warning
        if len(x) <= EVAL_CHUNK:
            p = network.forward(x, training=False)
        else:
            p = np.concatenate(
                [network.forward(x[i : i + EVAL_CHUNK], training=False) for i in range(0, len(x), EVAL_CHUNK)]
            )
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
