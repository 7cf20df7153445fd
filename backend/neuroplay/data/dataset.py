"""Turn a dataset spec into float32 train/validation arrays, split by a seeded shuffle."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .registry import DATASETS, DatasetInfo


@dataclass(frozen=True)
class Dataset:
    info: DatasetInfo
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def make_dataset(name: str, points: int, noise: float, validation_share: float, seed: int) -> Dataset:
    """Generate `points` samples and keep round(points·validation_share) of them for validation.

    At least one sample always stays in the training set.
    """
    info = DATASETS.get(name)
    if info is None:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    rng = np.random.default_rng(seed)
    x, y = info.generate(points, noise, rng)
    order = rng.permutation(len(x))
    x = x[order].astype(np.float32)
    y = y[order].astype(np.float32).reshape(len(x), -1)
    n_val = min(int(round(len(x) * validation_share)), len(x) - 1)
    n_train = len(x) - n_val
    return Dataset(info, x[:n_train], y[:n_train], x[n_train:], y[n_train:])
