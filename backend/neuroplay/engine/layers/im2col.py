"""Vectorised window helpers for the image layers (conv2d, max_pool2d, avg_pool2d), and their checks.

Data are NCHW; shapes in docstrings include the batch axis N unless said otherwise.

im2col: `cols[n, (i, j, c), q]` is the input pixel that kernel cell (i, j) of channel c sees at output
position q (rows ordered kernel offset first, then channel: K = kh*kw*C rows), so a convolution is
one batched matmul `weight_matrix(W) @ cols`. The copy is one `np.copyto` from a strided view of the
zero-padded input (no Python loop over pixels). col2im is the reverse: kh*kw slice-adds, one per
kernel offset (much faster than np.add.at).

"Wide" rows: when an image is small, copies and adds over short rows of out_w pixels are dominated by
NumPy's per-row overhead. For stride 1 and small outputs (see ConvGeometry.wide) every output row
then runs over the whole padded width instead (q = oh * padded_w + ow, ow < padded_w; the kw - 1
extra positions per row read pixels of the next row, are cut off the output and get zero gradient),
and every cols row is stored with the length of a whole padded image (only the first `positions`
entries are used). Then for a kernel offset the cols rows of all channels of an image are one
contiguous run, and so are the pixels they come from: im2col is one copy of N*kh*kw long runs,
col2im kh*kw adds of N long runs. Measured at the benchmark sizes this halves the im2col and col2im
times; the cost is the wider matmuls, so small outputs only.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .base import ShapeError
from .scratch import Scratch

# Wide rows (see the module doc) for stride 1, at least WIDE_MIN_CHANNELS input channels and outputs
# at most WIDE_MAX_OUT_WIDTH wide. Measured (OpenBLAS, batch 32): wide rows win clearly for small
# multi-channel images (e.g. 8x4x4 -> 2x2: 1.6x, 16x14x14 -> 12x12: 1.15x); a single input channel
# (a first layer, which needs no dx) has too little to copy to gain, and from about 14 columns the
# wider matmuls cost more than the copies save.
WIDE_MAX_OUT_WIDTH = 12
WIDE_MIN_CHANNELS = 2
TRANSPOSE_COPY_MIN_ROWS = 32  # from this many cols rows (C*kh*kw), dW is faster with a copied du^T


# --------------------------------------------------------------------------------------------
# Setting and shape checks shared by the image layers (every message names the bad value)


def positive_int(name: str, value: Any) -> int:
    """`value` as an int, or ValueError naming it ("kernel_size must be a positive integer, got 0")."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def image_shape(tag: str, input_shape: tuple[int, ...]) -> tuple[int, int, int]:
    """(channels, height, width) of an image input, or ShapeError naming the shape it got."""
    if len(input_shape) != 3:
        raise ShapeError(
            f"{tag} needs an image input (channels, height, width), got {list(input_shape)}; "
            "image layers cannot follow flatten, dense or recurrent layers, and the data must be "
            "images (e.g. input_shape [1, 8, 8])"
        )
    c, h, w = (int(d) for d in input_shape)
    return c, h, w


