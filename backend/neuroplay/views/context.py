"""What an engine view computes its records from: the trainer right after a training step (its
layers' caches and gradients), the probe sample, and the per-step series since the last frame.

The probe runs on a copy of the network with the trainer's current weights (inspect_sample
overwrites caches and gradients, which must stay the trainer's), once per frame, and only when a
watched view needs it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..engine import Network, Trainer
from ..engine.inspect import Inspection, inspect_sample
from ..engine.layers import Layer
from .series import GradSeries


@dataclass(frozen=True)
class Probe:
    """The probe sample: where it comes from, and it with a batch axis of 1."""

    split: str  # "train" | "validation"
    index: int
    x: np.ndarray
    y: np.ndarray

    @property
    def ref(self) -> tuple[str, int]:
        return self.split, self.index

    @classmethod
    def of(
        cls,
        ref: tuple[str, int] | None,
        train: tuple[np.ndarray, np.ndarray],
        validation: tuple[np.ndarray, np.ndarray],
    ) -> Probe | None:
        """The sample `ref` = (split, index) of the splits' (x, y); None if there is no such sample."""
        if ref is None:
            return None
        split, index = ref
        x, y = validation if split == "validation" else train
        if not 0 <= index < len(x):
            return None
        return cls(split, index, x[index : index + 1], y[index : index + 1])


class ProbeNetwork:
    """A copy of the trainer's network for the probe, rebuilt only when the network changes."""

    def __init__(self, build: Callable[[], Network]) -> None:
        self._build = build
        self._network: Network | None = None

    def with_weights_of(self, network: Network) -> Network:
        if self._network is None:
            self._network = self._build()
        self._network.set_weights(network.get_weights())
        return self._network


class ViewContext:
    def __init__(
        self,
        trainer: Trainer,
        step: int,
        probe: Probe | None,
        probe_network: ProbeNetwork | None,
        series: GradSeries | None,
        fresh_caches: bool,
    ) -> None:
        """`fresh_caches`: the layers' caches are those of the training step at `step` (not of an
        evaluation pass since, nor empty); views that read them emit nothing otherwise."""
        self.trainer = trainer
        self.step = step
        self.probe = probe
        self.series = series
        self.fresh_caches = fresh_caches
        self._probe_network = probe_network
        self._inspection: tuple[Inspection, Network] | None = None

    @property
    def layers(self) -> list[Layer]:  # the trainer's layers, in spec order
        return self.trainer.network.layers

    def inspection(self) -> tuple[Inspection, Network] | None:
        """The probe through the copy network (computed once per context), and that network, whose
        caches now hold the probe's pass; None without a probe."""
        if self.probe is None or self._probe_network is None:
            return None
        if self._inspection is None:
            network = self._probe_network.with_weights_of(self.trainer.network)
            with np.errstate(all="ignore"):  # a diverging network shows its NaNs as they are
                result = inspect_sample(network, self.trainer.loss, self.probe.x, self.probe.y)
            self._inspection = (result, network)
        return self._inspection
