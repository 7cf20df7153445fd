"""The 2-D generators: shapes, ranges, balance, the split, and seeds."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.data import DATASETS
from neuroplay.data import make_dataset as make_from_spec
from neuroplay.schemas.dataset import DatasetSpec

NAMES = sorted(name for name, info in DATASETS.items() if info.kind == "points" and info.task == "binary")


def make_dataset(name: str, points: int, noise: float, validation_share: float, seed: int):
    return make_from_spec(
        DatasetSpec(name=name, points=points, noise=noise, validation_share=validation_share, seed=seed)
    )


@pytest.mark.parametrize("name", NAMES)
def test_shapes_dtypes_and_split(name: str) -> None:
    d = make_dataset(name, points=301, noise=0.2, validation_share=0.3, seed=1)
    assert d.x_train.shape == (211, 2) and d.x_val.shape == (90, 2)
    assert d.y_train.shape == (211, 1) and d.y_val.shape == (90, 1)
    assert {d.x_train.dtype, d.y_train.dtype} == {np.dtype(np.float32)}
    assert set(np.unique(np.concatenate([d.y_train, d.y_val]))) == {0.0, 1.0}


@pytest.mark.parametrize("name", NAMES)
def test_classes_are_balanced_and_points_stay_near_the_plane(name: str) -> None:
    d = make_dataset(name, points=1000, noise=0.0, validation_share=0.0, seed=2)
    y = d.y_train
    assert len(y) == 1000  # validation_share 0: every sample trains
    assert 0.45 < y.mean() < 0.55
    assert np.abs(d.x_train).max() <= 6.0


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_points_other_seed_other_points(name: str) -> None:
    a = make_dataset(name, 200, 0.3, 0.5, seed=5)
    b = make_dataset(name, 200, 0.3, 0.5, seed=5)
    c = make_dataset(name, 200, 0.3, 0.5, seed=6)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.x_train, c.x_train)


def test_noise_moves_points_but_not_labels_of_the_circle() -> None:
    clean = make_dataset("circle", 400, 0.0, 0.0, seed=3)
    radius = np.linalg.norm(clean.x_train, axis=1)
    inside = clean.y_train.ravel() == 1
    assert radius[inside].max() <= 2.5 and radius[~inside].min() >= 3.5
    noisy = make_dataset("circle", 400, 0.5, 0.0, seed=3)
    noisy_radius = np.linalg.norm(noisy.x_train, axis=1)
    assert noisy_radius[noisy.y_train.ravel() == 1].max() > 2.5


def test_unknown_dataset_is_refused_by_the_schema() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="circle"):
        DatasetSpec(name="moon")
