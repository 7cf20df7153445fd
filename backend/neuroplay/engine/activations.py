"""Element-wise activation functions, each with its derivative expressed through its output.

Every derivative here can be written in terms of y = f(u) alone, so layers cache only y and
backward needs no second evaluation of f. Softmax works on the last axis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

Array = np.ndarray


def _linear(u: Array) -> Array:
    return u


def _linear_grad(y: Array, dy: Array) -> Array:
    return dy


def _sigmoid(u: Array) -> Array:
    # The tanh identity never overflows, unlike 1 / (1 + exp(-u)) for large negative u.
    return 0.5 * (1 + np.tanh(0.5 * u))


def _sigmoid_grad(y: Array, dy: Array) -> Array:
    return dy * y * (1 - y)


def _tanh(u: Array) -> Array:
    return np.tanh(u)


def _tanh_grad(y: Array, dy: Array) -> Array:
    return dy * (1 - y * y)


def _relu(u: Array) -> Array:
    return np.maximum(u, 0)


def _relu_grad(y: Array, dy: Array) -> Array:
    return dy * (y > 0)


LEAKY_SLOPE = 0.01  # PyTorch's default negative_slope


def _leaky_relu(u: Array) -> Array:
    return np.where(u > 0, u, u * np.asarray(LEAKY_SLOPE, dtype=u.dtype))


def _leaky_relu_grad(y: Array, dy: Array) -> Array:
    # the slope is positive, so y has the sign of u and y > 0 picks the same branch
    return np.where(y > 0, dy, dy * np.asarray(LEAKY_SLOPE, dtype=dy.dtype))


def _softmax(u: Array) -> Array:
    shifted = u - u.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_grad(y: Array, dy: Array) -> Array:
    # Jacobian-vector product of softmax: y * (dy - <dy, y>) per row.
    return y * (dy - (dy * y).sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class ActivationFn:
    """One activation: its name, the formula shown to learners, f(u) and dL/du from (y, dL/dy)."""

    name: str
    formula: str
    forward: Callable[[Array], Array]
    backward: Callable[[Array, Array], Array]


ACTIVATIONS: Mapping[str, ActivationFn] = MappingProxyType(
    {
        fn.name: fn
        for fn in (
            ActivationFn("linear", "f(x) = x", _linear, _linear_grad),
            ActivationFn("sigmoid", "f(x) = 1 / (1 + e^(-x))", _sigmoid, _sigmoid_grad),
            ActivationFn("tanh", "f(x) = (e^x - e^(-x)) / (e^x + e^(-x))", _tanh, _tanh_grad),
            ActivationFn("relu", "f(x) = max(x, 0)", _relu, _relu_grad),
            ActivationFn("leaky_relu", "f(x) = x if x > 0 else 0.01·x", _leaky_relu, _leaky_relu_grad),
            ActivationFn("softmax", "f(x)_i = e^(x_i) / Σ_j e^(x_j)", _softmax, _softmax_grad),
        )
    }
)


def get_activation(name: str) -> ActivationFn:
    """Look up an activation by name, naming the known ones when it is unknown."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (known: {known})") from None
