"""Optimizers. Each keeps its own state keyed by (layer index, param name); layers never own one.

`learning_rate` and `l2` are plain attributes, so they can change between steps without losing state.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Iterable, Mapping

import numpy as np

ParamKey = tuple[int, str]
ParamGrad = tuple[ParamKey, np.ndarray, np.ndarray]


class SGD:
    """θ ← θ − η (∇C + λ θ); λ is the L2 weight-decay coefficient."""

    name = "sgd"

    def __init__(self, learning_rate: float, l2: float = 0.0) -> None:
        self.learning_rate = float(learning_rate)
        self.l2 = float(l2)
        self.state: dict[ParamKey, dict[str, np.ndarray]] = {}

    def step(self, params_and_grads: Iterable[ParamGrad]) -> None:
        lr, l2 = np.float32(self.learning_rate), np.float32(self.l2)
        for _key, p, g in params_and_grads:
            if l2:
                g = g + l2 * p
            p -= lr * g


OPTIMIZERS: Mapping[str, Callable[..., SGD]] = MappingProxyType({"sgd": SGD})


def make_optimizer(name: str, learning_rate: float, l2: float = 0.0) -> SGD:
    try:
        return OPTIMIZERS[name](learning_rate=learning_rate, l2=l2)
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZERS)})") from None
