"""Parsed uploads, kept by what they were parsed with, so a file is decoded once and not again on
every rebuild, fork or reload of a session that trains on it (an image zip can take seconds)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from ..schemas.dataset import UploadRef
from ..schemas.error_codes import coded
from .errors import DataError
from .uploads import ParsedData, parse_upload

CacheKey = tuple[str, str, str | None, int, str]


class ParsedUploads:
    """A small least-recently-used cache in front of the store's raw upload bytes."""

    def __init__(self, read_bytes: Callable[[str], bytes | None], capacity: int = 8) -> None:
        self.read_bytes = read_bytes
        self.capacity = capacity
        self._items: OrderedDict[CacheKey, ParsedData] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(ref: UploadRef) -> CacheKey:
        return (ref.digest, ref.format, ref.label_column, ref.side, ref.color)

    def put(self, ref: UploadRef, parsed: ParsedData) -> None:
        with self._lock:
            self._items[self.key(ref)] = parsed
            self._items.move_to_end(self.key(ref))
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def forget(self, digests: list[str]) -> None:
        """Drop the parsed forms of deleted files, so nothing can refer to them again."""
        gone = set(digests)
        with self._lock:
            for key in [k for k in self._items if k[0] in gone]:
                del self._items[key]

    def __call__(self, ref: UploadRef) -> ParsedData:
        with self._lock:
            hit = self._items.get(self.key(ref))
            if hit is not None:
                self._items.move_to_end(self.key(ref))
                return hit
        data = self.read_bytes(ref.digest)
        if data is None:
            name = ref.filename or ref.digest[:12]
            message = f"the uploaded file {name!r} is no longer on the server"
            raise coded(DataError(message), "dataset_upload_gone", file=name)
        parsed = parse_upload(data, ref)
        self.put(ref, parsed)
        return parsed
