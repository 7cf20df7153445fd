"""The store's side of retention, on every database the store tests run on: which sessions are
candidates, deleting leaves a note, a fork keeps its source, and a late checkpoint cannot resurrect."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from neuroplay.store import Store
from neuroplay.store.checkpoint import utc_now

from .helpers import make_checkpoint


@pytest.fixture()
def store(database_url: str):
    s = Store(database_url)
    yield s
    s.close()


def test_candidates_are_old_unused_not_running_and_no_fork_source(store: Store) -> None:
    old = utc_now() - timedelta(days=10)
    store.save(make_checkpoint(id="old-idle", status="paused", updated_at=old))
    store.save(make_checkpoint(id="old-running", status="running", updated_at=old))
    store.save(make_checkpoint(id="old-source", status="idle", updated_at=old))
    store.save(make_checkpoint(id="fork-of-it", status="idle", forked_from="old-source"))
    store.save(make_checkpoint(id="old-but-opened", status="idle", updated_at=old))
    store.mark_opened("old-but-opened", utc_now())
    store.save(make_checkpoint(id="recent", status="idle"))
    assert sorted(store.retention_candidates(utc_now() - timedelta(days=5))) == ["old-idle"]


def test_deleting_leaves_a_note_and_a_late_checkpoint_does_not_bring_it_back(store: Store) -> None:
    cp = make_checkpoint(id="going", status="paused")
    store.save(cp)
    assert store.delete_session("going", "not opened for 90 days")
    assert store.load("going") is None and not store.exists("going")
    when, reason = store.deletion("going")
    assert reason == "not opened for 90 days" and abs(utc_now() - when) < timedelta(minutes=1)
    store.save(replace(cp, step=cp.step + 1))  # a checkpoint that was on its way
    assert store.load("going") is None
    assert store.deletion("never-there") is None


def test_a_session_that_gained_a_fork_or_runs_again_is_not_deleted(store: Store) -> None:
    store.save(make_checkpoint(id="source", status="paused"))
    store.save(make_checkpoint(id="child", status="paused", forked_from="source"))
    store.save(make_checkpoint(id="runner", status="running"))
    assert not store.delete_session("source", "x")
    assert not store.delete_session("runner", "x")
    assert store.exists("source") and store.exists("runner")
    assert store.delete_session("child", "x") and store.delete_session("source", "x")
