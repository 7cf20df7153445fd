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


class GradNormCollector:
    """Per-step gradient norms since the last frame (only while grad_norms is watched).

    At every step: one segmented sum of squares of the flat gradient the trainer has already
    concatenated for its own norm (each layer's sum, a few microseconds whatever the number of
    parameters), and the step's global norms. The per-layer norms after clipping and the thinning are worked out at display rate in
    take()."""

    def __init__(self) -> None:
        self._starts = np.zeros(0, np.intp)  # where each layer's values start in the concatenation
        self.layers: tuple[int, ...] = ()  # the layers with parameters, in order
        self._network: object = None
        self.clear()

    def clear(self) -> None:
        self.steps: list[int] = []
        self.squares: list[np.ndarray] = []  # per step: each layer's sum of squares
        self.after: list[list[float] | None] = []  # per step: per-layer norms when clipping by value
        self.global_values: list[tuple[float, float, bool]] = []

    def _watch(self, trainer: Trainer) -> None:
        network = trainer.network
        if network is self._network:
            return
        self.clear()  # the first step, or another network: start over
        self._network = network
        starts, layers, offset = [], [], 0
        for i, layer in enumerate(network.layers):
            if not layer.params:
                continue
            layers.append(i)
            starts.append(offset)
            offset += sum(value.size for value in layer.params.values())
        self.layers, self._starts = tuple(layers), np.asarray(starts, np.intp)

    def _layer_squares(self, trainer: Trainer, result: StepResult) -> np.ndarray:
        """Each layer's sum of squares, from the flat gradient the trainer already concatenated
        (the parameters in network order: the layers' values are contiguous)."""
        flat = trainer.last_gradient
        if flat is None or flat.size == 0 or not self.layers:
            return np.zeros(len(self.layers))
        if result.grad_norm < 1e19:  # the squares fit float32 (its largest is 3.4e38)
            return np.add.reduceat(flat * flat, self._starts)
        flat64 = flat.astype(np.float64)  # (rare) squares beyond float32: clipping then acts
        return np.add.reduceat(flat64 * flat64, self._starts)

    def add(self, step: int, trainer: Trainer, result: StepResult) -> None:
        self._watch(trainer)
        squares = self._layer_squares(trainer, result)
        clip_norm = trainer.clip_norm
        acted = clip_norm is not None and result.grad_norm > clip_norm
        after = None
        if trainer.clip_value is not None:  # (rare) per-layer norms after clipping by value
            before = [float(v) ** 0.5 for v in squares]
            after, acted = layer_norms_after_clipping(trainer, result, before)
        self.steps.append(step)
        self.squares.append(squares)
        self.after.append(after)
        self.global_values.append((result.grad_norm, result.clipped_norm, acted))

    def take(self) -> GradSeries | None:
        """The thinned series since the last take (None if no step was collected)."""
        if not self.steps:
            return None
        steps, layers = self.steps, self.layers
        before = np.sqrt(np.asarray(self.squares, dtype=np.float64).reshape(len(steps), len(layers)).T)
        glob = np.asarray(self.global_values, dtype=np.float64).T
        # Clipping by norm scales every gradient of a step by one factor; by value, `after` has it.
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(glob[0] > 0, glob[1] / glob[0], 1.0)
        after = before * scale
        for j, exact in enumerate(self.after):
            if exact is not None:
                after[:, j] = exact
        stride = stride_for(len(steps))
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
