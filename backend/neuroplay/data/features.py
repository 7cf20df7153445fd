"""Derived input features for 2-D data, as TensorFlow Playground offers them: the learner switches on
x1², x2², x1·x2, sin x1, sin x2 as extra inputs and sees how much easier a problem becomes.

This table is the only definition: training derives the inputs with `derive`, the catalog lists the
labels, and GET /api/sessions/{id}/features serves each feature's values over the input plane (the
pictures of the input nodes and the data panel's feature buttons), drawn over its `shown` range.
A new feature is one entry here (and nothing in the browser)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ..schemas.error_codes import coded
from .errors import DataError


@dataclass(frozen=True)
class Feature:
    label: str  # as the learner reads it
    formula: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (x1, x2) -> the input
    # The values drawn from orange (and below) to blue (and above) on the plane [-6, 6]²: about the
    # feature's range there (x1·x2 reaches ±36 only in the corners, so ±18 shows its shape better).
    shown: tuple[float, float]


FEATURES: Mapping[str, Feature] = MappingProxyType(
    {
        "x1": Feature("x₁", lambda a, b: a, (-6.0, 6.0)),
        "x2": Feature("x₂", lambda a, b: b, (-6.0, 6.0)),
        "x1_squared": Feature("x₁²", lambda a, b: a * a, (0.0, 36.0)),
        "x2_squared": Feature("x₂²", lambda a, b: b * b, (0.0, 36.0)),
        "x1_x2": Feature("x₁·x₂", lambda a, b: a * b, (-18.0, 18.0)),
        "sin_x1": Feature("sin x₁", lambda a, b: np.sin(a), (-1.0, 1.0)),
        "sin_x2": Feature("sin x₂", lambda a, b: np.sin(b), (-1.0, 1.0)),
    }
)


def derive(points: np.ndarray, names: list[str]) -> np.ndarray:
    """(n, 2) points -> (n, len(names)) float32 features, in the order given."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        message = f"unknown features {unknown} (known: {', '.join(FEATURES)})"
        raise coded(DataError(message), "dataset_unknown_features", features=list(unknown), known=", ".join(FEATURES))
    a, b = points[:, 0], points[:, 1]
    return np.stack([FEATURES[n].formula(a, b) for n in names], axis=1).astype(np.float32)
