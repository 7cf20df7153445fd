"""How many samples one scoring pass takes (sessions/evaluation.py scores in passes of this size;
sessions/memory.py sizes the same passes before a network is built). Its own module so both can use
it without importing each other."""

from __future__ import annotations

# Samples per forward pass when scoring a split: the activations (and a convolution's im2col
# columns) of a whole image set at once could take gigabytes, and even 1,024 28x28 images made 79 MB
# im2col arrays, far past the cache (scoring took 1.6x as long per sample as in chunks of 256, and
# 256 up to 2x as long as 64 on a busy machine; docs/performance.md). So a chunk holds about
# CHUNK_VALUES values of the network's widest activation, between MIN_CHUNK and MAX_CHUNK samples:
# a 2-D MLP's split still goes in one pass.
CHUNK_VALUES = 1 << 19
MIN_CHUNK, MAX_CHUNK = 32, 1024


def chunk_for(widest: int) -> int:
    """Samples per scoring pass for a network whose widest activation has `widest` values."""
    return max(MIN_CHUNK, min(MAX_CHUNK, CHUNK_VALUES // max(widest, 1)))
