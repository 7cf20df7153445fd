"""2-D convolution with a fused element-wise activation: y = f(conv(x, W) + b), data NCHW.

W has shape (filters, in_channels, k, k) and b shape (filters,), as PyTorch's Conv2d stores them
(the operation is cross-correlation, as in every deep-learning library). Square kernels only.

padding "valid": no padding, output size floor((in - k) / stride) + 1 (the kernel must fit).
padding "same": output size ceil(in / stride), with zeros added as TensorFlow and PyTorch do:
total = max((out - 1) * stride + k - in, 0) per axis, total // 2 before (top / left) and the rest
after (bottom / right). For stride 1 and an odd kernel that is (k - 1) / 2 on every side; an even
kernel puts its extra row and column at the bottom and right.

Forward builds im2col columns for the whole batch (see im2col.py) and does one matrix product;
backward does one for dW (and db, through a row of ones) and one for the columns' gradient, which
col2im adds back onto the pixels. Outputs and input gradients are channel-major (C, N, H, W) arrays
handed on as (N, C, H, W) views (im2col.py says why).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from ..init import get_initialiser
from .base import Layer, present
from .im2col import (
    ConvGeometry,
    col2im,
    im2col,
    image_shape,
    image_to_positions,
    new_cols,
    positions_to_image,
    positive_int,
    weight_matrix,
    window_fits,
)
from .scratch import Scratch

PADDINGS = ("valid", "same")


class Conv2D(Layer):
    type_tag = "conv2d"
    input_ranks = (3,)
    param_names = ("W", "b")
    painted_params = ("W",)

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        filters, k = int(settings.get("filters", 8)), int(settings.get("kernel_size", 3))
        if len(input_shape) != 3:
            return tuple(input_shape), 0
        g = ConvGeometry.build(input_shape, k, int(settings.get("stride", 1)), settings.get("padding", "valid"))
        bias = filters if settings.get("use_bias", True) else 0
        return (filters, g.out_height, g.out_width), filters * input_shape[0] * k * k + bias

    def __init__(
        self,
        input_shape: tuple[int, ...],
        filters: int = 8,
        kernel_size: int = 3,
        stride: int = 1,
        padding: str = "valid",
        use_bias: bool = True,
        activation: str = "relu",
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        self.filters = positive_int("filters", filters)  # output channels
        self.kernel_size = positive_int("kernel_size", kernel_size)  # square kernel side
        self.stride = positive_int("stride", stride)  # step between windows, both axes
        if padding not in PADDINGS:
            raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
        self.padding = padding
        if not isinstance(use_bias, bool):
            raise ValueError(f"use_bias must be true or false, got {use_bias!r}")
        self.use_bias = use_bias
        if activation == "softmax":
            raise ValueError(
                "activation 'softmax' is not supported by conv2d: it would normalise along the image "
                "width, not across classes; use relu, tanh, sigmoid or linear here, and softmax after "
                "flatten and dense"
            )
        self.activation = get_activation(activation)
        image = image_shape(self.type_tag, self.input_shape)
        window_fits(self.type_tag, "kernel_size", self.kernel_size, self.input_shape)
        self.geometry = ConvGeometry.build(image, self.kernel_size, self.stride, padding)
        g = self.geometry
        self.output_shape = (self.filters, g.out_height, g.out_width)

        in_ch, k = image[0], self.kernel_size
        rng = rng if rng is not None else np.random.default_rng(0)
        shape = (self.filters, in_ch, k, k)
        self.params["W"] = get_initialiser(init)(shape, in_ch * k * k, self.filters * k * k, rng)
        if use_bias:
            self.params["b"] = np.zeros(self.filters, dtype=np.float32)
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        # Forward caches: x (shown), cols (for dW), pre-activation u (shown) and output y (shown), and
        # y's (O, N * positions) rows, which f' reads.
        self.scratch = Scratch()  # padded input, columns, their gradient: reused from pass to pass
        self.x: np.ndarray | None = None
        self.cols: np.ndarray | None = None
        self.u: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.y_rows: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (N, C, H, W) -> y: (N, filters, out_h, out_w), a channel-major view."""
        g = self.geometry
        w = weight_matrix(self.params["W"], self.params["b"] if self.use_bias else None)
        n, dtype = x.shape[0], np.result_type(x, w)
        cols = self.scratch.get("cols", (g.rows + self.use_bias, n * g.positions), dtype, new_cols(self.use_bias))
        rows = np.matmul(w, im2col(x, g, cols, self.scratch))  # (filters, N * positions)
        # The activation runs on the contiguous rows (wide rows' few garbage columns included):
        # element-wise loops over a strided image view cost several times more.
        out = self.activation.forward(rows)
        self.x, self.cols, self.y_rows = x, cols, out
        self.u, self.y = positions_to_image(rows, g, n), positions_to_image(out, g, n)
        return self.y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (N, filters, out_h, out_w) -> dx: (N, C, H, W); fills grads W and b."""
        assert self.y is not None, "conv2d: backward before forward"
        return self._backward(dy, need_input_grad, through_activation=True)

    def backward_from_preactivation(self, du: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backward from dL/du (the gradient before the activation)."""
        return self._backward(du, need_input_grad, through_activation=False)

    def _backward(self, d: np.ndarray, need_input_grad: bool, through_activation: bool) -> np.ndarray | None:
        """Backward from dL/dy (through_activation) or dL/du, the whole batch in three matrix products."""
        g, y_rows, cols = self.geometry, self.y_rows, self.cols
        assert y_rows is not None and cols is not None, "conv2d: backward before forward"
        n = d.shape[0]
        d_rows = image_to_positions(d, g, self.scratch)  # (filters, N * positions), zero garbage
        # f' on the contiguous rows too: garbage positions stay zero (0 times a finite slope).
        du = self.activation.backward(y_rows, d_rows) if through_activation else d_rows
        g_rows = du @ cols.T  # (filters, K [+ 1]): the ones row gives db
        self.grads["W"] = g_rows[:, : g.rows].reshape(self.params["W"].shape).copy()
        if self.use_bias:
            self.grads["b"] = g_rows[:, g.rows].copy()
        if not need_input_grad:
            return None
        w_rows = weight_matrix(self.params["W"], None).T  # (K, filters)
        dcols = self.scratch.get("dcols", (g.rows, n * g.positions), du.dtype, np.empty)
        np.matmul(w_rows, du, out=dcols)
        return col2im(dcols, g, self.scratch, n).swapaxes(0, 1)

    def observe(self) -> dict[str, np.ndarray]:
        """input (N, C, H, W); preactivation and output, the feature maps (N, filters, out_h, out_w)."""
        seen = {"input": self.x, "preactivation": self.u, "output": self.y}
        return present(seen)

    def config(self) -> dict[str, Any]:
        return {
            "type": self.type_tag,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": self.padding,
            "use_bias": self.use_bias,
            "activation": self.activation.name,
        }
