"""The real digits and the generated shapes."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits as sklearn_digits

from neuroplay.data import make_dataset
from neuroplay.data.images import DIGITS_COUNT, SHAPE_NAMES, load_digits, shapes
from neuroplay.schemas.dataset import DatasetSpec


def test_digits_match_scikit_learns_file_sample_for_sample() -> None:
    ours, labels = load_digits()
    theirs = sklearn_digits()
    assert ours.shape == (1797, 1, 8, 8) and ours.dtype == np.float32
    assert DIGITS_COUNT == 1797  # what the catalog publishes as the digits' max_points
    np.testing.assert_array_equal(ours.reshape(1797, 64) * 16, theirs.data)
    np.testing.assert_array_equal(labels, theirs.target)


def test_digit_dataset_picks_distinct_samples_with_every_class() -> None:
    d = make_dataset(DatasetSpec(name="digits", points=1797, noise=0, validation_share=0.2, seed=1))
    assert d.x_train.shape[1:] == (1, 8, 8) and len(d.x_train) + len(d.x_val) == 1797
    assert set(np.unique(d.y_train).astype(int)) == set(range(10))
    everything = np.concatenate([d.x_train, d.x_val]).reshape(1797, -1)
    assert len(np.unique(everything, axis=0)) == len(np.unique(load_digits()[0].reshape(1797, -1), axis=0))


def test_shapes_are_balanced_in_range_and_seeded() -> None:
    x, y = shapes(400, 0.0, np.random.default_rng(0))
    assert x.shape == (400, 1, 28, 28) and x.min() >= 0 and x.max() <= 1
    assert np.bincount(y.astype(int)).tolist() == [100] * len(SHAPE_NAMES)
    x2, y2 = shapes(400, 0.0, np.random.default_rng(0))
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    # every picture has a stroke, and no two are the same
    assert (x.reshape(400, -1).max(axis=1) > 0.5).all()
    assert len(np.unique(x.reshape(400, -1), axis=0)) == 400


def test_circles_differ_from_lines_in_ink() -> None:
    x, y = shapes(200, 0.0, np.random.default_rng(1))
    ink = x.reshape(200, -1).sum(axis=1)
    circle, line = SHAPE_NAMES.index("circle"), SHAPE_NAMES.index("line")
    assert ink[y == circle].mean() > 2 * ink[y == line].mean()
