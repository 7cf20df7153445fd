"""Fully connected layer with a fused element-wise activation: y = f(x @ W + b).

W has shape (in, out) and b shape (out,), as PyTorch's Linear stores W transposed. On a sequence
(time, features) it acts on every time step alike, as Keras's Dense does on the last axis, so an RNN
with return_sequences can feed it; a 3-D feature map needs a flatten layer first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from ..init import get_initialiser
from .base import Layer, ShapeError, present


class Dense(Layer):
    type_tag = "dense"
    input_ranks = (1, 2)
    param_names = ("W", "b")
    painted_params = ("W",)

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        units, bias = int(settings["units"]), settings.get("use_bias", True)
        if len(input_shape) not in (1, 2):
            return tuple(input_shape), 0
        return (*input_shape[:-1], units), input_shape[-1] * units + (units if bias else 0)

    def __init__(
        self,
        input_shape: tuple[int, ...],
        units: int,
        activation: str = "linear",
        use_bias: bool = True,
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        if len(self.input_shape) not in (1, 2):
            raise ShapeError(
                f"dense needs a flat input (features,) or a sequence (time, features), got shape "
                f"{list(self.input_shape)}; put a flatten layer before it"
            )
        if not isinstance(units, int) or units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}")
        self.units = units
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        fan_in = self.input_shape[-1]
        rng = rng if rng is not None else np.random.default_rng(0)
        self.params["W"] = get_initialiser(init)((fan_in, units), fan_in, units, rng)
        if use_bias:
            self.params["b"] = np.zeros(units, dtype=np.float32)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.output_shape = (*self.input_shape[:-1], units)
        # Forward caches: the input (for dW), pre-activation u (shown to learners) and output y.
        self.x: np.ndarray | None = None
        self.u: np.ndarray | None = None
        self.y: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (batch, in) -> y: (batch, units); or (batch, time, in) -> (batch, time, units)."""
        u = x @ self.params["W"]
        if self.use_bias:
            u += self.params["b"]
        y = self.activation.forward(u)
        self.x, self.u, self.y = x, u, y
        return y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (batch, units) -> dx: (batch, in); fills grads W and b."""
        assert self.y is not None, "dense: backward before forward"
        return self.backward_from_preactivation(self.activation.backward(self.y, dy), need_input_grad)

    def backward_from_preactivation(self, du: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backward from dL/du, for losses fused with this layer's activation (softmax, sigmoid)."""
        x = self.x
        assert x is not None, "dense: backward before forward"
        if x.ndim == 3:  # a sequence: every time step is one more sample for the weights
            x, du_flat = x.reshape(-1, x.shape[-1]), du.reshape(-1, du.shape[-1])
        else:
            du_flat = du
        self.grads["W"] = x.T @ du_flat
        if self.use_bias:
            self.grads["b"] = np.add.reduce(du_flat, axis=0)  # du.sum(0) without the method overhead
        return du @ self.params["W"].T if need_input_grad else None

    def observe(self) -> dict[str, np.ndarray]:
        seen = {"input": self.x, "preactivation": self.u, "output": self.y}
        return present(seen)

    def config(self) -> dict[str, Any]:
        return {
            "type": self.type_tag,
            "units": self.units,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
        }
