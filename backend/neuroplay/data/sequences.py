"""Sequence sets, (n, time, features) float32: next-value sine, echo (delay) and the adding problem."""

from __future__ import annotations

import numpy as np


def sine(n: int, noise: float, rng: np.random.Generator, length: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a sine with random phase and a period of 8-16 steps; the target at each step is the
    next value (sequence to sequence): x (n, length, 1), y (n, length, 1)."""
    period = rng.uniform(8, 16, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    t = np.arange(length + 1)[None, :]
    wave = np.sin(2 * np.pi * t / period + phase)
    noisy = wave + rng.normal(0, noise * 0.5, wave.shape)
    return noisy[:, :-1, None].astype(np.float32), wave[:, 1:, None].astype(np.float32)


def echo(
    n: int, noise: float, rng: np.random.Generator, length: int = 20, delay: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Random values in [-1, 1]; the target at step t is the input at step t - delay (0 before that):
    the network must remember `delay` steps. x, y: (n, length, 1)."""
    x = rng.uniform(-1, 1, (n, length, 1))
    y = np.zeros_like(x)
    y[:, delay:] = x[:, :-delay] if delay else x
    x = x + rng.normal(0, noise * 0.5, x.shape)
    return x.astype(np.float32), y.astype(np.float32)


def adding(n: int, noise: float, rng: np.random.Generator, length: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem (Hochreiter & Schmidhuber): channel 0 holds random values in [0, 1], channel 1
    marks two of them (one in each half); the target is their sum. Long sequences show vanishing
    gradients. x (n, length, 2), y (n, 1)."""
    values = rng.uniform(0, 1, (n, length))
    marks = np.zeros((n, length))
    half = max(length // 2, 1)
    first = rng.integers(0, half, n)
    second = rng.integers(half, length, n) if length > 1 else first
    rows = np.arange(n)
    marks[rows, first] = 1
    marks[rows, second] = 1
    y = values[rows, first] + values[rows, second]
    x = np.stack([values + rng.normal(0, noise * 0.1, values.shape), marks], axis=2)
    return x.astype(np.float32), y[:, None].astype(np.float32)
