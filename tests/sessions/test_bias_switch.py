"""The bias switch (`use_bias` of one layer changed, nothing else) keeps what the network learned:
every other weight, the other parameters' optimizer state, frozen entries, the batch order and the
counters carry over, and the engine then computes exactly f(x·W) with the weights it had; on again,
b starts at zero. Any other model change still builds a new network."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import build_network, get_loss
from neuroplay.engine.inspect import inspect_sample
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.params import ParamEdit
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.bias_switch import switched_biases
from neuroplay.sessions.build import Specs
from neuroplay.sessions.capture import EngineState
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.restore import restore
from neuroplay.sessions.session import Session
from neuroplay.store import Checkpoint

MODEL = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 3, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}
SPECS = Specs(
    NetworkSpec.model_validate(MODEL),
    DatasetSpec(name="xor", points=100),
    TrainingConfig(optimizer="adam", learning_rate=0.05, batch_size=10),
)


def with_bias(specs: Specs, layer: int, on: bool) -> Specs:
    model = specs.model.model_dump()
    model["layers"][layer]["use_bias"] = on
    return Specs(NetworkSpec.model_validate(model), specs.dataset, specs.training)


@pytest.fixture()
def session(engines: EnginePool) -> Session:
    s = Session("b", "h", SPECS, engines=engines, grid_size=8, display_hz=30.0, max_history_points=100)
    for _ in range(5):
        s.command("step", "batch")
    s.edit_params(ParamEdit(layer=0, param="W", index=[1, 2], frozen=True))
    s.edit_params(ParamEdit(layer=0, param="b", index=[0], frozen=True))
    return s


def test_switching_a_bias_off_keeps_the_rest_exactly(session: Session) -> None:
    before = EngineState.of(session.trainer, session.step, session.epoch)
    generation = session.generation
    session.change(with_bias(session.specs, 0, False))
    after = EngineState.of(session.trainer, session.step, session.epoch)
    assert sorted(after.weights) == sorted(k for k in before.weights if k != "layer0.b")
    for key, value in after.weights.items():
        np.testing.assert_array_equal(value, before.weights[key], err_msg=key)
    assert sorted(after.optimizer) == sorted(k for k in before.optimizer if not k.startswith("layer0.b."))
    for key, value in after.optimizer.items():
        np.testing.assert_array_equal(value, before.optimizer[key], err_msg=key)
    assert after.trainer_state == before.trainer_state  # batch position, step count, generators
    np.testing.assert_array_equal(after.trainer_arrays["order"], before.trainer_arrays["order"])
    assert session.trainer.frozen.mask((0, "W"), (2, 3))[1, 2] and (0, "b") not in session.trainer.frozen.masks
    assert (session.step, session.status) == (5, "paused") and session.generation == generation + 1
    assert session.state().frozen["layer0.W"].count == 1 and "layer0.b" not in session.state().frozen
    assert session.history.points[-1].step == 5  # the curve goes on, its last point from the new network

    # What the engine computes now: u = x·W of the weights it had, no b; the next layer as before.
    network = build_network(session.specs.model)
    network.set_weights(session.trainer.network.get_weights())
    x, y = session.data.x_val[:1], session.data.y_val[:1]
    got = inspect_sample(network, get_loss("binary_cross_entropy"), x, y)
    np.testing.assert_array_equal(got.layers[0].preactivation, (x @ before.weights["layer0.W"])[0])
    h = np.tanh(x @ before.weights["layer0.W"])
    u = h @ before.weights["layer1.W"] + before.weights["layer1.b"]
    np.testing.assert_allclose(got.layers[1].preactivation, u[0], rtol=1e-6)
    assert "b" not in got.layers[0].param_grads

    # Training goes on from there, and the frozen entry stays.
    frozen_value = before.weights["layer0.W"][1, 2]
    session.command("step", "batch")
    assert session.step == 6 and session.trainer.network.layers[0].params["W"][1, 2] == frozen_value

    # On again: b comes back at zero, with no state; the rest is kept.
    kept = EngineState.of(session.trainer, session.step, session.epoch)
    session.change(with_bias(session.specs, 0, True))
    again = session.trainer.network.get_weights()
    np.testing.assert_array_equal(again["layer0.b"], np.zeros(3, np.float32))
    for key, value in kept.weights.items():
        np.testing.assert_array_equal(again[key], value, err_msg=key)
    assert (0, "b") not in session.trainer.optimizer.state and session.trainer.optimizer.state[(0, "W")]["t"] == 6


def test_a_switched_session_is_saved_and_restored_as_it_is(engines: EnginePool) -> None:
    saved: list[Checkpoint] = []
    settings = dict(engines=engines, grid_size=8, display_hz=30.0, max_history_points=100)
    s = Session("r", "h", SPECS, on_checkpoint=saved.append, **settings)
    s.command("step", "batch")
    s.change(with_bias(s.specs, 1, False))
    twin = restore(saved[-1], **settings)
    assert twin.step == 1 and twin.specs.model.layers[1].use_bias is False  # type: ignore[union-attr]
    mine, theirs = s.trainer.network.get_weights(), twin.trainer.network.get_weights()
    assert sorted(mine) == sorted(theirs) and "layer1.b" not in theirs
    for key, value in mine.items():
        np.testing.assert_array_equal(theirs[key], value, err_msg=key)


def test_a_running_session_keeps_training_from_the_kept_weights(session: Session) -> None:
    session.command("play")
    try:
        session.change(with_bias(session.specs, 1, False))
        assert session.status == "running"
    finally:
        session.command("pause")
    assert session.step > 5 and "layer1.b" not in session.trainer.network.get_weights()


def test_any_other_model_change_is_a_new_network(session: Session) -> None:
    model = session.specs.model.model_dump()
    model["layers"][0]["use_bias"] = False
    model["layers"][0]["units"] = 4
    changed = NetworkSpec.model_validate(model)
    assert switched_biases(session.specs.model, changed) is None
    assert switched_biases(session.specs.model, session.specs.model) is None
    session.change(Specs(changed, session.specs.dataset, session.specs.training))
    assert (session.step, session.status) == (0, "idle") and session.trainer.frozen.masks == {}
