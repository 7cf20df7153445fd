"""Derived input features for 2-D data, as TensorFlow Playground offers them: the learner switches on
x1², x2², x1·x2, sin x1, sin x2 as extra inputs and sees how much easier a problem becomes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np

from ..schemas.error_codes import coded
from .errors import DataError

FEATURES: Mapping[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = MappingProxyType(
    {
        "x1": ("x₁", lambda a, b: a),
        "x2": ("x₂", lambda a, b: b),
        "x1_squared": ("x₁²", lambda a, b: a * a),
        "x2_squared": ("x₂²", lambda a, b: b * b),
        "x1_x2": ("x₁·x₂", lambda a, b: a * b),
        "sin_x1": ("sin x₁", lambda a, b: np.sin(a)),
        "sin_x2": ("sin x₂", lambda a, b: np.sin(b)),
    }
)


def derive(points: np.ndarray, names: list[str]) -> np.ndarray:
    """(n, 2) points -> (n, len(names)) float32 features, in the order given."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        message = f"unknown features {unknown} (known: {', '.join(FEATURES)})"
        raise coded(DataError(message), "dataset_unknown_features", features=list(unknown), known=", ".join(FEATURES))
    a, b = points[:, 0], points[:, 1]
    return np.stack([FEATURES[n][1](a, b) for n in names], axis=1).astype(np.float32)
