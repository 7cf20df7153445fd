"""Max and average pooling over square windows, data NCHW, no parameters.

Windows of pool_size x pool_size move by `stride` (default: pool_size, i.e. side by side); padding
is "valid": output size floor((in - pool_size) / stride) + 1, so rows and columns that do not fill a
last window are dropped (their gradient is zero), as in PyTorch's max_pool2d / avg_pool2d.

Vectorised over window offsets, not pixels: forward copies the pool_size**2 strided views
x[:, :, i::stride, j::stride] into one contiguous (pool_size**2, N, C, out_h, out_w) array and does
all arithmetic on it (NumPy's contiguous loops are 5-10x faster than strided ones, and the reshape
trick x.reshape(N, C, H/p, p, W/p, p).max(axis=(3, 5)) is slower still, its innermost axis being p
long); backward writes pool_size**2 strided slices of dx. Both work in the input's memory order (a
convolution's output is channel-major, see im2col.py) and hand on arrays in that order, so the next
convolution reads its input in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Layer, present
from .im2col import (
    image_shape,
    offset_view,
    pool_offsets,
    pool_output_size,
    positive_int,
    stack_windows,
    window_fits,
)


class _Pool2D(Layer):
    """Shared settings, checks and window geometry of the pooling layers."""

    input_ranks = (3,)

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        size = int(settings.get("pool_size", 2))
        stride = int(settings.get("stride") or size)
        if len(input_shape) != 3:
            return tuple(input_shape), 0
        channels, height, width = input_shape
        return (channels, pool_output_size(height, size, stride), pool_output_size(width, size, stride)), 0

    def __init__(
        self,
        input_shape: tuple[int, ...],
        pool_size: int = 2,
        stride: int | None = None,
        padding: str = "valid",
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        self.pool_size = positive_int("pool_size", pool_size)  # window side
        if stride is not None:
            positive_int("stride", stride)
        self.stride_setting = None if stride is None else int(stride)  # as given: None follows pool_size
        self.stride = self.pool_size if stride is None else int(stride)  # step between windows
        if padding != "valid":
            raise ValueError(f"padding must be 'valid' for {self.type_tag} (no other is supported), got {padding!r}")
        channels, height, width = image_shape(self.type_tag, self.input_shape)
        window_fits(self.type_tag, "pool_size", self.pool_size, self.input_shape)
        self.out_h = pool_output_size(height, self.pool_size, self.stride)
        self.out_w = pool_output_size(width, self.pool_size, self.stride)
        self.output_shape = (channels, self.out_h, self.out_w)
        self.offsets = pool_offsets(self.pool_size)
        # Windows do not overlap (backward can assign instead of add), and whether they also cover
        # every pixel (then dx needs no zero fill).
        self.disjoint = self.stride >= self.pool_size
        self.covers_all = (
            self.stride == self.pool_size
            and (self.out_h - 1) * self.stride + self.pool_size == height
            and (self.out_w - 1) * self.stride + self.pool_size == width
        )
        self.x: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.swapped = False  # the last input was channel-major: the work runs on (C, N, H, W)

    def _stored(self, a: np.ndarray) -> np.ndarray:
        """An (N, C, H, W) array in the order the last forward pass worked in (a view)."""
        return a.swapaxes(0, 1) if self.swapped else a

    def _windows(self, x: np.ndarray) -> np.ndarray:
        """The input's windows in its memory order (sets `swapped`, which _stored then follows)."""
        self.swapped = x.strides[1] > x.strides[0]
        return stack_windows(self._stored(x), self.pool_size, self.stride, self.out_h, self.out_w)

    def _scatter(self, per_offset: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """(p*p, A, B, out_h, out_w) -> (A, B, H, W) in the stored order: each entry put back at its
        pixel, overlaps added."""
        shape = per_offset.shape[1:3] + self.input_shape[1:]
        dx = np.empty(shape, dtype) if self.covers_all else np.zeros(shape, dtype)
        for (i, j), part in zip(self.offsets, per_offset):
            target = offset_view(dx, i, j, self.stride, self.out_h, self.out_w)
            if self.disjoint:
                target[...] = part
            else:
                target += part
        return dx

    def observe(self) -> dict[str, np.ndarray]:
        seen = {"input": self.x, "output": self.y}
        return present(seen)

    def config(self) -> dict[str, Any]:
        return {"type": self.type_tag, "pool_size": self.pool_size, "stride": self.stride_setting}


class MaxPool2D(_Pool2D):
    """Each window's maximum. The gradient goes to the window's first maximum (row-major order on
    ties, as in PyTorch), and observe()["argmax"] marks those winning pixels."""

    type_tag = "max_pool2d"

    # Forward cache: winners (p*p, N, C, out_h, out_w) bool, True where offset k holds its window's
    # first maximum (exactly one per window); the argmax view is built from it on first observe().
    winners: np.ndarray | None = None
    _mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (N, C, H, W) -> y: (N, C, out_h, out_w)."""
        windows = self._windows(x)
        y = np.maximum.reduce(windows, axis=0)  # in the stored order, as winners
        winners = windows == y
        # Keep only the first maximum of each window: equal here, and not at an earlier offset.
        found = winners[0].copy()
        for k in range(1, len(winners)):
            np.greater(winners[k], found, out=winners[k])  # bools: True > False
            if k < len(winners) - 1:
                found |= winners[k]
        self.x, self.y, self.winners, self._mask = x, self._stored(y), winners, None
        return self.y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (N, C, out_h, out_w) -> dx: (N, C, H, W), each dy at its window's winning pixel."""
        if not need_input_grad:
            return None
        return self._stored(self._scatter(self.winners * self._stored(dy), np.result_type(self.x, dy)))

    def argmax_mask(self) -> np.ndarray | None:
        """(N, C, H, W) bool: True at every pixel that is the (first) maximum of at least one window."""
        if self._mask is None and self.winners is not None and self.x is not None:
            mask = np.zeros(self._stored(self.x).shape, dtype=bool)
            for (i, j), won in zip(self.offsets, self.winners):
                offset_view(mask, i, j, self.stride, self.out_h, self.out_w)[...] |= won
            self._mask = self._stored(mask)
        return self._mask

    def observe(self) -> dict[str, np.ndarray]:
        """input, output, and argmax: a bool mask with the input's shape marking the winning pixels
        (the ones that receive gradient), ready to draw as highlighted cells over the input."""
        seen = super().observe()
        mask = self.argmax_mask()
        if mask is not None:
            seen["argmax"] = mask
        return seen


class AvgPool2D(_Pool2D):
    """Each window's mean; the gradient is shared equally by the window's pixels."""

    type_tag = "avg_pool2d"

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (N, C, H, W) -> y: (N, C, out_h, out_w)."""
        y = np.add.reduce(self._windows(x), axis=0)
        y *= 1.0 / len(self.offsets)
        self.x, self.y = x, self._stored(y)
        return self.y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (N, C, out_h, out_w) -> dx: (N, C, H, W)."""
        if not need_input_grad:
            return None
        share = self._stored(dy) * (1.0 / len(self.offsets))
        per_offset = np.broadcast_to(share, (len(self.offsets),) + share.shape)
        return self._stored(self._scatter(per_offset, np.result_type(self.x, dy)))
