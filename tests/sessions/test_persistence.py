"""Sessions survive being written and read back: a restored session continues exactly as the original
would have (same batches, same dropout masks, same optimizer moments), forks are independent, and the
manager reloads sessions it unloaded from memory."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from neuroplay.config import Settings
from neuroplay.sessions.build import Specs
from neuroplay.sessions.capture import capture
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.manager import SessionManager, SessionNotFound
from neuroplay.sessions.restore import restore
from neuroplay.sessions.session import Session
from neuroplay.store import Checkpoint, Store

from .session_helpers import BASE_SETTINGS, SPECS


def assert_same_run(a: Session, b: Session) -> None:
    assert (a.step, a.epoch, a.generation) == (b.step, b.epoch, b.generation)
    wa, wb = a.trainer.network.get_weights(), b.trainer.network.get_weights()
    assert sorted(wa) == sorted(wb)
    for key in wa:
        np.testing.assert_array_equal(wa[key], wb[key], err_msg=key)
    assert a.history.points == b.history.points


@pytest.fixture()
def settings(engines: EnginePool) -> dict:
    """Session keyword arguments as the manager gives them, with real engine processes."""
    return dict(BASE_SETTINGS, engines=engines)


@pytest.fixture()
def store(tmp_path: Path):
    s = Store(f"sqlite:///{tmp_path / 'neuroplay.db'}")
    yield s
    s.close()


def test_a_restored_session_continues_exactly_as_the_original(store: Store, settings: dict) -> None:
    original = Session("s1", "hash", SPECS, **settings)
    for _ in range(3):
        original.command("step", "epoch")
    for _ in range(5):
        original.command("step", "batch")  # stop in the middle of an epoch
    store.save(capture(original))
    twin = restore(store.load("s1"), **settings)
    assert_same_run(original, twin)
    assert twin.status == "paused"
    for _ in range(30):  # crosses epoch ends: reshuffles, dropout masks, Adam steps
        original.command("step", "batch")
        twin.command("step", "batch")
    assert_same_run(original, twin)


def test_a_session_saved_while_running_comes_back_paused(store: Store, settings: dict) -> None:
    saved: list[Checkpoint] = []
    got_two = threading.Event()

    def keep(cp: Checkpoint) -> None:
        saved.append(cp)
        if sum(c.status == "running" for c in saved) >= 2:
            got_two.set()

    session = Session("s2", "hash", SPECS, checkpoint_seconds=0.05, on_checkpoint=keep, **settings)
    session.command("play")
    try:
        assert got_two.wait(10), "the engine process sent no periodic saves"
    finally:
        session.command("pause")
    running = [c for c in saved if c.status == "running"]
    assert running[0].step < running[-1].step
    assert saved[-1].status == "paused" and saved[-1].step == session.step  # pause checkpoints too
    store.save(running[-1])
    back = restore(store.load("s2"), **settings)
    assert back.status == "paused" and back.step == running[-1].step
    cp = running[-1]
    assert sorted(back.trainer.network.get_weights()) == sorted(cp.weights)
    for key, value in back.trainer.network.get_weights().items():
        np.testing.assert_array_equal(value, cp.weights[key], err_msg=key)
    for key, value in back.trainer.optimizer.state_arrays().items():  # Adam's moments, from the process
        np.testing.assert_array_equal(value, cp.optimizer[key], err_msg=key)
    assert cp.optimizer and capture(back).trainer_state == cp.trainer_state  # batch position, generators


def test_every_change_is_checkpointed(settings: dict) -> None:
    saved: list[Checkpoint] = []
    session = Session("s3", "hash", SPECS, on_checkpoint=saved.append, **settings)
    session.command("step", "batch")
    assert saved[-1].step == 1
    session.change(Specs(SPECS.model, SPECS.dataset, SPECS.training.model_copy(update={"learning_rate": 0.5})))
    assert saved[-1].training.learning_rate == 0.5
    session.command("reset")
    assert saved[-1].step == 0 and saved[-1].generation == 2
    session.close()
    assert len(saved) == 4


def test_a_training_change_while_running_is_checkpointed_and_training_goes_on(settings: dict) -> None:
    saved: list[Checkpoint] = []
    session = Session("s4", "hash", SPECS, on_checkpoint=saved.append, **settings)
    session.command("play")
    try:
        faster = SPECS.training.model_copy(update={"learning_rate": 0.2})
        session.change(Specs(SPECS.model, SPECS.dataset, faster))
        assert saved[-1].training.learning_rate == 0.2 and saved[-1].status == "running"
        step = session.step
        deadline = time.monotonic() + 10
        while session.step <= step + 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.running and session.step > step + 10
    finally:
        session.command("pause")


def manager_for(tmp_path: Path, **overrides) -> SessionManager:
    settings = Settings(data_dir=tmp_path, grid_size=8, **overrides)
    return SessionManager(settings, Store(settings.resolved_database_url()))


def test_the_manager_reloads_sessions_after_a_restart_and_after_unloading(tmp_path: Path) -> None:
    first = manager_for(tmp_path, max_sessions=1)
    a, _ = first.create(SPECS)
    a.command("step", "epoch")
    weights = a.trainer.network.get_weights()
    a.last_used = time.monotonic() - 3600  # long unused: may be unloaded
    b, _ = first.create(SPECS)
    assert not first.is_loaded(a.id) and first.is_loaded(b.id)  # unloaded, not forgotten
    again = first.get(a.id)
    assert again is not a and again.step == a.step
    np.testing.assert_array_equal(again.trainer.network.get_weights()["layer0.W"], weights["layer0.W"])
    first.close_all()
    first.store.close()

    second = manager_for(tmp_path)  # a new process on the same data directory
    back = second.get(a.id)
    assert back.step == a.step and back.history.points == a.history.points
    assert second.get(b.id).status == "idle"
    with pytest.raises(SessionNotFound):
        second.get("no-such-session")
    second.close_all()
    second.store.close()


def test_a_fork_is_a_copy_that_goes_its_own_way(tmp_path: Path) -> None:
    manager = manager_for(tmp_path)
    original, _ = manager.create(SPECS)
    original.command("step", "epoch")
    fork, token = manager.fork(original)
    assert fork.id != original.id and fork.forked_from == original.id
    assert manager.is_owner(fork, token) and not manager.is_owner(original, token)
    assert_same_run(original, fork)
    before = original.trainer.network.get_weights()
    fork.command("step", "epoch")
    after = original.trainer.network.get_weights()
    for key in before:
        np.testing.assert_array_equal(before[key], after[key])
    assert fork.step > original.step
    manager.close_all()
    manager.store.close()
