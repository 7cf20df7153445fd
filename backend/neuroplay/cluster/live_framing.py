"""Binary framing of encoded tensor records (sessions/telemetry.py's EncodedRecord: latest-wins key,
view, the record's bytes as a browser gets them) for Redis: the tensor frames PUBLISHed on a
session's frames channel and the series pieces in its stream's entries.

Layout: the 4 bytes b"NPR1", then for each record, back to back:
    u16 key length, key (UTF-8) | u8 view length, view (ASCII) | u32 data length, data
all lengths big-endian. The record's bytes are copied as they are, so a mirror hands its watchers
the very bytes the holder's watchers get (their own header says name, layer, shape, step).
"""

from __future__ import annotations

import struct

from ..sessions.telemetry import EncodedRecord

MAGIC = b"NPR1"


def encode_records(records: list[EncodedRecord]) -> bytes:
    parts = [MAGIC]
    for key, view, data in records:
        key_bytes, view_bytes = key.encode(), view.encode()
        parts += [struct.pack(">H", len(key_bytes)), key_bytes, struct.pack(">B", len(view_bytes)), view_bytes]
        parts += [struct.pack(">I", len(data)), data]
    return b"".join(parts)


def decode_records(message: bytes) -> list[EncodedRecord]:
    """Raises ValueError for bytes that are not framed records (or are cut short)."""
    if message[:4] != MAGIC:
        raise ValueError("not a framed list of tensor records")
    view = memoryview(message)
    records: list[EncodedRecord] = []
    at = 4
    try:
        while at < len(message):
            (n,) = struct.unpack_from(">H", message, at)
            key = bytes(view[at + 2 : at + 2 + n]).decode()
            at += 2 + n
            (n,) = struct.unpack_from(">B", message, at)
            name = bytes(view[at + 1 : at + 1 + n]).decode()
            at += 1 + n
            (n,) = struct.unpack_from(">I", message, at)
            if at + 4 + n > len(message):
                raise ValueError("a framed tensor record is cut short")
            records.append((key, name, bytes(view[at + 4 : at + 4 + n])))
            at += 4 + n
    except struct.error as exc:
        raise ValueError("a framed tensor record is cut short") from exc
    return records
