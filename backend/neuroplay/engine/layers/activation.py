"""A stand-alone activation layer, e.g. {"type": "activation", "activation": "softmax"}."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from .base import Layer


class Activation(Layer):
    type_tag = "activation"

    def __init__(
        self,
        input_shape: tuple[int, ...],
        activation: str = "relu",
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        self.activation = get_activation(activation)
        self.y: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """Any shape -> the same shape (softmax acts on the last axis)."""
        self.y = self.activation.forward(x)
        return self.y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        assert self.y is not None, "activation: backward before forward"
        return self.activation.backward(self.y, dy) if need_input_grad else None

    def backward_from_preactivation(self, du: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        return du if need_input_grad else None

    def observe(self) -> dict[str, np.ndarray]:
        return {"output": self.y} if self.y is not None else {}

    def config(self) -> dict[str, Any]:
        return {"type": self.type_tag, "activation": self.activation.name}
