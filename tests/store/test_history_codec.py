"""Saved metric histories keep how many samples each point is over; older saves, which had no such
columns, read back as "not recorded" (they were all whole-split points)."""

from __future__ import annotations

import numpy as np

from neuroplay.schemas.session import MetricPoint
from neuroplay.store.codec import decode_arrays, decode_history, encode_arrays, encode_history

POINTS = [
    MetricPoint(step=1, epoch=1, loss=0.5, val_loss=None, accuracy=0.5, val_accuracy=None, train_samples=250),
    MetricPoint(
        step=9, epoch=3, loss=0.25, val_loss=0.3, accuracy=None, val_accuracy=0.9, train_samples=256, val_samples=0
    ),
    MetricPoint(step=12, epoch=4, loss=None, val_loss=0.2, accuracy=0.75, val_accuracy=0.8),
]


def test_sample_counts_round_trip() -> None:
    assert decode_history(encode_history(POINTS)) == POINTS


def test_a_history_saved_before_the_counts_reads_back_without_them() -> None:
    columns = decode_arrays(encode_history(POINTS))
    old = encode_arrays({name: values for name, values in columns.items() if not name.endswith("_samples")})
    restored = decode_history(old)
    assert [p.model_copy(update={"train_samples": None, "val_samples": None}) for p in POINTS] == restored
    assert np.all([p.train_samples is None and p.val_samples is None for p in restored])
