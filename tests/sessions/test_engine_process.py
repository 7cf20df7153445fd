"""The engine process that trains a playing session: its state goes there and back exactly (also
through changes made while it runs), a stop is never lost, a process that dies takes the session
back to its last save (and play goes on), a command that lands while a job's last report is being
handled waits for it, and the pool replaces dead spares."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from neuroplay.schemas.dataset import AugmentSpec, DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.engine_state import trainer_state
from neuroplay.sessions.session import Session
from neuroplay.store import Checkpoint

from ..api.helpers import wait_for
from ..conftest import process_running
from .session_helpers import BASE_SETTINGS, SPECS


def wait_until(predicate, what: str) -> None:
    wait_for(predicate, timeout=15.0, what=what)  # longer than the API tests': a process may start cold


def engine_state(session: Session) -> dict[str, object]:
    """Everything that decides how training goes on, generators included."""
    t = session.trainer
    state, arrays = trainer_state(t)
    out: dict[str, object] = {f"w/{k}": v for k, v in t.network.get_weights().items()}
    out |= {f"opt/{k}": np.asarray(v) for k, v in t.optimizer.state_arrays().items()}
    out |= {f"arrays/{k}": v for k, v in arrays.items()}
    out["state"] = state
    out["settings"] = (t.batches.batch_size, t.optimizer.learning_rate, t.clip_norm, type(t.optimizer).__name__)
    return out


def assert_same_engine(a: Session, b: Session) -> None:
    sa, sb = engine_state(a), engine_state(b)
    assert sorted(sa) == sorted(sb)
    for key in sa:
        if isinstance(sa[key], np.ndarray):
            np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
        else:
            assert sa[key] == sb[key], key


def test_training_in_the_process_is_exactly_training_here(engines: EnginePool) -> None:
    # Dropout masks, batch-norm statistics, Adam moments and the shuffled order all travel to the
    # process and back: stepping by hand the same number of steps gives bit-identical state.
    slow = Specs(SPECS.model, SPECS.dataset, SPECS.training.model_copy(update={"steps_per_second": 300}))
    played = Session("p", "hash", slow, engines=engines, **BASE_SETTINGS)
    stepped = Session("q", "hash", slow, engines=engines, **BASE_SETTINGS)
    for _ in range(3):  # several trips there and back
        at = played.step
        played.command("play")
        wait_until(lambda at=at: played.step > at + 10, what="steps in the process")
        played.command("pause")
    assert played.step > 30 and played.epoch >= 1
    for _ in range(played.step):
        stepped.command("step", "batch")
    assert_same_engine(played, stepped)


def training(**update):
    return lambda cur: Specs(cur.model, cur.dataset, cur.training.model_copy(update=update))


def data(**update):
    return lambda cur: Specs(cur.model, cur.dataset.model_copy(update=update), cur.training)


DIGITS_AUGMENTED = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [1, 8, 8],
            "layers": [
                {"type": "flatten"},
                {"type": "dense", "units": 16, "activation": "relu"},
                {"type": "dropout", "rate": 0.2},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
        }
    ),
    DatasetSpec(name="digits", points=300, augment=AugmentSpec(rotation=10, noise=0.1)),
    TrainingConfig(optimizer="momentum", learning_rate=0.05, batch_size=8, steps_per_second=300),
)
XOR_CLIPPED = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 8, "activation": "tanh"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
        }
    ),
    DatasetSpec(name="xor", points=200),
    TrainingConfig(optimizer="sgd", learning_rate=0.1, batch_size=7, steps_per_second=300, clip_norm=0.5),
)


@pytest.mark.parametrize(
    "specs, changes",
    [
        (
            DIGITS_AUGMENTED,
            [
                training(batch_size=13, learning_rate=0.02),
                data(augment=AugmentSpec(shift=0.1, flip=True)),
                training(optimizer="adam"),
            ],
        ),
        (
            XOR_CLIPPED,
            [
                data(added_points=[[0.5, 0.5, 1.0], [1, -1, 0.0]]),
                training(batch_size=3, clip_norm=None, l2=0.01),
                data(removed_points=[0, 3, 5]),
            ],
        ),
    ],
    ids=["augmented digits, optimizer and batch changes", "plain SGD, drawn and removed points, clipping off"],
)
def test_changes_made_while_it_trains_are_exactly_those_made_by_hand(engines: EnginePool, specs, changes) -> None:
    # (Adapted from a reviewer's script.) Changes land at whatever step the process has reached; a
    # twin stepped by hand gets the same changes at the same steps and must end bit-identical.
    played = Session("p", "hash", specs, engines=engines, **BASE_SETTINGS)
    twin = Session("q", "hash", specs, engines=engines, **BASE_SETTINGS)
    played.command("play")
    plan = []
    for change in changes:
        at = played.step
        wait_until(lambda at=at: played.step > at + 20, what="steps before the change")
        played.change(change)
        plan.append((played.step, change))
    at = played.step
    wait_until(lambda at=at: played.step > at + 20, what="steps after the last change")
    played.command("pause")
    assert played.step > plan[-1][0] > plan[0][0]
    for at, change in plan:
        while twin.step < at:
            twin.command("step", "batch")
        twin.change(change)
    while twin.step < played.step:
        twin.command("step", "batch")
    assert_same_engine(played, twin)


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
    assert session.status == "paused" and not session.engine_alive
    step = session.step
    time.sleep(0.2)
    assert session.step == step, "the process went on training after the pause"
    assert engines.busy_count == 0


def test_a_killed_engine_process_takes_the_session_back_to_its_last_save(engines: EnginePool) -> None:
    # With saves far apart, the last state the server holds is the one it sent at play.
    saved: list[Checkpoint] = []
    session = Session(
        "k", "hash", SPECS, engines=engines, checkpoint_seconds=60, on_checkpoint=saved.append, **BASE_SETTINGS
    )
    for _ in range(5):
        session.command("step", "batch")
    at_play = session.trainer.network.get_weights()
    session.command("play")
    wait_until(lambda: session.step > 200 and session.history.points[-1].step > 5, what="training")
    pid = session.engine_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: session.status == "paused", what="the session to notice")
    error = session.error
    assert error is not None and error.code == "engine_gone" and error.params["step"] == 5
    assert "ended unexpectedly" in error.message and "back to step 5" in error.message
    assert session.step == 5 and session.history.points[-1].step == 5
    for key, value in at_play.items():
        np.testing.assert_array_equal(session.trainer.network.get_weights()[key], value, err_msg=key)
    assert saved[-1].status == "paused" and saved[-1].step == 5 and saved[-1].error

    session.command("play")  # a fresh process takes over
    try:
        wait_until(lambda: session.step > 100, what="training to go on")
        assert session.error is None and session.engine_pid != pid
    finally:
        session.command("pause")


def test_a_killed_engine_process_goes_back_to_its_last_periodic_save(engines: EnginePool) -> None:
    saved: list[Checkpoint] = []
    session = Session(
        "k2", "hash", SPECS, engines=engines, checkpoint_seconds=0.1, on_checkpoint=saved.append, **BASE_SETTINGS
    )
    session.command("play")
    wait_until(lambda: sum(c.status == "running" for c in saved) >= 2, what="periodic saves")
    pid = session.engine_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: session.status == "paused", what="the session to notice")
    last_save = [c for c in saved if c.status == "running"][-1]  # the saves come in order with the end
    assert session.step == last_save.step > 0
    assert session.history.points == last_save.history
    for key, value in last_save.weights.items():
        np.testing.assert_array_equal(session.trainer.network.get_weights()[key], value, err_msg=key)


def test_commands_landing_while_a_jobs_last_report_is_handled_wait_for_it(engines: EnginePool) -> None:
    # The report of a job that ended by itself is handled on the engine's reader thread; a slow
    # checkpoint there widens the window in which the learner presses play or changes something.
    def slow(cp: Checkpoint) -> None:
        if cp.error:
            time.sleep(0.3)

    for act in (lambda s: s.command("play"), lambda s: s.change(training(learning_rate=0.02))):
        session = Session(
            "w", "hash", SPECS, engines=engines, on_checkpoint=slow, checkpoint_seconds=60, **BASE_SETTINGS
        )
        session.command("play")
        wait_until(lambda s=session: s.step > 50, what="training")
        pid = session.engine_pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda s=session: s.status == "paused", what="the report to start landing")
        act(session)
        if session.status == "running":  # play: a fresh process trains
            step = session.step
            wait_until(lambda s=session, at=step: s.step > at + 50, what="training to go on")
            assert session.engine_alive
            session.command("pause")
        else:  # a change to a session that had stopped: it stays stopped
            step = session.step
            time.sleep(0.2)
            assert session.status == "paused" and not session.engine_alive and session.step == step
            assert session.specs.training.learning_rate == 0.02
    assert engines.busy_count == 0


def test_the_pool_replaces_a_spare_that_died() -> None:
    pool = EnginePool(spares=1)
    try:
        wait_until(lambda: len(pool.idle_pids) == 1, what="a spare")
        (dead,) = pool.idle_pids
        os.kill(dead, signal.SIGKILL)
        wait_until(lambda: not process_running(dead), what="the kill")
        worker = pool.acquire()
        assert worker.pid != dead and worker.alive
        pool.release(worker)
    finally:
        pool.close()
    assert worker.process.poll() is not None, "closing the pool ends its processes"
