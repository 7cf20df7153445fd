"""2-D convolution with a fused element-wise activation: y = f(conv(x, W) + b), data NCHW.

W has shape (filters, in_channels, k, k) and b shape (filters,), as PyTorch's Conv2d stores them
(the operation is cross-correlation, as in every deep-learning library). Square kernels only.

padding "valid": no padding, output size floor((in - k) / stride) + 1 (the kernel must fit).
padding "same": output size ceil(in / stride), with zeros added as TensorFlow and PyTorch do:
total = max((out - 1) * stride + k - in, 0) per axis, total // 2 before (top / left) and the rest
after (bottom / right). For stride 1 and an odd kernel that is (k - 1) / 2 on every side; an even
kernel puts its extra row and column at the bottom and right.

Forward builds im2col columns (see im2col.py) and does one batched matmul; backward does one batched
matmul for dW (and db, through a row of ones) and one for the columns' gradient, which col2im adds
back onto the pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from ..init import get_initialiser
from .base import Layer, present
from .im2col import (
    TRANSPOSE_COPY_MIN_ROWS,
    ConvGeometry,
    col2im,
    im2col,
    image_shape,
    image_to_positions,
    new_cols,
    positions_to_image,
    positive_int,
    weight_grad,
    weight_matrix,
    window_fits,
)
from .scratch import Scratch

PADDINGS = ("valid", "same")
# Bytes of columns and outputs per run of samples (Conv2D.chunks): under a core's L2 cache (1 MB here)
CHUNK_BYTES = 1 << 20


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
        # Forward caches: x (shown), cols (for dW), pre-activation u (shown) and output y (for f').
        self.scratch = Scratch()  # padded input, columns, their gradient: reused from pass to pass
        self.x: np.ndarray | None = None
        self.cols: np.ndarray | None = None
        self.u: np.ndarray | None = None
        self.y: np.ndarray | None = None

    def chunks(self, n: int) -> list[slice]:
        """The batch in runs of samples whose columns and outputs fit in a core's L2 cache: each run
        is copied, multiplied and scattered while its data are still in cache. Measured on the
        28x28 CNN (batch 32, one thread, other work on the machine): runs of 8 samples cut the
        16->32 conv's step from 5.0 to 3.7 ms and the first conv's from 1.1 to 0.73 ms."""
        g = self.geometry
        per_sample = 4 * ((g.rows + 1) * g.row_length + 3 * self.filters * g.positions)
        size = max(1, CHUNK_BYTES // per_sample)
        return [slice(start, min(start + size, n)) for start in range(0, n, size)]

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (N, C, H, W) -> y: (N, filters, out_h, out_w)."""
        g = self.geometry
        w = weight_matrix(self.params["W"], self.params["b"] if self.use_bias else None)
        n, dtype = x.shape[0], np.result_type(x, w)
        cols = self.scratch.get("cols", (n, g.rows + self.use_bias, g.row_length), dtype, new_cols(self.use_bias))
        rows = np.empty((n, self.filters, g.positions), dtype)  # pre-activation, C-contiguous
        out = np.empty_like(rows)
        for part in self.chunks(n):
            np.matmul(w, im2col(x[part], g, cols[part], self.scratch), out=rows[part])
            # The activation runs on the contiguous rows (wide rows' few garbage columns included):
            # element-wise loops over a strided image view cost several times more.
            out[part] = self.activation.forward(rows[part])
        self.x, self.cols = x, (cols[:, :, : g.positions] if g.wide else cols)
        self.u, self.y = positions_to_image(rows, g), positions_to_image(out, g)  # views as images
        return self.y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (N, filters, out_h, out_w) -> dx: (N, C, H, W); fills grads W and b."""
        assert self.y is not None, "conv2d: backward before forward"
        return self._backward(dy, need_input_grad, through_activation=True)

    def backward_from_preactivation(self, du: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backward from dL/du (the gradient before the activation)."""
        return self._backward(du, need_input_grad, through_activation=False)

    def _backward(self, d: np.ndarray, need_input_grad: bool, through_activation: bool) -> np.ndarray | None:
        """Backward from dL/dy (through_activation) or dL/du, one run of samples at a time."""
        g, y, cols = self.geometry, self.y, self.cols
        assert y is not None and cols is not None, "conv2d: backward before forward"
        n, (c, h, w) = d.shape[0], self.input_shape
        w_rows = weight_matrix(self.params["W"], None).T  # (K, filters)
        dtype = np.result_type(d, w_rows)
        dx = np.empty((n, c, h, w), dtype) if need_input_grad else None
        g_rows = np.zeros((cols.shape[1], self.filters), dtype)
        for part in self.chunks(n):
            du = self.activation.backward(y[part], d[part]) if through_activation else d[part]
            du_rows = image_to_positions(du, g, self.scratch)  # (n, filters, positions)
            du_t = du_rows.transpose(0, 2, 1)
            if g.rows >= TRANSPOSE_COPY_MIN_ROWS:  # BLAS is faster on a contiguous du^T for tall cols
                du_t = np.ascontiguousarray(du_t)
            # Sum over the samples of cols[n] @ du[n]^T: (K [+ 1], filters); the ones row gives db.
            g_rows += np.add.reduce(cols[part] @ du_t, axis=0)
            if dx is not None:
                col2im(du_rows, w_rows, g, self.scratch, dx[part])
        self.grads["W"] = weight_grad(g_rows[: g.rows], g)
        if self.use_bias:
            self.grads["b"] = g_rows[g.rows]
        return dx

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
