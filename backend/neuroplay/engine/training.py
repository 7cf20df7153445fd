"""One training run over arrays: shuffled mini-batches, loss, backward, clipping, update.

No threads and no I/O: the session runner calls `train_step` (or steps one phase at a time through
`PhaseStepper`) and reads the results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .freezing import FrozenEntries
from .losses import Loss
from .network import Network
from .optimizers import SGD, Optimizer


class BatchIterator:
    """Yields index arrays for mini-batches; reshuffles with its own seeded Generator every epoch."""

    def __init__(self, n: int, batch_size: int, seed: int) -> None:
        if n < 1:
            raise ValueError("the training set is empty")
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
    """What one step produced. When `diverged` says where a NaN/Inf appeared, the weights were left
    as they were before the step."""

    loss: float
    grad_norm: float  # global L2 norm of all gradients before clipping
    clipped_norm: float  # ... and after clipping (equal when nothing was clipped)
    epoch_ended: bool
    diverged: str | None = None
    diverged_layer: int | None = None


class Trainer:
    """Holds the network, loss, optimizer and batching for a training set."""

    def __init__(
        self,
        network: Network,
        loss: Loss,
        optimizer: Optimizer,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int,
        seed: int,
        clip_norm: float | None = None,
        clip_value: float | None = None,
        transform: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    ) -> None:
        """`transform(batch, rng)` changes each training batch before the forward pass (data
        augmentation); it gets its own Generator derived from `seed`, so runs stay reproducible."""
        self.network = network
        network.flatten_parameters()
        self.optimizer = optimizer
        self.x, self.y = x, y
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.batches = BatchIterator(len(x), batch_size, seed)
        self.transform = transform
        self.transform_rng = np.random.default_rng([seed, 1])
        self.step_count = 0
        self.frozen = FrozenEntries()  # entries the learner keeps fixed (their gradients not applied)
        self.last_gradient: np.ndarray | None = None  # the last step's gradients, flat, before clipping
        self.set_loss(loss)

    def set_loss(self, loss: Loss) -> None:
        self.loss = loss
        last = self.network.layers[-1] if self.network.layers else None
        act = getattr(last, "activation", None)
        # Fuse the loss with the last activation when they are partners: dL/du = (p - y) / m.
        self.fused = bool(loss.fused_activation and act is not None and act.name == loss.fused_activation)

    def replace_data(
        self,
        x: np.ndarray,
        y: np.ndarray,
        transform: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    ) -> None:
        """Train on new arrays from the next step on, keeping weights, optimizer state and the epoch
        count (the learner drew or removed points, or switched augmentation)."""
        old = self.batches
        self.x, self.y, self.transform = x, y, transform
        self.batches = BatchIterator(len(x), old.batch_size, int(old.rng.integers(2**32)))
        self.batches.epoch = old.epoch

    def set_batch_size(self, batch_size: int) -> None:
        self.batches.batch_size = batch_size

    def next_batch(self) -> tuple[np.ndarray, np.ndarray, bool]:
        idx, epoch_ended = self.batches.next_batch()
        xb = self.x[idx]
        if self.transform is not None:
            xb = self.transform(xb, self.transform_rng)
        return xb, self.y[idx], epoch_ended

    def train_step(self) -> StepResult:
        xb, yb, epoch_ended = self.next_batch()
        p = self.network.forward(xb, training=True)
        loss = self.loss.value(p, yb)
        if not np.isfinite(loss):
            return self._diverged_in_forward(loss, epoch_ended)
        self.backward(p, yb)
        return self.apply_gradients(loss, epoch_ended)

    def backward(self, p: np.ndarray, yb: np.ndarray) -> None:
        """Fill every layer's grads from the output p of the forward pass on targets yb."""
        net = self.network
        last = len(net.layers) - 1
        if self.fused:
            assert self.loss.grad_wrt_logits is not None  # fused means the loss has one
            net.backward_from(last, self.loss.grad_wrt_logits(p, yb), False, preactivation=True)
        else:
            net.backward_from(last, self.loss.grad(p, yb), False, preactivation=False)

    def apply_gradients(self, loss: float, epoch_ended: bool) -> StepResult:
        """Check, clip and apply the gradients the last backward left in the layers.

        The gradients are gathered into one flat vector: one dot product gives the global norm (for
        clipping and the views) and the NaN/Inf check (a sum of squares is non-finite exactly when
        some gradient is), and plain SGD updates the flat parameter vector in two operations.
        """
        params = self.network.parameters()
        g_flat = np.concatenate([g.ravel() for _, _, g in params]) if params else np.zeros(0, np.float32)
        # The views read each layer's norm from it (no second pass): the gradients as computed, a
        # frozen entry's included, before freezing and clipping change what is applied.
        self.last_gradient = g_flat
        frozen = self.frozen
        any_frozen = bool(frozen.masks)  # nothing frozen (the usual case) costs this one test
        if any_frozen:
            g_flat = g_flat * frozen.keep_flat(self.network)
        grad_norm = float(np.vdot(g_flat, g_flat)) ** 0.5
        clipping = self.clip_norm is not None or self.clip_value is not None
        if not np.isfinite(grad_norm) and clipping and np.isfinite(g_flat).all():
            # The squares overflowed float32 but every gradient is finite: clipping exists for exactly
            # this step, so measure it in float64 and let clipping act (the rare path only).
            grad_norm = float(np.linalg.norm(g_flat.astype(np.float64)))
        if not np.isfinite(grad_norm):
            return self._diverged_in_backward(loss, grad_norm, epoch_ended)
        clipped, changed = grad_norm, any_frozen
        if self.clip_norm is not None and grad_norm > self.clip_norm:
            g_flat = g_flat * np.float32(self.clip_norm / grad_norm)
            clipped, changed = self.clip_norm, True
        if self.clip_value is not None:
            g_flat = np.clip(g_flat, -np.float32(self.clip_value), np.float32(self.clip_value))
            clipped, changed = float(np.vdot(g_flat, g_flat)) ** 0.5, True
        flat = self.network.flat_params
        held = frozen.hold(self.network) if any_frozen else None
        if type(self.optimizer) is SGD and flat is not None:
            self.optimizer.step_flat(flat, g_flat)
        else:
            self.optimizer.step(self._split_like(params, g_flat) if changed else params)
        if held is not None:
            frozen.put_back(self.network, held)
        self.step_count += 1
        return StepResult(loss, grad_norm, clipped, epoch_ended)

    @staticmethod
    def _split_like(
        params: list[tuple[tuple[int, str], np.ndarray, np.ndarray]], g_flat: np.ndarray
    ) -> list[tuple[tuple[int, str], np.ndarray, np.ndarray]]:
        """(key, param, grad) with grads taken from the (clipped) flat vector."""
        out, offset = [], 0
        for key, p, g in params:
            out.append((key, p, g_flat[offset : offset + g.size].reshape(g.shape)))
            offset += g.size
        return out

    def layer_grad_norms(self) -> dict[int, float]:
        """L2 norm of each layer's gradients from the last backward (layers with parameters)."""
        sums: dict[int, float] = {}
        for (layer, _), _, g in self.network.parameters():
            sums[layer] = sums.get(layer, 0.0) + float(np.vdot(g, g))
        return {i: v**0.5 for i, v in sums.items()}

    def _diverged_in_backward(self, loss: float, grad_norm: float, epoch_ended: bool) -> StepResult:
        # A saturating activation can hide a non-finite output from the loss; report the earliest
        # such output first, else the gradient nearest the output.
        found: tuple[str, int | None] | None = self._first_non_finite_output()
        if found is None:
            norms = self.layer_grad_norms()
            bad_layers = [i for i, v in norms.items() if not np.isfinite(v)]
            if bad_layers:
                bad = max(bad_layers)
                found = (f"gradients of layer {bad} ({self.network.layers[bad].type_tag})", bad)
            else:  # every layer's norm is finite but their sum of squares overflows float32
                found = ("the gradient norm (too large to represent)", None)
        return StepResult(loss, grad_norm, grad_norm, epoch_ended, found[0], found[1])

    def _first_non_finite_output(self) -> tuple[str, int] | None:
        for i, layer in enumerate(self.network.layers):
            out = layer.observe().get("output")
            if out is not None and not np.isfinite(out).all():
                return f"outputs of layer {i} ({layer.type_tag})", i
        return None

    def _diverged_in_forward(self, loss: float, epoch_ended: bool) -> StepResult:
        """The loss is NaN/Inf: name the first layer whose output is not finite, if any."""
        where, layer = self._first_non_finite_output() or ("loss", None)
        return StepResult(loss, float("nan"), float("nan"), epoch_ended, where, layer)
