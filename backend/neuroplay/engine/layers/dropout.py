"""Inverted dropout: in training y = x * mask / (1 - rate), mask = rng.random(x.shape) >= rate;
at inference y = x.

Each value is kept with probability 1 - rate and scaled up so its expectation is unchanged, which
is why inference needs no rescaling. The mask comes from the Generator passed in as `rng` (the one
build_network seeds), so a run with the same seed drops the same units. `set_fixed_mask` pins the
mask for gradient checks and lessons.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from .base import Layer, ShapeError, present


class Dropout(Layer):
    type_tag = "dropout"

    def __init__(
        self,
        input_shape: tuple[int, ...],
        rate: float = 0.5,
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        if not self.input_shape or min(self.input_shape) < 1:
            raise ShapeError(f"dropout needs a non-empty input shape, got {list(self.input_shape)}")
        if isinstance(rate, bool) or not isinstance(rate, Real) or not math.isfinite(rate) or not 0.0 <= rate < 1.0:
            raise ValueError(f"rate must be a number with 0 <= rate < 1, got {rate!r}")
        self.rate: float = float(rate)  # probability that a value is dropped
        self.scale: float = 1.0 / (1.0 - self.rate)  # applied to the kept values
        # The mask stream. Without a Generator (stand-alone use) a fixed seed keeps runs reproducible.
        self.rng: np.random.Generator = rng if rng is not None else np.random.default_rng(0)
        self.fixed_mask: np.ndarray | None = None  # set_fixed_mask: used instead of random draws
        self.mask: np.ndarray | None = None  # the last training step's mask, bool, batch first
        self.y: np.ndarray | None = None
        # mask * scale in the input's dtype, for backward; None when the last pass was the identity.
        self.multiplier: np.ndarray | None = None

    def set_fixed_mask(self, mask: np.ndarray | None) -> None:
        """Use `mask` in every training forward until set to None (then masks are random again).

        mask: bool (or 0/1) of shape input_shape (the same for every sample) or (batch, *input_shape).
        """
        if mask is None:
            self.fixed_mask = None
            return
        mask = np.asarray(mask)
        n = len(self.input_shape)
        if mask.shape[-n:] != self.input_shape or mask.ndim not in (n, n + 1):
            raise ShapeError(
                f"dropout fixed mask must have shape {list(self.input_shape)} or "
                f"[batch, {', '.join(map(str, self.input_shape))}], got {list(mask.shape)}"
            )
        if mask.dtype != np.bool_:
            if not np.isin(mask, (0, 1)).all():
                raise ValueError("dropout fixed mask must hold only 0/1 or True/False")
            mask = mask != 0
        self.fixed_mask = mask.copy()

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """Any (batch, *input_shape) -> the same shape."""
        if x.shape[1:] != self.input_shape:
            raise ShapeError(
                f"dropout was built for inputs of shape {list(self.input_shape)} (without the batch "
                f"axis), got a batch of shape {list(x.shape)}"
            )
        if not training:
            self.multiplier, self.y = None, x
            return x
        fixed = self.fixed_mask
        if fixed is not None:
            if fixed.ndim > len(self.input_shape) and fixed.shape[0] != x.shape[0]:
                raise ShapeError(
                    f"dropout fixed mask has shape {list(fixed.shape)} but the batch has shape {list(x.shape)}"
                )
            mask = np.broadcast_to(fixed, x.shape)
        elif self.rate == 0.0:
            # Nothing is dropped: no draws, and the pass is the identity.
            self.mask = np.ones(x.shape, dtype=np.bool_)
            self.multiplier, self.y = None, x
            return x
        else:
            mask = self.rng.random(x.shape) >= self.rate
        multiplier = mask * x.dtype.type(self.scale)
        y = x * multiplier
        self.mask, self.multiplier, self.y = mask, multiplier, y
        return y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy -> dx = dy * mask / (1 - rate) (dy itself after an inference pass); no parameters."""
        if not need_input_grad:
            return None
        return dy if self.multiplier is None else dy * self.multiplier

    def observe(self) -> dict[str, np.ndarray]:
        """mask: the last training step's mask (bool, batch first); output: the last pass's output."""
        seen = {"mask": self.mask, "output": self.y}
        return present(seen)

    def config(self) -> dict[str, Any]:
        return {"type": self.type_tag, "rate": self.rate}
