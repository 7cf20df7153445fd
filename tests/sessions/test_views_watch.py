"""The engine process computes views only while someone watches, learns mid-run what is watched
(no restart), and reports what it computed."""

from __future__ import annotations

import time

from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.hub import Hub, Subscriber
from neuroplay.sessions.session import Session
from neuroplay.sessions.tensor_records import decode_tensor_message

from ..api.helpers import wait_for

SPECS = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [1, 8, 8],
            "layers": [
                {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "relu"},
                {"type": "flatten"},
                {"type": "dropout", "rate": 0.3},
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
        }
    ),
    DatasetSpec(name="digits"),
    TrainingConfig(steps_per_second=300),
)
SETTINGS = dict(grid_size=8, display_hz=30.0, max_history_points=1000)


def test_nobody_watching_computes_nothing_and_a_watch_mid_run_needs_no_restart(engines: EnginePool) -> None:
    session = Session("w", "hash", SPECS, engines=engines, **SETTINGS)
    session.command("play")
    try:
        wait_for(lambda: session.step > 100, timeout=15, what="training")
        assert session.views.computed == {}  # not one view computed, in the engine process or here
        assert session.frames is None or session.frames.frames == []
        pid = session.engine_pid
        session.watch(frozenset({"histograms", "dropout_mask"}), None)
        wait_for(lambda: session.views.computed["dropout_mask"] >= 3, timeout=15, what="views computed")
        assert session.engine_pid == pid and session.status == "running"  # the same job goes on
        assert set(session.views.computed) == {"histograms", "dropout_mask"}
        session.watch(frozenset(), None)
        # A frame already on its way may still count; after that, nothing more.
        step = session.step
        wait_for(lambda: session.step > step + 60, timeout=15, what="more training")
        settled = dict(session.views.computed)
        step = session.step
        wait_for(lambda: session.step > step + 60, timeout=15, what="more training")
        assert dict(session.views.computed) == settled
    finally:
        session.command("pause")


def test_a_watch_before_play_goes_with_the_start(engines: EnginePool) -> None:
    session = Session("s", "hash", SPECS, engines=engines, **SETTINGS)
    session.watch(frozenset({"probe"}), ("train", 5))
    session.command("play")
    try:
        wait_for(lambda: session.views.computed["probe"] >= 3, timeout=15, what="probe frames")
        frames = session.frames
        assert frames is not None and {view for _, view, _ in frames.frames} == {"probe"}
    finally:
        session.command("pause")


def test_a_new_probe_mid_run_is_shown_without_a_restart(engines: EnginePool) -> None:
    session = Session("p", "hash", SPECS, engines=engines, **SETTINGS)
    session.watch(frozenset({"probe"}), ("train", 5))
    session.command("play")

    def probes_shown() -> set[tuple[str, int]]:
        frames = session.frames.frames if session.frames else []
        return {
            (h.probe.split, h.probe.index)
            for _, view, frame in frames
            for h, _ in decode_tensor_message(frame)
            if view == "probe" and h.probe is not None
        }

    try:
        wait_for(lambda: probes_shown() == {("train", 5)}, timeout=15, what="the first probe")
        pid = session.engine_pid
        session.watch(frozenset({"probe"}), ("validation", 2))
        wait_for(lambda: probes_shown() == {("validation", 2)}, timeout=15, what="the new probe")
        assert session.engine_pid == pid and session.status == "running"
    finally:
        session.command("pause")


def points_per_second(session: Session, seconds: float) -> float:
    """Metric points the playing session gains over `seconds` of training, per second."""
    before, started = len(session.history.since(0)), time.monotonic()
    time.sleep(seconds)  # a window of time on purpose: the rate over it is what is measured
    return (len(session.history.since(0)) - before) / (time.monotonic() - started)


def test_nobody_watching_scores_a_point_at_most_every_half_second(engines: EnginePool) -> None:
    # A tiny network on the 2-D circle: epochs end hundreds of times a second, so the scoring budget
    # alone would allow tens of points a second (engine_process.UNWATCHED_POINT_SECONDS says why not).
    specs = Specs(
        NetworkSpec.model_validate(
            {"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}]}
        ),
        DatasetSpec(name="circle"),
        TrainingConfig(),
    )
    session = Session("u", "hash", specs, engines=engines, **SETTINGS)
    hub = Hub(session, 30.0)
    session.command("play")
    try:
        wait_for(lambda: session.epoch > 50 and len(session.history.since(0)) >= 1, timeout=15, what="training")
        unwatched = points_per_second(session, 2.0)
        # A watcher with no view open still watches the loss curve grow: points at the display rate.
        watcher = Subscriber("viewer", max_pending_points=100_000)
        hub.add(watcher)
        assert session.watch_sources == {"local": frozenset()}
        time.sleep(0.3)  # the Watch reaches the engine process
        watched = points_per_second(session, 2.0)
        hub.remove(watcher)
        assert session.watch_sources == {}
        time.sleep(0.3)
        unwatched_again = points_per_second(session, 2.0)
    finally:
        session.command("pause")
    for rate in (unwatched, unwatched_again):
        assert 0.5 <= rate <= 2.6, (unwatched, watched, unwatched_again)  # 2 a second, the edges allowed for
    assert watched > 3 * max(unwatched, unwatched_again), (unwatched, watched, unwatched_again)
