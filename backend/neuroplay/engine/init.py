"""Weight initialisers. Each takes the fan-in, fan-out and a seeded Generator, returns float32."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType

import numpy as np

Initialiser = Callable[[tuple[int, ...], int, int, np.random.Generator], np.ndarray]


def xavier(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)); suits tanh and sigmoid."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def he(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He normal: N(0, 2 / fan_in); keeps ReLU activations from shrinking layer by layer."""
    return (rng.standard_normal(size=shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def normal(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator, std: float = 0.1) -> np.ndarray:
    """Plain N(0, std²) whatever the layer size: the textbook 'small random numbers', which shows
    how a scale too small or too large makes gradients vanish or explode in deep nets."""
    return (rng.standard_normal(size=shape) * std).astype(np.float32)


def zeros(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """All zeros: every unit of a layer stays identical, which shows why symmetry must be broken."""
    return np.zeros(shape, dtype=np.float32)


INITIALISERS: Mapping[str, Initialiser] = MappingProxyType(
    {"xavier": xavier, "he": he, "normal": normal, "zeros": zeros}
)


def get_initialiser(init: str | Initialiser, scale: float | None = None) -> Initialiser:
    """An initialiser by name (or one already made, passed through); `scale` is normal's std."""
    if callable(init):
        return init
    try:
        chosen = INITIALISERS[init]
    except KeyError:
        raise ValueError(f"unknown init {init!r} (known: {', '.join(INITIALISERS)})") from None
    if init == "normal" and scale is not None:
        if not (scale > 0 and np.isfinite(scale)):
            raise ValueError(f"init scale must be a positive number, got {scale!r}")
        return partial(normal, std=float(scale))
    return chosen
