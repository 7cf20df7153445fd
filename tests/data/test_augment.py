"""Augmentation: the right transforms, labels untouched, validation never augmented."""

from __future__ import annotations

import numpy as np

from neuroplay.data import make_dataset
from neuroplay.data.augment import Augmentation, augment
from neuroplay.schemas.dataset import AugmentSpec, DatasetSpec


def image() -> np.ndarray:
    x = np.zeros((1, 1, 9, 9), np.float32)
    x[0, 0, 2, 6] = 1.0  # one bright pixel up and to the right of the centre
    return x


def test_nothing_on_means_the_same_array() -> None:
    x = image()
    assert augment(x, Augmentation(), np.random.default_rng(0)) is x


def test_flip_mirrors_left_right() -> None:
    x = np.repeat(image(), 64, axis=0)
    out = augment(x, Augmentation(flip=True), np.random.default_rng(0))
    flipped = np.isclose(out[:, 0, 2, 2], 1)
    kept = np.isclose(out[:, 0, 2, 6], 1)
    assert (flipped ^ kept).all() and 10 < flipped.sum() < 54


def test_rotation_by_ninety_degrees_moves_the_pixel_around_the_centre() -> None:
    class Fixed:  # a generator whose uniform draws are always the upper bound: +90 degrees
        def uniform(self, lo, hi, size=None):
            return np.full(size, hi, dtype=float)

    out = augment(image(), Augmentation(rotation=90), Fixed())
    peak = np.unravel_index(np.argmax(out[0, 0]), (9, 9))
    assert peak in {(2, 2), (6, 6)} and out[0, 0][peak] > 0.99  # 90° either way keeps it on the ring


def test_shift_moves_content_and_brightness_scales_it() -> None:
    class Fixed:
        def uniform(self, lo, hi, size=None):
            return np.full(size, hi, dtype=float)

    shifted = augment(image(), Augmentation(shift=2 / 9), Fixed())
    assert shifted[0, 0, 4, 8] > 0.99  # two pixels down and right (clipped at the border)
    bright = augment(image() * 0.5, Augmentation(brightness=0.5), Fixed())
    assert bright[0, 0, 2, 6] == np.float32(0.75)


def test_training_batches_are_augmented_and_validation_never() -> None:
    spec = DatasetSpec(name="digits", points=200, noise=0, augment=AugmentSpec(rotation=30, shift=0.2, noise=0.1))
    d = make_dataset(spec)
    plain = make_dataset(DatasetSpec(name="digits", points=200, noise=0))
    np.testing.assert_array_equal(d.x_val, plain.x_val)
    np.testing.assert_array_equal(d.x_train, plain.x_train)  # stored data stays as it is
    np.testing.assert_array_equal(d.y_train, plain.y_train)
    batch = d.augment_batch(d.x_train[:16], np.random.default_rng(0))
    assert batch.shape == (16, 1, 8, 8) and not np.array_equal(batch, d.x_train[:16])
    assert batch.min() >= 0 and batch.max() <= 1
