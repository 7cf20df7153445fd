"""Binary tensor records: 4-byte little-endian header length, JSON header, spaces up to a multiple
of 4 bytes, raw little-endian float32 data (C order). One websocket message carries one or more
records back to back (all the tensors of a display frame). Layout: docs/protocol.md."""

from __future__ import annotations

import struct

import numpy as np

from ..schemas.stream import TensorHeader


def encode_tensor_record(header: TensorHeader, data: np.ndarray) -> bytes:
    head = header.model_dump_json().encode()
    pad = (-(4 + len(head))) % 4
    body = np.ascontiguousarray(data, dtype="<f4").tobytes()
    return struct.pack("<I", len(head)) + head + b" " * pad + body


def decode_tensor_record(message: bytes, offset: int = 0) -> tuple[TensorHeader, np.ndarray, int]:
    """One tensor record at `offset`: its header, its data, and the offset of the next record."""
    (length,) = struct.unpack_from("<I", message, offset)
    header = TensorHeader.model_validate_json(message[offset + 4 : offset + 4 + length])
    start = offset + 4 + length + ((-(4 + length)) % 4)
    count = int(np.prod(header.shape))
    if start + 4 * count > len(message):
        raise ValueError(f"tensor record {header.name} is truncated")
    data = np.frombuffer(message, dtype="<f4", count=count, offset=start).reshape(header.shape)
    return header, data, start + 4 * count


def decode_tensor_message(message: bytes) -> list[tuple[TensorHeader, np.ndarray]]:
    """Every tensor record of one binary websocket message (used by tests and the benchmark client)."""
    records, offset = [], 0
    while offset < len(message):
        header, data, offset = decode_tensor_record(message, offset)
        records.append((header, data))
    return records
