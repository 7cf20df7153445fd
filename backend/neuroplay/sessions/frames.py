"""Binary tensor frames: 4-byte little-endian header length, JSON header, spaces up to a multiple
of 4 bytes, raw little-endian float32 data (C order). The layout is described in docs/protocol.md."""
from __future__ import annotations

import struct

import numpy as np

from ..schemas.stream import TensorHeader


def encode_tensor_frame(header: TensorHeader, data: np.ndarray) -> bytes:
    head = header.model_dump_json().encode()
    pad = (-(4 + len(head))) % 4
    body = np.ascontiguousarray(data, dtype="<f4").tobytes()
    return struct.pack("<I", len(head)) + head + b" " * pad + body


def decode_tensor_frame(frame: bytes) -> tuple[TensorHeader, np.ndarray]:
    """The inverse, used by tests and the benchmark client."""
    (length,) = struct.unpack_from("<I", frame)
    header = TensorHeader.model_validate_json(frame[4 : 4 + length])
    start = 4 + length + ((-(4 + length)) % 4)
    data = np.frombuffer(frame, dtype="<f4", offset=start).reshape(header.shape)
    return header, data
