"""Arrays to bytes and back: .npz without pickle, JSON for plain state.

`np.load` is always called with allow_pickle=False, so a stored blob can never run code when read,
and object arrays (which would need pickle) are refused when written.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..schemas.session import MetricPoint

HISTORY_FLOATS = ("loss", "val_loss", "accuracy", "val_accuracy")
HISTORY_COUNTS = ("train_samples", "val_samples")  # -1: not recorded (None); histories saved before have none


def encode_arrays(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An .npz file in memory (uncompressed: the writer thread should not spend its time in zlib)."""
    for name, value in arrays.items():
        if np.asarray(value).dtype.hasobject:
            raise ValueError(f"array {name!r} holds Python objects; only numeric arrays are saved")
    buffer = io.BytesIO()
    np.savez(buffer, **{name: np.asarray(value) for name, value in arrays.items()})  # type: ignore[arg-type]
    return buffer.getvalue()


def decode_arrays(blob: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def encode_history(points: list[MetricPoint]) -> bytes:
    """One column per field; a missing value (None: not finite, or an empty split) is stored as NaN,
    which a MetricPoint can never hold, so the mapping is exact both ways."""
    columns: dict[str, np.ndarray] = {
        "step": np.array([p.step for p in points], dtype=np.int64),
        "epoch": np.array([p.epoch for p in points], dtype=np.int64),
    }
    for name in HISTORY_FLOATS:
        columns[name] = np.array(
            [math.nan if getattr(p, name) is None else getattr(p, name) for p in points], dtype=np.float64
        )
    for name in HISTORY_COUNTS:
        columns[name] = np.array([-1 if getattr(p, name) is None else getattr(p, name) for p in points], dtype=np.int64)
    return encode_arrays(columns)


def decode_history(blob: bytes) -> list[MetricPoint]:
    columns = decode_arrays(blob)
    floats = {name: columns[name].tolist() for name in HISTORY_FLOATS}
    counts = {name: columns[name].tolist() for name in HISTORY_COUNTS if name in columns}
    return [
        MetricPoint(
            step=step,
            epoch=epoch,
            **{name: (None if math.isnan(values[i]) else values[i]) for name, values in floats.items()},
            **{name: (None if values[i] < 0 else values[i]) for name, values in counts.items()},
        )
        for i, (step, epoch) in enumerate(zip(columns["step"].tolist(), columns["epoch"].tolist()))
    ]


def encode_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def decode_json(text: str) -> Any:
    return json.loads(text)
