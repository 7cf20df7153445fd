"""Vectorised window helpers for the image layers (conv2d, max_pool2d, avg_pool2d), and their checks.

Layers take and return (N, C, H, W) arrays; a convolution stores its images channel-major, (C, N,
H, W) in memory, and hands them on as (N, C, H, W) views (a transpose, no copy). Every NumPy
operation reads either order; the point of channel-major storage is that a whole batch's convolution
is ONE matrix product: `weight_matrix(W, b) @ cols` with cols (K [+ 1], N * positions), instead of N
small products (measured on the 28x28 CNN's 16->32 conv, batch 32: the same FLOPs, the backward pass
1.84 -> 1.55 ms at one thread, and two BLAS threads split one big product well where N small ones
made the input gradient's product 3x slower).

im2col: `cols[(c, i, j), n, q]` is the input pixel that kernel cell (i, j) of channel c sees at output
position q of image n (rows ordered channel first, as PyTorch stores W: K = C*kh*kw rows). The copy is
one `np.copyto` from a strided view of the zero-padded input, (C, N, Hp, Wp) in memory. col2im is the
reverse: kh*kw slice-adds, one per kernel offset (much faster than np.add.at).

"Wide" rows (stride 1): every output row runs over the whole padded width (q = oh * Wp + ow,
ow < Wp; the kw - 1 extra positions per row read pixels of the next row, are cut off the output and
get zero gradient). Then for a kernel offset an image's positions are one contiguous run of the
padded image, and im2col is one copy of C*kh*kw*N long runs, col2im kh*kw adds of C*N long runs,
where narrow rows (out_w long) cost NumPy's per-row overhead many times over. The cost is the
garbage positions' share of the matrix products, (kw - 1) / Wp.
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

# Wide rows (see the module doc) for stride 1 and outputs at most WIDE_MAX_OUT_WIDTH wide. With one
# matrix product over the batch they win at every size measured here (the 28x28 CNN's first conv:
# 30 wide padded rows of which 28 are used, 2.6x faster im2col than narrow rows of 28); the setting
# stays so that tests can force narrow rows on every case.
WIDE_MAX_OUT_WIDTH = 1 << 30


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
        return self.stride == 1 and self.out_width <= WIDE_MAX_OUT_WIDTH

    @cached_property
    def row(self) -> int:
        """Positions per output row in cols: padded_width when wide, else out_width."""
        return self.padded_width if self.wide else self.out_width

    @cached_property
    def positions(self) -> int:
        """Positions per image in cols and in the matrix product's output."""
        return self.out_height * self.row

    @cached_property
    def rows(self) -> int:
        """K = C * kh * kw, the rows of cols (without the bias row)."""
        return self.channels * self.kernel * self.kernel

    @cached_property
    def tail(self) -> int:
        """Zeros after the last padded image: wide rows of the last image's last kernel row read (and
        col2im adds zeros onto) up to kw - 1 values past it."""
        return self.kernel - 1 if self.wide else 0


