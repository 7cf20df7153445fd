"""Weight initialisers. Each takes the fan-in, fan-out and a seeded Generator, returns float32."""
from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

Initialiser = Callable[[tuple[int, ...], int, int, np.random.Generator], np.ndarray]


def xavier(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)); suits tanh and sigmoid."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def he(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He normal: N(0, 2 / fan_in); keeps ReLU activations from shrinking layer by layer."""
    return (rng.standard_normal(size=shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def normal(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Plain N(0, 0.1²), the textbook 'small random numbers' (too small or large for deep nets)."""
    return (rng.standard_normal(size=shape) * 0.1).astype(np.float32)


def zeros(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """All zeros: every unit of a layer stays identical, which shows why symmetry must be broken."""
    return np.zeros(shape, dtype=np.float32)


INITIALISERS: Mapping[str, Initialiser] = MappingProxyType(
    {"xavier": xavier, "he": he, "normal": normal, "zeros": zeros}
)


def get_initialiser(name: str) -> Initialiser:
    try:
        return INITIALISERS[name]
    except KeyError:
        raise ValueError(f"unknown init {name!r} (known: {', '.join(INITIALISERS)})") from None
