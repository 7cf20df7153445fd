"""2-D sets in the style of TensorFlow Playground, on the square [-6, 6]².

Classification labels are 0/1; regression targets are in [-1, 1]. `noise` in [0, 1] scales each set's own perturbation the way
TF Playground's 0-50 % slider does (noise 0.5 here = 50 % there). Every generator takes its own seeded
Generator, so the same seed gives the same points.
"""

from __future__ import annotations

import numpy as np

Points = tuple[np.ndarray, np.ndarray]
DOMAIN = 6.0


def circle(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Class 1 inside radius 2.5, class 0 in the ring 3.5..5; noise shifts points by up to noise·5."""
    radius = 5.0
    n_in = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n - n_in)])
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    xy += rng.uniform(-radius, radius, (n, 2)) * noise
    # Labels come from the clean geometry, as in TF Playground, so noise makes the task harder.
    label = np.concatenate([np.ones(n_in), np.zeros(n - n_in)])
    return xy, label


def xor(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Quadrants: class 1 where x1·x2 ≥ 0; points kept 0.3 away from the axes before noise."""
    padding = 0.3
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, padding, -padding)
    label = (xy[:, 0] * xy[:, 1] >= 0).astype(np.float64)
    xy += rng.uniform(-5, 5, (n, 2)) * noise
    return xy, label


def gaussians(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two blobs centred at (2, 2) (class 1) and (-2, -2) (class 0); noise widens them."""
    variance = 0.5 + noise * 3.5
    n_pos = n // 2
    centres = np.concatenate([np.tile([2.0, 2.0], (n_pos, 1)), np.tile([-2.0, -2.0], (n - n_pos, 1))])
    xy = centres + rng.normal(0, np.sqrt(variance), (n, 2))
    label = np.concatenate([np.ones(n_pos), np.zeros(n - n_pos)])
    return xy, label


def spiral(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two interleaved arms of radius up to 5, half a turn apart; noise jitters each point."""
    half = n // 2
    parts, labels = [], []
    for count, delta, label in ((half, 0.0, 1.0), (n - half, np.pi, 0.0)):
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * np.pi + delta
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xy += rng.uniform(-1, 1, (count, 2)) * noise * 5
        parts.append(xy)
        labels.append(np.full(count, label))
    return np.concatenate(parts), np.concatenate(labels)


def moons(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two interleaved half circles (scikit-learn's make_moons, scaled to the plane); noise jitters."""
    n_top = n // 2
    t_top = rng.uniform(0, np.pi, n_top)
    t_bottom = rng.uniform(0, np.pi, n - n_top)
    top = np.stack([np.cos(t_top), np.sin(t_top)], axis=1)
    bottom = np.stack([1 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)], axis=1)
    xy = (np.concatenate([top, bottom]) - [0.5, 0.25]) * 3.0
    xy += rng.normal(0, 1, (n, 2)) * noise * 1.5
    label = np.concatenate([np.ones(n_top), np.zeros(n - n_top)])
    return xy, label


def plane(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Regression: the target rises linearly across the plane, (x1 + x2) / 12, plus noise."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    target = (xy[:, 0] + xy[:, 1]) / (2 * DOMAIN)
    return xy, np.clip(target + rng.uniform(-1, 1, n) * noise * 0.5, -1, 1)


GAUSS_CENTRES = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
GAUSS_SIGNS = np.array([1, -1, 1, -1, 1, -1])


def gaussian_sum(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Regression: a sum of six signed gaussian bumps, as TF Playground's regression set."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    d2 = ((xy[:, None, :] - GAUSS_CENTRES[None]) ** 2).sum(axis=2)
    target = (GAUSS_SIGNS * np.exp(-d2 / 2)).sum(axis=1)
    return xy, np.clip(target + rng.uniform(-1, 1, n) * noise * 0.5, -1, 1)
