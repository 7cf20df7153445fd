"""Image sets, NCHW float32 in [0, 1]: the real 8×8 handwritten digits and generated 28×28 shapes."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

DIGITS_FILE = Path(__file__).resolve().parent / "files" / "digits.csv.gz"
DIGITS_COUNT = 1797  # rows of DIGITS_FILE (tests/data/test_images.py checks it)
SHAPE_NAMES = ("circle", "square", "triangle", "line")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits: images (n, 1, 8, 8) scaled from 0..16 to 0..1, labels (n,) 0..9, in file order."""
    with gzip.open(DIGITS_FILE, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    return (table[:, :64] / 16.0).reshape(-1, 1, 8, 8), table[:, 64].astype(np.int64)


def digits(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`n` digits picked at random without repetition (all when n >= 1,797); noise adds pixel noise."""
    images, labels = load_digits()
    pick = rng.permutation(len(images))[: min(n, len(images))]
    x = images[pick]
    if noise:
        x = np.clip(x + rng.normal(0, noise * 0.5, x.shape), 0, 1)
    return x.astype(np.float32), labels[pick].astype(np.float64)


def _segment_distance(px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance from every pixel centre to the segment a-b."""
    ab = b - a
    t = ((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / max(float(ab @ ab), 1e-9)
    t = np.clip(t, 0, 1)
    return np.hypot(px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]))


def draw_shape(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """One outline of `kind` with random size, position, rotation and stroke thickness, (size, size)."""
    py, px = np.mgrid[0:size, 0:size] + 0.5
    radius = rng.uniform(0.18, 0.36) * size
    cx, cy = rng.uniform(radius + 1, size - radius - 1, 2)
    thickness = rng.uniform(1.0, 2.5)
    angle = rng.uniform(0, 2 * np.pi)
    if kind == "circle":
        dist = np.abs(np.hypot(px - cx, py - cy) - radius)
    else:
        corners = {"square": 4, "triangle": 3, "line": 2}[kind]
        turn = 2 * np.pi / corners if kind != "line" else np.pi
        pts = [
            np.array([cx + radius * np.cos(angle + k * turn), cy + radius * np.sin(angle + k * turn)])
            for k in range(corners)
        ]
        edges = list(zip(pts, pts[1:] + pts[:1])) if kind != "line" else [(pts[0], pts[1])]
        dist = np.min([_segment_distance(px, py, a, b) for a, b in edges], axis=0)
    # anti-aliased stroke: full inside half the thickness, fading over one pixel
    return np.clip(thickness / 2 + 0.5 - dist, 0, 1).astype(np.float32)


def shapes(n: int, noise: float, rng: np.random.Generator, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    """Balanced outlines of circles, squares, triangles and lines, (n, 1, size, size), labels 0..3."""
    labels = np.arange(n) % len(SHAPE_NAMES)
    rng.shuffle(labels)
    x = np.stack([draw_shape(SHAPE_NAMES[k], size, rng) for k in labels])[:, None]
    if noise:
        x = np.clip(x + rng.normal(0, noise * 0.5, x.shape), 0, 1)
    return x.astype(np.float32), labels.astype(np.float64)