def window_fits(tag: str, setting: str, size: int, input_shape: tuple[int, ...]) -> None:
    """ShapeError when a square window of `size` is larger than the (unpadded) image."""
    _, h, w = input_shape
    if size > h or size > w:
        raise ShapeError(
            f"{tag} {setting} {size} is larger than its input {h}x{w} (input shape "
            f"{list(input_shape)}); use a {setting} of at most {min(h, w)}"
        )


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Zero padding (before, after) for padding="same": output size ceil(size / stride).

    As TensorFlow and PyTorch: total = max((out - 1) * stride + kernel - size, 0), before = total // 2,
    the rest after. For stride 1 and an odd kernel that is (kernel - 1) / 2 on each side; for an even
    kernel (or stride > 1) the extra pixel goes to the bottom / right.
    """
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


# --------------------------------------------------------------------------------------------
# Convolution geometry, im2col and col2im


@dataclass(frozen=True)
class ConvGeometry:
    """Everything about a square-kernel convolution of one image shape that does not depend on N
    (derived sizes are computed once per layer: the forward and backward passes read them often)."""

    channels: int
    height: int
    width: int
    kernel: int
    stride: int
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int

    @classmethod
    def build(cls, image: tuple[int, int, int], kernel: int, stride: int, padding: str) -> ConvGeometry:
        c, h, w = image
        if padding == "same":
            (top, bottom), (left, right) = same_padding(h, kernel, stride), same_padding(w, kernel, stride)
        else:
            top = bottom = left = right = 0
        return cls(c, h, w, kernel, stride, top, bottom, left, right)

    @cached_property
    def padded_height(self) -> int:
        return self.height + self.pad_top + self.pad_bottom

    @cached_property
    def padded_width(self) -> int:
        return self.width + self.pad_left + self.pad_right

    @cached_property
    def plane(self) -> int:
        """Values in one padded channel image."""
        return self.padded_height * self.padded_width

    @cached_property
    def out_height(self) -> int:
        return (self.padded_height - self.kernel) // self.stride + 1

    @cached_property
    def out_width(self) -> int:
        return (self.padded_width - self.kernel) // self.stride + 1

    @cached_property
    def padded(self) -> bool:
        return self.pad_top + self.pad_bottom + self.pad_left + self.pad_right > 0

    @cached_property
    def wide(self) -> bool:
        """Output rows span the whole padded width (see the module doc)."""
        return (
            self.stride == 1
            and self.padded_width > self.out_width
            and self.out_width <= WIDE_MAX_OUT_WIDTH
            and self.channels >= WIDE_MIN_CHANNELS
        )

    @cached_property
    def row(self) -> int:
        """Positions per output row in cols: padded_width when wide, else out_width."""
        return self.padded_width if self.wide else self.out_width

    @cached_property
    def positions(self) -> int:
        return self.out_height * self.row

    @cached_property
    def row_length(self) -> int:
        """Stored length of each cols row: a whole padded image when wide, else `positions`."""
        return self.plane if self.wide else self.positions

    @cached_property
    def rows(self) -> int:
        """K = kh * kw * C, the rows of cols (without the bias row)."""
        return self.kernel * self.kernel * self.channels

    @cached_property
    def tail(self) -> int:
        """Zeros after the last padded image, so that shifted whole-image runs stay in the buffer."""
        return (self.kernel - 1) * (self.padded_width + 1) if self.wide else 0


def weight_matrix(w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """W (O, C, kh, kw) [and b (O,)] -> (O, K [+ 1]) with columns in cols' (i, j, c) row order and b
    last, so `weight_matrix(W, b) @ im2col(x, ones_row=True)` is the convolution plus the bias."""
    o = w.shape[0]
    m = w.transpose(0, 2, 3, 1).reshape(o, -1)
    return m if b is None else np.concatenate((m, b.reshape(o, 1)), axis=1)


def weight_grad(g_rows: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """The (K, O) gradient of weight_matrix's columns -> dW (O, C, kh, kw), C-contiguous."""
    k = g.kernel
    return np.ascontiguousarray(g_rows.reshape(k, k, g.channels, -1).transpose(3, 2, 0, 1))


def _padded_buffer(x: np.ndarray, g: ConvGeometry, dtype: np.dtype, scratch: Scratch) -> np.ndarray:
    """The batch zero-padded, as one flat C-ordered buffer of N*C*Hp*Wp (+ tail) values. The buffer
    is the layer's own from pass to pass: only the image interiors are written, the zeros stay."""
    if not g.padded and not g.tail:
        return np.ascontiguousarray(x, dtype=dtype).reshape(-1)
    n = x.shape[0]
    size = n * g.channels * g.plane
    buf = scratch.zeros("padded", (size + g.tail,), dtype)
    images = buf[:size].reshape(n, g.channels, g.padded_height, g.padded_width)
    images[:, :, g.pad_top : g.pad_top + g.height, g.pad_left : g.pad_left + g.width] = x
    return buf


