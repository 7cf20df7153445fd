"""Session tests train in real engine processes: one pool per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from neuroplay.sessions.engine_pool import EnginePool


@pytest.fixture(scope="module")
def engines() -> Iterator[EnginePool]:
    pool = EnginePool(spares=1)
    yield pool
    pool.close()
