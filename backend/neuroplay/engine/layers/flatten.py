"""Flatten: (N, *shape) -> (N, prod(shape)) in C order, the order of PyTorch's nn.Flatten on NCHW.

So a dense layer after (C, H, W) feature maps sees channel 0's rows first, then channel 1's, ...,
and weights copied to or from PyTorch line up one to one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .base import Layer, ShapeError


class Flatten(Layer):
    type_tag = "flatten"

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        return (math.prod(input_shape),), 0

    def __init__(
        self,
        input_shape: tuple[int, ...],
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        if not self.input_shape:
            raise ShapeError("flatten needs an input with at least one axis besides the batch, got []")
        self.output_shape = (math.prod(self.input_shape),)
        self.y: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (N, *input_shape) -> y: (N, prod(input_shape)) (a view when x is contiguous)."""
        self.y = x.reshape(x.shape[0], self.output_shape[0])
        return self.y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (N, prod(input_shape)) -> dx: (N, *input_shape)."""
        return dy.reshape((dy.shape[0],) + self.input_shape) if need_input_grad else None

    def observe(self) -> dict[str, np.ndarray]:
        return {"output": self.y} if self.y is not None else {}

    def config(self) -> dict[str, Any]:
        return {"type": self.type_tag}
