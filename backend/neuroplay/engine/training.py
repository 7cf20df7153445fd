"""One training run over arrays: shuffled mini-batches, loss, backward, clipping, update.

No threads and no I/O: the session runner calls `train_step` and reads the results.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import Loss
from .network import Network
from .optimizers import SGD


class BatchIterator:
    """Yields index arrays for mini-batches; reshuffles with its own seeded Generator every epoch."""

    def __init__(self, n: int, batch_size: int, seed: int) -> None:
        self.n = n
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(n)
        self.position = 0
        self.epoch = 0

    def next_batch(self) -> tuple[np.ndarray, bool]:
        """Indices of the next batch, and whether it completes the epoch (the last may be short)."""
        size = min(self.batch_size, self.n)
        idx = self.order[self.position : self.position + size]
        self.position += size
        ended = self.position >= self.n
        if ended:
            self.epoch += 1
            self.position = 0
            self.order = self.rng.permutation(self.n)
        return idx, ended


@dataclass
class StepResult:
    """What one step produced. `diverged` names where a NaN/Inf was found; weights were not updated."""

    loss: float
    grad_norm: float
    epoch_ended: bool
    diverged: str | None = None


class Trainer:
    """Holds the network, loss, optimizer and batching for a training set."""

    def __init__(
        self,
        network: Network,
        loss: Loss,
        optimizer: SGD,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        seed: int,
        clip_norm: float | None = None,
    ) -> None:
        self.network = network
        self.optimizer = optimizer
        self.x, self.y = x, y
        self.clip_norm = clip_norm
        self.batches = BatchIterator(len(x), batch_size, seed)
        self.step_count = 0
        self.set_loss(loss)

    def set_loss(self, loss: Loss) -> None:
        self.loss = loss
        last = self.network.layers[-1] if self.network.layers else None
        act = getattr(last, "activation", None)
        # Fuse the loss with the last activation when they are partners: dL/du = (p - y) / m.
        self.fused = bool(loss.fused_activation and act is not None and act.name == loss.fused_activation)

    def set_batch_size(self, batch_size: int) -> None:
        self.batches.batch_size = batch_size

    def train_step(self) -> StepResult:
        idx, epoch_ended = self.batches.next_batch()
        xb, yb = self.x[idx], self.y[idx]
        net = self.network
        p = net.forward(xb, training=True)
        loss = self.loss.value(p, yb)
        if not np.isfinite(loss):
            return StepResult(loss, float("nan"), epoch_ended, diverged="loss")
        if self.fused:
            net.backward_from(len(net.layers) - 1, self.loss.grad_wrt_logits(p, yb), False, True)
        else:
            net.backward_from(len(net.layers) - 1, self.loss.grad(p, yb), False, False)
        params = net.parameters()
        # One pass gives both the global gradient norm (for clipping and the views) and a NaN/Inf
        # check: a sum of squares is non-finite exactly when some gradient is.
        sq = 0.0
        for _, _, g in params:
            sq += float(np.vdot(g, g))
        grad_norm = sq**0.5
        if not np.isfinite(grad_norm):
            bad = next(i for (i, _), _, g in params if not np.isfinite(g).all())
            return StepResult(loss, grad_norm, epoch_ended, diverged=f"gradients of layer {bad}")
        if self.clip_norm is not None and grad_norm > self.clip_norm:
            scale = np.float32(self.clip_norm / grad_norm)
            params = [(k, p_, g * scale) for k, p_, g in params]
        self.optimizer.step(params)
        self.step_count += 1
        return StepResult(loss, grad_norm, epoch_ended)
