"""The engine process that trains a playing session: its state goes there and back exactly, a stop
is never lost, a process that dies takes the session back to its last save (and play goes on), and
the pool replaces dead spares."""
from __future__ import annotations

import os
import signal
import threading
import time
from typing import Iterator

import numpy as np
import pytest

from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.session import Session
from neuroplay.store import Checkpoint

from .test_persistence import BASE_SETTINGS, SPECS


@pytest.fixture(scope="module")
def engines() -> Iterator[EnginePool]:
    pool = EnginePool(spares=1)
    yield pool
    pool.close()


def wait_until(predicate, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def engine_state(session: Session) -> dict[str, np.ndarray]:
    t = session.trainer
    arrays = {f"w/{k}": v for k, v in t.network.get_weights().items()}
    arrays |= {f"opt/{k}": np.asarray(v) for k, v in t.optimizer.state_arrays().items()}
    arrays["order"] = t.batches.order
    arrays["position"] = np.array([t.batches.position, t.batches.epoch, t.step_count])
    return arrays


def test_training_in_the_process_is_exactly_training_here(engines: EnginePool) -> None:
    # Dropout masks, batch-norm statistics, Adam moments and the shuffled order all travel to the
    # process and back: stepping by hand the same number of steps gives bit-identical state.
    slow = Specs(SPECS.model, SPECS.dataset, SPECS.training.model_copy(update={"steps_per_second": 300}))
    played = Session("p", "hash", slow, engines=engines, **BASE_SETTINGS)
    stepped = Session("q", "hash", slow, engines=engines, **BASE_SETTINGS)
    for _ in range(3):  # several trips there and back
        played.command("play")
        time.sleep(0.15)
        played.command("pause")
    assert played.step > 30 and played.epoch >= 1
    for _ in range(played.step):
        stepped.command("step", "batch")
    a, b = engine_state(played), engine_state(stepped)
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_a_stop_right_after_a_start_is_never_lost(engines: EnginePool) -> None:
    session = Session("r", "hash", SPECS, engines=engines, **BASE_SETTINGS)
    done = threading.Event()

    def toggle() -> None:
        for _ in range(40):
            session.command("play")
            session.command("pause")
        done.set()

    threading.Thread(target=toggle, daemon=True).start()
    assert done.wait(60), "play/pause hung"
    assert session.status == "paused" and not session.running


def test_a_killed_engine_process_takes_the_session_back_to_its_last_save(engines: EnginePool) -> None:
    # With saves far apart, the last state the server holds is the one it sent at play.
    saved: list[Checkpoint] = []
    session = Session("k", "hash", SPECS, engines=engines, checkpoint_seconds=60, on_checkpoint=saved.append,
                      **BASE_SETTINGS)
    for _ in range(5):
        session.command("step", "batch")
    at_play = session.trainer.network.get_weights()
    session.command("play")
    wait_until(lambda: session.step > 200 and session.history.points[-1].step > 5, what="training")
    pid = session._runner.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: session.status == "paused", what="the session to notice")
    assert "ended unexpectedly" in (session.error or "") and "back to step 5" in session.error
    assert session.step == 5 and session.history.points[-1].step == 5
    for key, value in at_play.items():
        np.testing.assert_array_equal(session.trainer.network.get_weights()[key], value, err_msg=key)
    assert saved[-1].status == "paused" and saved[-1].step == 5 and saved[-1].error

    session.command("play")  # a fresh process takes over
    try:
        wait_until(lambda: session.step > 100, what="training to go on")
        assert session.error is None and session._runner.pid != pid
    finally:
        session.command("pause")


def test_the_pool_replaces_a_spare_that_died() -> None:
    pool = EnginePool(spares=1)
    try:
        wait_until(lambda: len(pool.idle_pids) == 1, what="a spare")
        (dead,) = pool.idle_pids
        os.kill(dead, signal.SIGKILL)
        wait_until(lambda: not os.path.exists(f"/proc/{dead}") or _is_zombie(dead), what="the kill")
        worker = pool.acquire()
        assert worker.pid != dead and worker.alive
        pool.release(worker)
    finally:
        pool.close()
    assert worker.process.poll() is not None, "closing the pool ends its processes"


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return False
