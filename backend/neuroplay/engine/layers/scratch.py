"""Work arrays a layer reuses from one pass to the next: the shapes of a training run repeat, and a
fresh 1-4 MB array every pass costs its allocation, page faults and cold cache lines each time.

Only arrays that never leave the layer belong here (a padded input, im2col columns, a matmul's
output before it is scattered): whatever a layer returns or shows through observe() is allocated
fresh, so a caller that keeps it never sees it change. Each layer owns its Scratch (no state is
shared between layers or networks); a few shapes per name are kept (training batches, the last
short batch, evaluation chunks), the oldest dropped beyond that.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

KEPT_PER_NAME = 3  # shapes kept per work array: the batch, an epoch's short last batch, a scoring chunk


class Scratch:
    """Named work arrays, created on first use by `make` and handed back unchanged afterwards: the
    caller overwrites what it reads each time, and `make` fills what must stay (zeros, a ones row)."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, tuple[int, ...], np.dtype], np.ndarray] = {}

    def get(
        self,
        name: str,
        shape: tuple[int, ...],
        dtype: np.dtype,
        make: Callable[[tuple[int, ...], np.dtype], np.ndarray],
    ) -> np.ndarray:
        key = (name, shape, np.dtype(dtype))
        found = self._arrays.get(key)
        if found is None:
            same_name = [k for k in self._arrays if k[0] == name]
            if len(same_name) >= KEPT_PER_NAME:
                del self._arrays[same_name[0]]  # dicts keep insertion order: the oldest goes
            found = self._arrays[key] = make(shape, np.dtype(dtype))
        return found

    def zeros(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """An array that is all zeros when first made; the caller keeps the parts it never writes zero."""
        return self.get(name, shape, dtype, np.zeros)

    def clear(self) -> None:
        self._arrays.clear()
