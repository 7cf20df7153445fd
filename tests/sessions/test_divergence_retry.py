"""After a divergence, turning clipping on and pressing play goes on from the last good weights with
clipping applied: the step that failed is taken with its gradient clipped, and training goes on
(without clipping it fails again at the same step, as it should)."""

from __future__ import annotations

import numpy as np

from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.session import Session
from neuroplay.sessions.tensor_records import decode_tensor_message

from ..api.helpers import wait_for

# A learning rate far too large: the gradient's squares overflow float32 at step 3.
EXPLODING = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 8, "activation": "relu"},
                {"type": "dense", "units": 1, "activation": "linear"},
            ],
        }
    ),
    DatasetSpec(name="plane"),
    TrainingConfig(learning_rate=5.0, optimizer="sgd"),
)
SETTINGS = dict(grid_size=8, display_hz=30.0, max_history_points=1000)


def with_clipping(specs: Specs) -> Specs:
    return Specs(specs.model, specs.dataset, specs.training.model_copy(update={"clip_norm": 1.0}))


def play_until_it_stops_or(session: Session, steps: int) -> None:
    session.command("play")
    wait_for(lambda: session.status != "running" or session.step >= steps, timeout=15, what="training")


def test_clipping_turned_on_after_a_divergence_lets_training_go_on(engines: EnginePool) -> None:
    session = Session("d", "hash", EXPLODING, engines=engines, **SETTINGS)
    play_until_it_stops_or(session, 1000)
    assert session.status == "diverged" and session.divergence is not None
    failed_at, weights = session.divergence.step, session.weights_copy()

    play_until_it_stops_or(session, 1000)  # the same weights, no clipping: the same step fails
    assert session.status == "diverged" and session.divergence.step == failed_at
    assert all((session.weights_copy()[k] == v).all() for k, v in weights.items())

    session.change(with_clipping)
    session.watch(frozenset({"grad_norms"}), None)
    session.command("step")  # the step that failed, from the same weights, now clipped
    assert session.step == failed_at  # taken (a manual step leaves the status to play: see below)
    records = {
        h.name: (h, d) for _, (_, _, frame) in session.views.series_since(0) for h, d in decode_tensor_message(frame)
    }
    header, before = records["grad_norm_global"]
    assert header.first_step == failed_at and before[0] > 1e19  # beyond float32's squares
    np.testing.assert_allclose(records["grad_norm_global_clipped"][1], [1.0], rtol=1e-6)
    assert records["clip_acted"][1].tolist() == [1.0]  # the meter marks the step clipping acted
    try:
        play_until_it_stops_or(session, failed_at + 200)
        assert session.status == "running" and session.divergence is None and session.step >= failed_at + 200
    finally:
        session.command("pause")


def test_play_right_after_turning_clipping_on_goes_past_the_step_that_failed(engines: EnginePool) -> None:
    """The learner's path: diverged, clipping switched on, play (no manual step in between)."""
    session = Session("p", "hash", EXPLODING, engines=engines, **SETTINGS)
    play_until_it_stops_or(session, 1000)
    assert session.status == "diverged" and session.divergence is not None
    failed_at, weights = session.divergence.step, session.weights_copy()
    assert session.step == failed_at - 1  # the last good weights are kept, the failed step is not counted
    session.change(with_clipping)
    assert all((session.weights_copy()[k] == v).all() for k, v in weights.items())  # still the last good ones
    try:
        play_until_it_stops_or(session, failed_at + 200)
        assert session.status == "running" and session.divergence is None and session.step >= failed_at + 200
    finally:
        session.command("pause")
