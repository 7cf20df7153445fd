"""The one table of datasets: name -> generator and what it is (task, shapes, classes)."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

from . import two_d

Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    label: str
    description: str
    task: str  # "binary" | "multiclass" | "regression" | "sequence"
    input_shape: tuple[int, ...]
    classes: int
    suits: tuple[str, ...]
    generate: Generator


def _two_d(name: str, label: str, description: str, generate: Generator) -> DatasetInfo:
    return DatasetInfo(name, label, description, "binary", (2,), 2, ("dense",), generate)


DATASETS: Mapping[str, DatasetInfo] = MappingProxyType(
    {
        info.name: info
        for info in (
            _two_d("circle", "Circle", "One class inside a circle, the other in a ring around it.", two_d.circle),
            _two_d("xor", "Exclusive or", "Opposite quadrants share a class.", two_d.xor),
            _two_d("gaussians", "Two Gaussians", "Two blobs; noise makes them overlap.", two_d.gaussians),
            _two_d("spiral", "Spiral", "Two interleaved spiral arms, the hardest of the four.", two_d.spiral),
        )
    }
)
