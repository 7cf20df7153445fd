"""Losses: value and gradient with respect to the network output, averaged over the batch.

Conventions follow PyTorch so golden values compare one to one: MSE averages over every element;
binary cross-entropy takes probabilities and clamps log at -100; cross-entropy takes softmax
probabilities and integer class labels. When the last layer's activation is the loss's natural partner
(sigmoid for BCE, softmax for cross-entropy), `fused_activation` names it and `grad_wrt_logits`
gives dL/du = (p - y) / m directly, which stays finite where the chained form would divide by zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

Array = np.ndarray


def _mse_value(p: Array, y: Array) -> float:
    d = p - y
    return float(np.vdot(d, d)) / d.size


def _mse_grad(p: Array, y: Array) -> Array:
    return (p - y) * (2.0 / p.size)


# log is clamped near -100 as PyTorch does, by flooring its argument at e^-100 (a float32 subnormal),
# which also keeps log(0) from warning. np.add.reduce is used for means: np.mean costs several
# microseconds of Python overhead, a tenth of a whole training step of a small network.
LOG_FLOOR = np.float32(np.exp(-100.0))


def _sum(a: Array) -> float:
    return float(np.add.reduce(a, axis=None))


def _bce_value(p: Array, y: Array) -> float:
    log_p = np.log(np.maximum(p, LOG_FLOOR))
    log_q = np.log(np.maximum(1 - p, LOG_FLOOR))
    # y ln p + (1 - y) ln(1 - p), rearranged to save two array operations
    return -_sum(log_q + y * (log_p - log_q)) / p.size


def _bce_grad(p: Array, y: Array) -> Array:
    return (p - y) / np.maximum(p * (1 - p), 1e-12) / p.size


def _bce_grad_logits(p: Array, y: Array) -> Array:
    return (p - y) * (1.0 / p.size)


def _bce_logits_value(u: Array, y: Array) -> float:
    # max(u, 0) − u·y + ln(1 + e^(−|u|)): the stable form of BCE(sigmoid(u), y)
    return _sum(np.maximum(u, 0) - u * y + np.log1p(np.exp(-np.abs(u)))) / u.size


def _bce_logits_grad(u: Array, y: Array) -> Array:
    return (0.5 * (1 + np.tanh(0.5 * u)) - y) * (1.0 / u.size)


def _one_hot(labels: Array, classes: int, dtype: np.dtype) -> Array:
    out = np.zeros((labels.shape[0], classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels.astype(np.int64).ravel()] = 1
    return out


def _ce_value(p: Array, y: Array) -> float:
    picked = p[np.arange(p.shape[0]), y.astype(np.int64).ravel()]
    return -_sum(np.log(np.maximum(picked, LOG_FLOOR))) / p.shape[0]


def _ce_grad(p: Array, y: Array) -> Array:
    t = _one_hot(y, p.shape[1], p.dtype)
    return -t / np.maximum(p, 1e-12) / p.shape[0]


def _ce_grad_logits(p: Array, y: Array) -> Array:
    return (p - _one_hot(y, p.shape[1], p.dtype)) * (1.0 / p.shape[0])


@dataclass(frozen=True)
class Loss:
    """A loss: value(p, y), grad(p, y) = dL/dp, and optionally the fused dL/du for its partner.

    `output` says what the network's output means for this loss: "probability" (after sigmoid or
    softmax), "logit" (a raw score; the probability is sigmoid of it) or "value" (regression).
    """

    name: str
    formula: str
    value: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    fused_activation: str | None = None
    grad_wrt_logits: Callable[[Array, Array], Array] | None = None
    output: str = "probability"


LOSSES: Mapping[str, Loss] = MappingProxyType(
    {
        loss.name: loss
        for loss in (
            Loss("mse", "C = 1/m Σ (y − a)²", _mse_value, _mse_grad, output="value"),
            Loss(
                "binary_cross_entropy",
                "C = −1/m Σ [y ln a + (1 − y) ln(1 − a)]",
                _bce_value,
                _bce_grad,
                "sigmoid",
                _bce_grad_logits,
            ),
            Loss(
                "binary_cross_entropy_with_logits",
                "C = −1/m Σ [y ln σ(z) + (1 − y) ln(1 − σ(z))]",
                _bce_logits_value,
                _bce_logits_grad,
                output="logit",
            ),
            Loss(
                "cross_entropy",
                "C = −1/m Σ ln a_y",
                _ce_value,
                _ce_grad,
                "softmax",
                _ce_grad_logits,
            ),
        )
    }
)


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r} (known: {', '.join(LOSSES)})") from None
