"""The fencing token on every checkpoint write (issue 15), on SQLite and a real PostgreSQL: once a
checkpoint under token t is written, one under a smaller token is refused and changes nothing."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from neuroplay.store import StaleWrite, Store

from .helpers import make_checkpoint


def test_a_stale_holder_cannot_overwrite_the_new_holders_checkpoint(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.save(make_checkpoint(step=10, fence=1))
        store.save(make_checkpoint(step=20, fence=1))  # the same holder goes on
        store.save(make_checkpoint(step=30, fence=2))  # a new holder took over
        with pytest.raises(StaleWrite, match="token 1"):
            store.save(make_checkpoint(step=25, fence=1))  # the old one wakes up
        loaded = store.load(make_checkpoint().id)
        assert loaded is not None and (loaded.step, loaded.fence) == (30, 2)
        store.save(make_checkpoint(step=40, fence=3))
        loaded = store.load(make_checkpoint().id)
        assert loaded is not None and (loaded.step, loaded.fence) == (40, 3)
    finally:
        store.close()


def test_a_single_servers_write_carries_no_token_and_is_not_fenced(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.save(make_checkpoint(step=10))
        store.save(make_checkpoint(step=5))
        loaded = store.load(make_checkpoint().id)
        assert loaded is not None and (loaded.step, loaded.fence) == (5, None)
        store.save(make_checkpoint(step=7, fence=4))  # the first fenced write takes the row
        with pytest.raises(StaleWrite):
            store.save(make_checkpoint(step=8, fence=3))
    finally:
        store.close()


def test_racing_writers_leave_the_larger_tokens_checkpoint(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.save(make_checkpoint(step=0, fence=1))
        outcomes: dict[int, str] = {}
        start = threading.Barrier(2)

        def write(token: int) -> None:
            start.wait()
            for i in range(10):
                try:
                    store.save(replace(make_checkpoint(), step=token * 100 + i, fence=token))
                    outcomes[token] = "written"
                except StaleWrite:
                    outcomes[token] = "refused"

        threads = [threading.Thread(target=write, args=(t,)) for t in (2, 3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        loaded = store.load(make_checkpoint().id)
        assert loaded is not None and loaded.fence == 3 and loaded.step == 309
        assert outcomes[3] == "written"
    finally:
        store.close()