def weight_matrix(w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """W (O, C, kh, kw) [and b (O,)] -> (O, K [+ 1]) with columns in cols' (c, i, j) row order and b
    last, so `weight_matrix(W, b) @ cols` (cols with their ones row, new_cols) is the convolution
    plus the bias."""
    o = w.shape[0]
    m = w.reshape(o, -1)
    return m if b is None else np.concatenate((m, b.reshape(o, 1)), axis=1)


def channel_major(x: np.ndarray) -> np.ndarray:
    """An (N, C, ...) array as (C, N, ...), a view; C-contiguous when x is a channel-major view."""
    return x.swapaxes(0, 1)


def _padded_buffer(x: np.ndarray, g: ConvGeometry, dtype: np.dtype, scratch: Scratch) -> np.ndarray:
    """The batch zero-padded, channel-major, as one flat buffer of C*N*Hp*Wp (+ tail) values. The
    buffer is the layer's own from pass to pass: only the image interiors are written, the zeros
    stay. An input that is already channel-major and needs no padding is read in place."""
    stored = channel_major(x)
    if not g.padded and not g.tail and stored.flags.c_contiguous and stored.dtype == dtype:
        return stored.reshape(-1)
    n = x.shape[0]
    size = g.channels * n * g.plane
    buf = scratch.zeros("padded", (size + g.tail,), dtype)
    images = buf[:size].reshape(g.channels, n, g.padded_height, g.padded_width)
    images[:, :, g.pad_top : g.pad_top + g.height, g.pad_left : g.pad_left + g.width] = stored
    return buf


def new_cols(ones_row: bool) -> Callable[[tuple[int, ...], np.dtype], np.ndarray]:
    """Makes a cols array whose last row is all ones when `ones_row` (written once: im2col never
    writes that row)."""

    def make(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        cols = np.empty(shape, dtype=dtype)
        if ones_row:
            cols[-1] = 1
        return cols

    return make


def _window_view(buf: np.ndarray, g: ConvGeometry, n: int, offset: int = 0) -> np.ndarray:
    """The padded images' pixels as each output position sees them from one kernel cell, for every
    channel and image: (C, N, positions) when wide, else (C, N, out_h, out_w), a view of `buf`."""
    e, plane = buf.itemsize, g.plane
    if g.wide:
        shape: tuple[int, ...] = (g.channels, n, g.positions)
        strides: tuple[int, ...] = (n * plane * e, plane * e, e)
    else:
        shape = (g.channels, n, g.out_height, g.out_width)
        strides = (n * plane * e, plane * e, g.stride * g.padded_width * e, g.stride * e)
    return np.ndarray(shape, dtype=buf.dtype, buffer=buf, offset=offset * e, strides=strides)


def im2col(x: np.ndarray, g: ConvGeometry, cols: np.ndarray, scratch: Scratch) -> np.ndarray:
    """x (N, C, H, W), either memory order -> cols (K [+ 1], N * positions) (made by new_cols), rows
    in (c, i, j) order.

    With a ones row (row K), a bias stored as an extra weight column is added by the same matmul
    (and its gradient comes out of the dW matmul), saving two passes over the output.
    """
    n, k = x.shape[0], g.kernel
    if n == 0:
        return cols
    buf = _padded_buffer(x, g, cols.dtype, scratch)
    # One copy for every kernel cell at once: the window view of cell (0, 0) with two more axes
    # that step by a padded row (i) and a pixel (j). One call instead of kh*kw matters for small
    # images, where each call's overhead is most of the work.
    window = _window_view(buf, g, n)
    e = buf.itemsize
    shape = window.shape[:1] + (k, k) + window.shape[1:]
    strides = window.strides[:1] + (g.padded_width * e, e) + window.strides[1:]
    source = np.ndarray(shape, dtype=buf.dtype, buffer=buf, strides=strides)
    np.copyto(cols[: g.rows].reshape(shape), source)
    return cols


def col2im(dcols: np.ndarray, g: ConvGeometry, scratch: Scratch, n: int) -> np.ndarray:
    """dL/dx as a fresh channel-major (C, N, H, W) array from dcols (K, N * positions), each window
    pixel's gradient: every one is added back onto its pixel with one slice-add per kernel offset, in
    a padded work buffer. Wide rows' garbage positions hold zeros (their du is zero), so what they
    add onto the next row, image or the buffer's tail is nothing."""
    k, size = g.kernel, g.channels * n * g.plane
    if n == 0:
        return np.zeros((g.channels, 0, g.height, g.width), dcols.dtype)
    buf = scratch.get("dx_padded", (size + g.tail,), dcols.dtype, np.empty)
    buf.fill(0)  # the adds below accumulate: zeroed every pass
    cells = dcols.reshape(g.channels, k, k, n, g.positions)
    for i in range(k):
        for j in range(k):
            view = _window_view(buf, g, n, i * g.padded_width + j)
            view += cells[:, i, j].reshape(view.shape)
    images = buf[:size].reshape(g.channels, n, g.padded_height, g.padded_width)
    return images[:, :, g.pad_top : g.pad_top + g.height, g.pad_left : g.pad_left + g.width].copy()


def positions_to_image(rows: np.ndarray, g: ConvGeometry, n: int) -> np.ndarray:
    """(O, N * positions) -> (N, O, out_h, out_w), a channel-major view dropping wide rows' garbage."""
    images = rows.reshape(rows.shape[0], n, g.out_height, g.row)
    return (images[..., : g.out_width] if g.wide else images).swapaxes(0, 1)


def image_to_positions(d: np.ndarray, g: ConvGeometry, scratch: Scratch) -> np.ndarray:
    """(N, O, out_h, out_w), either memory order -> (O, N * positions) in the layer's scratch, C-ordered,
    zeros in wide rows' garbage columns (which are never written)."""
    n, o = d.shape[:2]
    rows = scratch.zeros("d_rows", (o, n * g.positions), d.dtype)
    images = rows.reshape(o, n, g.out_height, g.row)
    (images[..., : g.out_width] if g.wide else images)[...] = channel_major(d)
    return rows


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
