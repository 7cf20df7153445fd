"""A few samples of each built-in dataset for the picker's thumbnails, made by the dataset's own
generator with a fixed seed: a new dataset shows its own picture, with no drawing code per name."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..schemas.catalog import DatasetPreview
from ..schemas.dataset import DatasetSpec
from .registry import DatasetInfo

PREVIEW_SEED = 7
PREVIEW_POINTS = 90  # a 2-D set's scatter
PREVIEW_IMAGES = 4  # drawn 2 × 2
DECIMALS = 3  # enough for a 96-pixel thumbnail, and a catalog a few kilobytes smaller


def _rounded(a: np.ndarray) -> Any:
    """Nested lists of floats at DECIMALS places."""
    return np.round(a.astype(np.float64), DECIMALS).tolist()


def preview(info: DatasetInfo) -> DatasetPreview:
    """The samples of `info` a thumbnail draws, with the dataset's default settings."""
    spec = DatasetSpec.model_validate({"name": info.name})
    count = {"points": PREVIEW_POINTS, "image": PREVIEW_IMAGES}.get(info.kind, 1)
    x, y = info.generate(spec.model_copy(update={"points": count}), np.random.default_rng(PREVIEW_SEED))
    if info.kind == "points":
        return DatasetPreview(points=_rounded(np.column_stack([x[:, :2], y.reshape(len(y), -1)[:, :1]])))
    if info.kind == "image":
        return DatasetPreview(images=_rounded(x[:count, 0]))
    target = y[0].reshape(-1)
    return DatasetPreview(sequence=_rounded(x[0]), sequence_target=_rounded(target) if target.size > 1 else [])
