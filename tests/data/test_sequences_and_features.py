"""Sequence sets, derived 2-D features, the regression sets and learner-drawn points."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.data import DATASETS, make_dataset
from neuroplay.data.features import derive
from neuroplay.data.sequences import adding, echo, sine
from neuroplay.schemas.dataset import DatasetSpec


def test_sine_targets_are_the_next_clean_value() -> None:
    x, y = sine(50, 0.0, np.random.default_rng(0), length=12)
    assert x.shape == (50, 12, 1) and y.shape == (50, 12, 1)
    np.testing.assert_allclose(x[:, 1:], y[:, :-1], atol=1e-6)


def test_echo_repeats_the_input_delay_steps_later() -> None:
    x, y = echo(30, 0.0, np.random.default_rng(0), length=10, delay=3)
    np.testing.assert_array_equal(y[:, 3:], x[:, :-3])
    assert (y[:, :3] == 0).all()


def test_adding_problem_marks_two_values_one_per_half_and_sums_them() -> None:
    x, y = adding(100, 0.0, np.random.default_rng(0), length=30)
    marks = x[:, :, 1]
    assert (marks.sum(axis=1) == 2).all()
    assert (marks[:, :15].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * marks).sum(axis=1), rtol=1e-6)


def test_derived_features_in_the_order_chosen() -> None:
    pts = np.array([[1.0, 2.0], [-3.0, 0.5]], np.float32)
    out = derive(pts, ["x1_x2", "x1", "sin_x2", "x2_squared"])
    np.testing.assert_allclose(out, [[2, 1, np.sin(2), 4], [-1.5, -3, np.sin(0.5), 0.25]], rtol=1e-6)


def test_dataset_with_features_keeps_the_points_for_drawing() -> None:
    d = make_dataset(
        DatasetSpec(name="spiral", features=["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"])
    )
    assert d.input_shape == (7,) and d.x_train.shape[1] == 7 and d.points_train.shape[1] == 2
    np.testing.assert_allclose(d.x_train[:, 4], d.points_train[:, 0] * d.points_train[:, 1], rtol=1e-5)


@pytest.mark.parametrize("name", ["plane", "gaussian_sum"])
def test_regression_sets_have_targets_in_range(name: str) -> None:
    d = make_dataset(DatasetSpec(name=name, noise=0.3))
    assert DATASETS[name].task == "regression"
    assert d.y_train.shape[1] == 1 and np.abs(d.y_train).max() <= 1 and d.y_train.std() > 0.05


def test_drawn_points_join_the_training_set_and_removed_ones_leave_it() -> None:
    base = make_dataset(DatasetSpec(name="circle", points=100))
    edited = make_dataset(
        DatasetSpec(name="circle", points=100, added_points=[[1, 1, 1], [5, 5, 0]], removed_points=[0, 3])
    )
    assert len(edited.x_train) == len(base.x_train) - 2 + 2
    np.testing.assert_array_equal(edited.points_train[-2:], [[1, 1], [5, 5]])
    assert edited.y_train[-2:].ravel().tolist() == [1, 0]
    np.testing.assert_array_equal(edited.x_val, base.x_val)  # validation untouched
    with pytest.raises(ValueError, match="added point 0 has label 0.5"):
        make_dataset(DatasetSpec(name="circle", added_points=[[0, 0, 0.5]]))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_is_seeded_and_shaped_as_its_info_says(name: str) -> None:
    spec = DatasetSpec(name=name, points=60, length=8)
    a, b = make_dataset(spec), make_dataset(spec)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_val, b.y_val)
    assert a.x_train.shape[1:] == a.input_shape == DATASETS[name].input_shape(spec)
    assert a.y_train.shape[1:] == (DATASETS[name].output_shape(spec) if DATASETS[name].task != "multiclass" else (1,))
    assert a.x_train.dtype == np.float32 and np.isfinite(a.x_train).all()
