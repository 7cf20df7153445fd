"""What is collected at every training step while someone watches: each layer's gradient norm
before and after clipping (grad_norms), and every batch's loss (always: it goes in the metrics).
Thinned at display rate to at most MAX_VALUES a frame, keeping each stretch's largest value."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..engine import StepResult, Trainer

MAX_VALUES = 256  # values a frame carries per series


@dataclass(frozen=True)
class GradSeries:
    """The steps first_step .. first_step + n·stride − 1 in n stretches of `stride` steps; each array
    holds the largest value of each stretch."""

    first_step: int
    stride: int
    last_step: int
    layers: tuple[int, ...]  # the layers with parameters, in order; rows of the per-layer arrays
    before: np.ndarray  # (layers, n)
    after: np.ndarray  # (layers, n)
    global_before: np.ndarray  # (n,)
    global_after: np.ndarray  # (n,)
    clip_acted: np.ndarray  # (n,) 1.0 where clipping changed the gradients at some step of it


def stretch_max(values: np.ndarray, stride: int) -> np.ndarray:
    """Largest value of each stretch of `stride` along the last axis (the last may be shorter)."""
    n = values.shape[-1]
    count = math.ceil(n / stride)
    padded = np.full((*values.shape[:-1], count * stride), -np.inf, dtype=np.float64)
    padded[..., :n] = values
    stretches: np.ndarray = padded.reshape(*values.shape[:-1], count, stride).max(axis=-1)
    return stretches


def stride_for(n: int) -> int:
    return max(1, math.ceil(n / MAX_VALUES))


def layer_norms_after_clipping(trainer: Trainer, result: StepResult, before: list[float]) -> tuple[list[float], bool]:
    """Each layer's gradient norm after the step's clipping, and whether clipping changed anything.
    Clipping by norm scales every gradient by one factor; clipping by value is applied to the
    scaled gradients, exactly as Trainer.apply_gradients does."""
    scale = 1.0
    acted = False
    if trainer.clip_norm is not None and result.grad_norm > trainer.clip_norm:
        scale, acted = trainer.clip_norm / result.grad_norm, True
    if trainer.clip_value is None:
        return [norm * scale for norm in before], acted
    limit = float(trainer.clip_value)
    sums: dict[int, float] = {}
    for (layer, _), _, g in trainer.network.parameters():
        scaled = g * np.float32(scale) if scale != 1.0 else g
        scaled = scaled.astype(np.float64)
        if np.abs(scaled).max(initial=0.0) > limit:
            acted = True
            scaled = np.clip(scaled, -limit, limit)
        sums[layer] = sums.get(layer, 0.0) + float(np.vdot(scaled, scaled))
    return [sums[i] ** 0.5 for i in sorted(sums)], acted


def layer_norms_float64(trainer: Trainer) -> dict[int, float]:
    """Each layer's gradient norm summed in float64: finite gradients whose squares overflow float32."""
    sums: dict[int, float] = {}
    for (layer, _), _, g in trainer.network.parameters():
        g64 = g.astype(np.float64)
        sums[layer] = sums.get(layer, 0.0) + float(np.vdot(g64, g64))
    return {i: v**0.5 for i, v in sums.items()}


class GradNormCollector:
    """Per-step gradient norms since the last frame (only while grad_norms is watched)."""

    def __init__(self) -> None:
        self.layers: tuple[int, ...] = ()
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.before: list[list[float]] = []
        self.after: list[list[float]] = []
        self.global_values: list[tuple[float, float, bool]] = []

    def add(self, step: int, trainer: Trainer, result: StepResult) -> None:
        norms = trainer.layer_grad_norms()
        if not all(math.isfinite(v) for v in norms.values()):
            norms = layer_norms_float64(trainer)  # squares beyond float32 (clipping then acts)
        layers = tuple(sorted(norms))
        if layers != self.layers:  # the first step, or another network: start over
            self.clear()
            self.layers = layers
        before = [norms[i] for i in layers]
        after, acted = layer_norms_after_clipping(trainer, result, before)
        self.steps.append(step)
        self.before.append(before)
        self.after.append(after)
        self.global_values.append((result.grad_norm, result.clipped_norm, acted))

    def take(self) -> GradSeries | None:
        """The thinned series since the last take (None if no step was collected)."""
        if not self.steps:
            return None
        steps, layers = self.steps, self.layers
        stride = stride_for(len(steps))
        before = np.asarray(self.before, dtype=np.float64).T.reshape(len(layers), len(steps))
        after = np.asarray(self.after, dtype=np.float64).T.reshape(len(layers), len(steps))
        glob = np.asarray(self.global_values, dtype=np.float64).T
        series = GradSeries(
            first_step=steps[0],
            stride=stride,
            last_step=steps[-1],
            layers=layers,
            before=stretch_max(before, stride),
            after=stretch_max(after, stride),
            global_before=stretch_max(glob[0], stride),
            global_after=stretch_max(glob[1], stride),
            clip_acted=stretch_max(glob[2], stride),
        )
        self.clear()
        return series


def thin_batch_losses(pairs: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """At most MAX_VALUES pairs: the steps cut into equal stretches, each keeping its last batch."""
    stride = stride_for(len(pairs))
    if stride == 1:
        return pairs
    return [pairs[min(i + stride, len(pairs)) - 1] for i in range(0, len(pairs), stride)]
