"""The weights download: every parameter and buffer as an .npz (no pickle), keyed 'layer{i}.{name}'
as Network.get_weights names them, in the engine's (PyTorch-like) layouts."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..store.codec import encode_arrays


def weights_npz(weights: Mapping[str, np.ndarray]) -> bytes:
    return encode_arrays(weights)
