"""Batch normalisation: y = gamma * (x - mean) / sqrt(var + eps) + beta, per feature or per channel.

Dense features (N, F), input_shape (F,): statistics per feature over the batch (PyTorch BatchNorm1d).
Conv channels (N, C, H, W), input_shape (C, H, W): statistics per channel over N, H and W
(PyTorch BatchNorm2d). gamma and beta have shape (F,) or (C,); the buffers running_mean and
running_var likewise.

Training normalises with the batch mean and the biased batch variance and blends the batch
statistics into the running ones, PyTorch's way: running = (1 - momentum) * running + momentum * batch,
with the *unbiased* batch variance for running_var. Inference normalises with the running statistics.

One deliberate difference from PyTorch: a training batch with a single value per channel (a batch of 1
on dense features) has zero variance and PyTorch raises. Here it is normalised with eps alone (so
x_hat = 0 and y = beta, and no gradient reaches x), running_mean is updated as usual, and running_var
is left as it was, because the unbiased variance of one value is undefined and a zero would make later
inference divide by sqrt(eps). A learner who sets the batch size to 1 sees why that is a bad idea
instead of a crash.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from .base import Layer, ShapeError, present


class BatchNorm(Layer):
    type_tag = "batch_norm"
    input_ranks = (1, 3)
    param_names = ("gamma", "beta")
    painted_params = ("gamma", "beta")

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        return tuple(input_shape), 2 * input_shape[0] if len(input_shape) in (1, 3) else 0

    def __init__(
        self,
        input_shape: tuple[int, ...],
        momentum: float = 0.1,
        eps: float = 1e-5,
        *,
        init: str = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        shape = self.input_shape
        if len(shape) not in (1, 3) or min(shape) < 1:
            raise ShapeError(
                "batch_norm takes dense features (features,) or conv channels (channels, height, width), "
                f"got shape {list(shape)}"
            )
        if isinstance(momentum, bool) or not isinstance(momentum, Real) or not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be a number from 0 to 1, got {momentum!r}")
        if isinstance(eps, bool) or not isinstance(eps, Real) or not math.isfinite(eps) or eps <= 0.0:
            raise ValueError(f"eps must be a positive number, got {eps!r}")
        self.momentum: float = float(momentum)  # weight of the batch statistics in the running ones
        self.eps: float = float(eps)  # added to the variance before the square root
        self.channels: int = shape[0]  # F for dense features, C for conv channels
        self.conv: bool = len(shape) == 3
        # Reduce over the batch (and the spatial axes for conv), keeping dims so that (1, C, 1, 1)
        # broadcasts against (N, C, H, W) and (1, F) against (N, F).
        self._axes: tuple[int, ...] = (0, 2, 3) if self.conv else (0,)
        self._pshape: tuple[int, ...] = (self.channels, 1, 1) if self.conv else (self.channels,)
        self.params["gamma"] = np.ones(self.channels, dtype=np.float32)
        self.params["beta"] = np.zeros(self.channels, dtype=np.float32)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers["running_mean"] = np.zeros(self.channels, dtype=np.float32)
        self.buffers["running_var"] = np.ones(self.channels, dtype=np.float32)
        self.output_shape = shape
        # Forward caches: x_hat and 1/sqrt(var + eps) for backward (with the mode and the count m),
        # the input and output for the views, and the last training step's batch statistics.
        self.x: np.ndarray | None = None
        self.xhat: np.ndarray | None = None
        self.y: np.ndarray | None = None
        self.invstd: np.ndarray | None = None
        self.trained: bool = False  # whether the last forward was in training mode
        self.m: int = 0  # values per channel in the last forward
        self.batch_mean: np.ndarray | None = None
        self.batch_var: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (N, F) or (N, C, H, W) -> y of the same shape."""
        if x.shape[1:] != self.input_shape:
            raise ShapeError(
                f"batch_norm was built for inputs of shape {list(self.input_shape)} (without the batch "
                f"axis), got a batch of shape {list(x.shape)}"
            )
        axes, pshape = self._axes, self._pshape
        m = x.size // self.channels
        if training:
            if m == 0:
                raise ShapeError(f"batch_norm cannot train on an empty batch of shape {list(x.shape)}")
            inv_m = 1.0 / m
            mean = np.add.reduce(x, axis=axes, keepdims=True) * inv_m
            xc = x - mean
            var = np.add.reduce(xc * xc, axis=axes, keepdims=True) * inv_m  # biased, two-pass
            invstd = np.reciprocal(np.sqrt(var + self.eps))
            mean, var = mean.reshape(self.channels), var.reshape(self.channels)
            mom = self.momentum
            rm, rv = self.buffers["running_mean"], self.buffers["running_var"]
            rm *= 1.0 - mom
            rm += mom * mean
            if m > 1:  # unbiased variance, as PyTorch; undefined for one value (see module doc)
                rv *= 1.0 - mom
                rv += (mom * m / (m - 1)) * var
            self.batch_mean, self.batch_var = mean, var
        else:
            rm, rv = self.buffers["running_mean"], self.buffers["running_var"]
            invstd = np.reciprocal(np.sqrt(rv + self.eps)).reshape(pshape)
            xc = x - rm.reshape(pshape)
        xhat = xc * invstd
        y = xhat * self.params["gamma"].reshape(pshape) + self.params["beta"].reshape(pshape)
        self.x, self.xhat, self.y, self.invstd = x, xhat, y, invstd
        self.trained, self.m = training, m
        return y

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: like y -> dx: like x; fills grads gamma and beta.

        Training: dx = gamma * invstd * (dy - sum(dy)/m - x_hat * sum(dy * x_hat)/m), the fused
        formula (1/m) gamma invstd (m dy - sum(dy) - x_hat sum(dy x_hat)) with 1/m moved onto the
        per-channel sums. Inference: the statistics are constants, so dx = gamma * invstd * dy.
        """
        if self.xhat is None:
            raise RuntimeError("batch_norm: backward called before forward")
        axes, xhat = self._axes, self.xhat
        dbeta = np.add.reduce(dy, axis=axes, keepdims=True)
        dgamma = np.add.reduce(dy * xhat, axis=axes, keepdims=True)
        self.grads["gamma"] = dgamma.reshape(self.channels)
        self.grads["beta"] = dbeta.reshape(self.channels)
        if not need_input_grad:
            return None
        scale = self.params["gamma"].reshape(self._pshape) * self.invstd
        if not self.trained:
            return dy * scale
        inv_m = 1.0 / self.m
        return scale * (dy - dbeta * inv_m - xhat * (dgamma * inv_m))

    def observe(self) -> dict[str, np.ndarray]:
        """input (pre-BN), normalized (x_hat), output, the last training step's batch_mean and
        batch_var (biased, the ones that normalised it), and copies of running_mean/running_var."""
        seen = {
            "input": self.x,
            "normalized": self.xhat,
            "output": self.y,
            "batch_mean": self.batch_mean,
            "batch_var": self.batch_var,
        }
        out = present(seen)
        # Copies: the buffers are updated in place by the next training step.
        out["running_mean"] = self.buffers["running_mean"].copy()
        out["running_var"] = self.buffers["running_var"].copy()
        return out

    def config(self) -> dict[str, Any]:
        return {"type": self.type_tag, "momentum": self.momentum, "eps": self.eps}
