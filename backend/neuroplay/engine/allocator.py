"""Tell glibc's malloc to keep freed memory for reuse instead of returning it to the kernel.

A training step of an image network allocates and frees tens of arrays of 0.1-4 MB. By default glibc
serves each large one with a fresh mmap (or trims the heap after a free), so every pass touches new
pages and pays a page fault per 4 KiB: measured on the 28x28 CNN, ~200 faults a step, and a fresh
1.6 MB np.zeros cost 2.0 ms (752 faults) against 0.13 ms with the memory kept (the machine is a VM,
where a fault costs a few microseconds). Processes that train (the engine processes, the
benchmarks) call `keep_freed_memory()` once at start; it changes nothing but the allocator's
thresholds, and does nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util

# mallopt parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest: arrays up to this come from the reusable heap
TRIM_THRESHOLD = 256 * 1024 * 1024  # free memory kept at the top of the heap before giving it back
TOP_PAD = 16 * 1024 * 1024  # extra asked for at each heap growth, so growth is rare


def keep_freed_memory() -> bool:
    """Set the thresholds; True when glibc accepted all three (False elsewhere, e.g. macOS, musl)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    settings = ((M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD), (M_TOP_PAD, TOP_PAD))
    return all(mallopt(param, value) == 1 for param, value in settings)
