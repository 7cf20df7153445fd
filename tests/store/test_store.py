"""The store on a real SQLite file: checkpoints round-trip exactly, rows are replaced, WAL is on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from neuroplay.schemas.errors import Problem
from neuroplay.store import Store, StoreError

from .helpers import assert_same, make_checkpoint


@pytest.fixture()
def store(database_url: str):
    s = Store(database_url)
    yield s
    s.close()


def test_a_checkpoint_round_trips_exactly(store: Store) -> None:
    cp = make_checkpoint()
    store.save(cp)
    loaded = store.load(cp.id)
    assert loaded is not None
    assert_same(cp, loaded)
    # The generator state comes back usable: it draws what the original would have.
    original = np.random.default_rng()
    original.bit_generator.state = cp.trainer_state["generators"]["batches.rng"]
    restored = np.random.default_rng()
    restored.bit_generator.state = loaded.trainer_state["generators"]["batches.rng"]
    np.testing.assert_array_equal(original.random(4), restored.random(4))
    assert loaded.optimizer["layer0.W.t"].shape == () and int(loaded.optimizer["layer0.W.t"]) == 1234


def test_saving_again_replaces_the_row_but_keeps_its_creation_time(store: Store) -> None:
    first = make_checkpoint()
    store.save(first)
    later = replace(
        make_checkpoint(step=2000, status="paused", divergence=None, forked_from="origin-id"),
        created_at=first.created_at.replace(year=2030),
    )
    store.save(later)
    loaded = store.load(first.id)
    assert loaded.step == 2000 and loaded.status == "paused" and loaded.divergence is None
    assert loaded.forked_from == "origin-id"
    assert loaded.created_at == first.created_at  # created_at is written once
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM sessions")).scalar() == 1


def test_a_sessions_error_round_trips_with_its_code_and_an_older_english_one_still_loads(store: Store) -> None:
    error = Problem(code="engine_gone", params={"exit_code": -9, "step": 7}, message="the engine process ended")
    store.save(replace(make_checkpoint(), error=error))
    loaded = store.load(make_checkpoint().id)
    assert loaded is not None and loaded.error == error
    # saved by a version before error codes: the English sentence alone
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET error = :old"), {"old": "engine error at step 3: KeyError: 'x'"})
    old = store.load(make_checkpoint().id)
    assert old is not None and old.error == Problem(
        code="paused_by_error", message="engine error at step 3: KeyError: 'x'"
    )


def test_unknown_and_absurd_ids_are_simply_absent(store: Store) -> None:
    assert store.load("nope") is None and not store.exists("nope")
    assert store.load("x" * 10_000) is None and store.load("") is None


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_a_damaged_row_is_reported_with_the_session_id(store: Store) -> None:
    cp = make_checkpoint()
    store.save(cp)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET weights = :junk"), {"junk": b"not an npz"})
    with pytest.raises(StoreError, match=cp.id):
        store.load(cp.id)


def test_uploads_are_kept_once_by_content(store: Store) -> None:
    digest = store.put_upload(b"x1,x2,label\n1,2,a\n", "points.csv", "text/csv")
    assert store.put_upload(b"x1,x2,label\n1,2,a\n", "again.csv", "text/csv") == digest
    assert store.get_upload(digest) == b"x1,x2,label\n1,2,a\n"
    assert store.get_upload("0" * 64) is None


def test_two_stores_on_one_database_see_each_others_rows(database_url: str) -> None:
    a, b = Store(database_url), Store(database_url)
    try:
        a.save(make_checkpoint())
        assert b.load(make_checkpoint().id) is not None
    finally:
        a.close()
        b.close()
