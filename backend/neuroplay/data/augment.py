"""Random image augmentation for training batches (never validation): rotation, shift, horizontal
flip, brightness and gaussian noise, each with its own strength, applied per sample.

Images are NCHW float32 in [0, 1]. Geometry is one vectorised inverse affine map with bilinear
sampling (zeros outside the image), so a batch costs a handful of array operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Augmentation:
    """Strengths; 0 (or False) turns a transform off."""

    rotation: float = 0.0  # largest rotation in degrees, either way
    shift: float = 0.0  # largest shift as a fraction of the image size, each axis
    flip: bool = False  # mirror left-right with probability 1/2
    brightness: float = 0.0  # pixel values scaled by 1 + U(-b, b)
    noise: float = 0.0  # standard deviation of added gaussian noise

    @property
    def active(self) -> bool:
        return bool(self.rotation or self.shift or self.flip or self.brightness or self.noise)


def _bilinear(images: np.ndarray, src_y: np.ndarray, src_x: np.ndarray) -> np.ndarray:
    """Sample (N, C, H, W) images at per-sample source coordinates (N, H, W); zero outside."""
    n, c, h, w = images.shape
    y0, x0 = np.floor(src_y).astype(np.int64), np.floor(src_x).astype(np.int64)
    fy, fx = (src_y - y0).astype(np.float32), (src_x - x0).astype(np.float32)
    out = np.zeros_like(images)
    batch = np.arange(n)[:, None, None]
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            yy, xx = y0 + dy, x0 + dx
            inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
            vals = images[batch, :, np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]  # (N, H, W, C)
            out += np.moveaxis(vals * (wy * wx * inside)[..., None], -1, 1)
    return out


def augment(images: np.ndarray, aug: Augmentation, rng: np.random.Generator) -> np.ndarray:
    """A new array: each image transformed with its own random draw. Labels are never touched."""
    if not aug.active:
        return images
    n, _, h, w = images.shape
    x = images
    if aug.rotation or aug.shift or aug.flip:
        angle = np.deg2rad(rng.uniform(-aug.rotation, aug.rotation, n)) if aug.rotation else np.zeros(n)
        shift = rng.uniform(-aug.shift, aug.shift, (n, 2)) * [h, w] if aug.shift else np.zeros((n, 2))
        flip = np.asarray(rng.random(n) < 0.5) if aug.flip else np.zeros(n, bool)
        cy, cx = (h - 1) / 2, (w - 1) / 2
        gy, gx = np.mgrid[0:h, 0:w].astype(np.float64)
        # output pixel -> source pixel: undo the shift, undo the rotation, then undo the flip
        oy = gy[None] - cy - shift[:, 0, None, None]
        ox = gx[None] - cx - shift[:, 1, None, None]
        cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
        sy, sx = cos * oy - sin * ox, sin * oy + cos * ox
        sx = np.where(flip[:, None, None], -sx, sx)
        x = _bilinear(x, sy + cy, sx + cx)
    if aug.brightness:
        x = x * rng.uniform(1 - aug.brightness, 1 + aug.brightness, (n, 1, 1, 1)).astype(np.float32)
    if aug.noise:
        x = x + rng.normal(0, aug.noise, x.shape).astype(np.float32)
    return np.clip(x, 0, 1).astype(np.float32)