def new_cols(ones_row: bool) -> Callable[[tuple[int, ...], np.dtype], np.ndarray]:
    """Makes a cols array whose last row is all ones when `ones_row` (written once: im2col never
    writes that row); with wide rows, the entries past `positions` are never read."""

    def make(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        cols = np.empty(shape, dtype=dtype)
        if ones_row:
            cols[:, -1] = 1
        return cols

    return make


def im2col(x: np.ndarray, g: ConvGeometry, cols: np.ndarray, scratch: Scratch) -> np.ndarray:
    """x (N, C, H, W) -> cols (N, K [+ 1], row_length) (made by new_cols), rows in (i, j, c)
    order; returns the (N, K [+ 1], positions) part a matmul reads (a view when wide).

    With a ones row (row K), a bias stored as an extra weight column is added by the same matmul
    (and its gradient comes out of the dW matmul), saving two passes over the output.
    """
    n, k, c = x.shape[0], g.kernel, g.channels
    buf = _padded_buffer(x, g, cols.dtype, scratch)
    e = buf.itemsize
    if g.wide:
        # For kernel offset (i, j), the rows of channels 0..C-1 are the padded images shifted by
        # i * Wp + j: one run of C*Hp*Wp values per image, read straight from the buffer.
        run = c * g.plane
        source = np.ndarray((n, k, k, run), dtype=buf.dtype, buffer=buf, strides=(run * e, g.padded_width * e, e, e))
        np.copyto(cols[:, : g.rows].reshape(n, k, k, run), source)
    else:
        source = np.ndarray(
            (n, k, k, c, g.out_height, g.out_width),
            dtype=buf.dtype,
            buffer=buf,
            strides=(c * g.plane * e, g.padded_width * e, e, g.plane * e, g.stride * g.padded_width * e, g.stride * e),
        )
        np.copyto(cols[:, : g.rows].reshape(source.shape), source)
    return cols[:, :, : g.positions] if g.wide else cols


def col2im(du: np.ndarray, w_rows: np.ndarray, g: ConvGeometry, scratch: Scratch, dx: np.ndarray) -> None:
    """dL/dx into dx (N, C, H, W) from du (N, O, positions) (image_to_positions) and w_rows (K, O),
    the transpose of weight_matrix without the bias column.

    dcols = w_rows @ du holds each window pixel's gradient; every one is added back onto its pixel
    with one slice-add per kernel offset, in a padded work buffer. Wide rows' garbage positions
    have zero du, since they land on real pixels of the next row; dcols keeps zeros past
    `positions`, which the matmul never writes, so the buffer's tail only ever gets zeros added.
    """
    n, k, c = du.shape[0], g.kernel, g.channels
    if n == 0:
        return
    size = n * c * g.plane
    dcols = scratch.zeros("dcols", (n, g.rows, g.row_length), dx.dtype)
    np.matmul(w_rows, du, out=dcols[:, :, : g.positions])
    e = dx.dtype.itemsize
    buf = scratch.zeros("dx_padded", (size + g.tail,), dx.dtype)
    if g.wide:
        # dcols rows are a whole padded image long, so the rows of one kernel offset line up with
        # the pixels as one run of C*Hp*Wp values per image. Offset (0, 0) covers every pixel of the
        # images: it is copied instead of added (no zero fill), and the tail stays zero.
        run = c * g.plane
        for i in range(k):
            for j in range(k):
                off = i * g.padded_width + j
                target = buf[off : off + size].reshape(n, run)
                start = (i * k + j) * c
                if off == 0:
                    target[...] = dcols[:, :c].reshape(n, run)
                else:
                    target += dcols[:, start : start + c].reshape(n, run)
    else:
        buf.fill(0)
        shape = (n, c, g.out_height, g.out_width)
        strides = (c * g.plane * e, g.plane * e, g.stride * g.padded_width * e, g.stride * e)
        for i in range(k):
            for j in range(k):
                target = np.ndarray(
                    shape, dtype=buf.dtype, buffer=buf, offset=(i * g.padded_width + j) * e, strides=strides
                )
                start = (i * k + j) * c
                target += dcols[:, start : start + c].reshape(shape)
    images = buf[:size].reshape(n, c, g.padded_height, g.padded_width)
    dx[...] = images[:, :, g.pad_top : g.pad_top + g.height, g.pad_left : g.pad_left + g.width]


def positions_to_image(u: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """(N, O, positions) -> (N, O, out_h, out_w), dropping wide rows' garbage columns (a view)."""
    u = u.reshape(u.shape[0], u.shape[1], g.out_height, g.row)
    return u[..., : g.out_width] if g.wide else u


def image_to_positions(du: np.ndarray, g: ConvGeometry, scratch: Scratch) -> np.ndarray:
    """(N, O, out_h, out_w) -> (N, O, positions), C-contiguous rows; zeros in wide rows' garbage
    columns (kept in the layer's scratch, whose garbage columns are never written)."""
    n, o = du.shape[:2]
    if not g.wide:
        return np.ascontiguousarray(du).reshape(n, o, g.positions)
    full = scratch.zeros("du_rows", (n, o, g.positions), du.dtype)
    full.reshape(n, o, g.out_height, g.row)[..., : g.out_width] = du
    return full


# --------------------------------------------------------------------------------------------
# Pooling windows


def pool_output_size(size: int, pool: int, stride: int) -> int:
    """Windows along one axis with "valid" padding (the last partial window is dropped)."""
    return (size - pool) // stride + 1


def pool_offsets(pool: int) -> list[tuple[int, int]]:
    """Window offsets (i, j) in row-major order: the order that decides ties (first maximum wins)."""
    return [(i, j) for i in range(pool) for j in range(pool)]


def offset_view(a: np.ndarray, i: int, j: int, stride: int, out_h: int, out_w: int) -> np.ndarray:
    """a[:, :, i + stride*oh, j + stride*ow] for every window (oh, ow): (N, C, out_h, out_w), a view."""
    return a[:, :, i : i + stride * (out_h - 1) + 1 : stride, j : j + stride * (out_w - 1) + 1 : stride]


def stack_windows(x: np.ndarray, pool: int, stride: int, out_h: int, out_w: int) -> np.ndarray:
    """x (N, C, H, W) -> (pool*pool, N, C, out_h, out_w), C-contiguous: entry k holds every window's
    pixel at offset k (row-major). Strided NumPy operations cost 5-10x contiguous ones, so the pooling
    layers pay for pool*pool strided copies once and do all their arithmetic contiguously."""
    out = np.empty((pool * pool,) + x.shape[:2] + (out_h, out_w), dtype=x.dtype)
    for k, (i, j) in enumerate(pool_offsets(pool)):
        out[k] = offset_view(x, i, j, stride, out_h, out_w)
    return out
