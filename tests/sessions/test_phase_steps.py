"""Phase stepping of a session: stepping every phase equals one batch step bit for bit (weights, buffers,
optimizer state, batch position and generators) for networks of every layer kind; the phase shown;
what other commands, checkpoints and forks do with a partial step; a step on the probe sample alone."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import build_network, get_loss
from neuroplay.engine.inspect import inspect_sample
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.inspect import ProbeRef
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.capture import EngineState
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.probe import ProbeIndexError
from neuroplay.sessions.restore import restore
from neuroplay.sessions.session import Session
from neuroplay.store import Checkpoint

BASE_SETTINGS = dict(grid_size=8, display_hz=30.0, max_history_points=1000, max_neuron_maps=64)
ADAM = TrainingConfig(optimizer="adam", learning_rate=0.01, batch_size=16)


def spec(model: dict, dataset: dict, training: TrainingConfig = ADAM) -> Specs:
    return Specs(NetworkSpec.model_validate(model), DatasetSpec.model_validate(dataset), training)


MLP = spec(
    {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 6, "activation": "tanh"},
            {"type": "dropout", "rate": 0.3},
            {"type": "batch_norm"},
            {"type": "dense", "units": 4, "activation": "leaky_relu"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    },
    {"name": "xor", "points": 200},
)
CNN = spec(
    {
        "input_shape": [1, 8, 8],
        "layers": [
            {"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
            {"type": "batch_norm"},
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "valid", "activation": "tanh"},
            {"type": "avg_pool2d", "pool_size": 2},
            {"type": "flatten"},
            {"type": "dropout", "rate": 0.2},
            {"type": "dense", "units": 10, "activation": "linear"},
            {"type": "activation", "activation": "softmax"},
        ],
    },
    {"name": "digits", "points": 120},
    TrainingConfig(optimizer="momentum", learning_rate=0.05, batch_size=8, loss="cross_entropy", clip_norm=0.5),
)
RNN = spec(
    {
        "input_shape": [6, 1],
        "layers": [
            {"type": "simple_rnn", "units": 5, "activation": "tanh", "return_sequences": True},
            {"type": "dense", "units": 1, "activation": "linear"},
        ],
    },
    {"name": "echo", "points": 60, "length": 6},
    TrainingConfig(optimizer="rmsprop", learning_rate=0.01, batch_size=8),
)
NETWORKS = {"mlp": MLP, "cnn": CNN, "rnn": RNN}


@pytest.fixture()
def settings(engines: EnginePool) -> dict:
    return dict(BASE_SETTINGS, engines=engines)


def engine_state(session: Session) -> EngineState:
    return EngineState.of(session.trainer, session.step, session.epoch)


def assert_same_state(a: EngineState, b: EngineState) -> None:
    assert (a.step, a.epoch) == (b.step, b.epoch)
    for group in ("weights", "optimizer", "trainer_arrays"):
        one, two = getattr(a, group), getattr(b, group)
        assert sorted(one) == sorted(two), group
        for key in one:
            np.testing.assert_array_equal(one[key], two[key], err_msg=f"{group} {key}")
    assert a.trainer_state == b.trainer_state


def phases_of_one_step(session: Session) -> list[tuple[str | None, int | None]]:
    shown = []
    step = session.step
    while session.step == step and session.status != "diverged":
        session.command("step", "phase")
        phase = session.state().phase
        shown.append((phase.stage, phase.layer))
    return shown


def expected_phases(layers: int) -> list[tuple[str | None, int | None]]:
    forward = [("forward", i) for i in range(layers)]
    backward = [("backward", i) for i in reversed(range(layers))]
    return [*forward, ("loss", None), *backward, ("update", None)]


@pytest.mark.parametrize("name", NETWORKS)
def test_every_phase_of_a_step_equals_one_batch_step(name: str, settings: dict) -> None:
    specs = NETWORKS[name]
    by_phase, by_batch = Session("p", "h", specs, **settings), Session("b", "h", specs, **settings)
    layers = len(specs.model.layers)
    for _ in range(3):  # Adam/momentum/RMSprop state, dropout draws and batch position carry over
        assert phases_of_one_step(by_phase) == expected_phases(layers)
        by_batch.command("step", "batch")
        assert_same_state(engine_state(by_phase), engine_state(by_batch))
    assert by_phase.status == "paused" and by_phase.history.points == by_batch.history.points
    assert by_phase.snapshot.step == 3


def test_a_partial_step_is_abandoned_exactly_by_other_commands(settings: dict) -> None:
    a, twin = Session("a", "h", MLP, **settings), Session("t", "h", MLP, **settings)
    for _ in range(4):
        a.command("step", "phase")  # forward through 0..3
    assert a.state().phase.model_dump() == {"stage": "forward", "layer": 3, "on": "batch"}
    a.command("step", "batch")  # the same batch and dropout draws again: the step that was partial
    twin.command("step", "batch")
    assert_same_state(engine_state(a), engine_state(twin))
    assert a.state().phase.stage is None

    for _ in range(7):
        a.command("step", "phase")  # through the loss and into backward
    patch = Specs(MLP.model, MLP.dataset, ADAM.model_copy(update={"learning_rate": 0.05}))
    a.change(patch)
    twin.change(patch)
    assert_same_state(engine_state(a), engine_state(twin))
    a.command("step", "batch")
    twin.command("step", "batch")
    assert_same_state(engine_state(a), engine_state(twin))

    a.command("step", "phase")
    a.command("reset")
    assert (a.step, a.state().phase.stage) == (0, None)


def test_pause_leaves_a_partial_step_and_outsiders_see_the_state_before_it(settings: dict) -> None:
    saved: list[Checkpoint] = []
    a = Session("a", "h", MLP, on_checkpoint=saved.append, **settings)
    a.command("step", "batch")
    before = engine_state(a)
    saves = len(saved)
    for _ in range(3):  # through batch norm's forward: its running statistics moved
        a.command("step", "phase")
    assert not np.array_equal(
        a.trainer.network.layers[2].buffers["running_mean"], before.weights["layer2.running_mean"]
    )
    a.command("pause")
    assert a.state().phase.model_dump() == {"stage": "forward", "layer": 2, "on": "batch"}
    assert len(saved) == saves  # the partial phases wrote nothing

    weights = a.weights_copy()
    fork = a.checkpoint_copy()
    for key, value in before.weights.items():
        np.testing.assert_array_equal(weights[key], value, err_msg=key)
        np.testing.assert_array_equal(fork.weights[key], value, err_msg=key)
    assert fork.trainer_state == before.trainer_state and fork.step == before.step

    a.close()  # shutdown while partial: the step is not saved
    twin = restore(saved[-1], **settings)
    assert twin.state().phase.stage is None
    assert_same_state(engine_state(twin), before)
    for _ in range(len(MLP.model.layers) * 2 + 2 - 3):
        a.command("step", "phase")  # the partial step goes on after a pause and ends
    twin.command("step", "batch")
    assert_same_state(engine_state(a), engine_state(twin))


def test_a_step_on_the_probe_trains_on_that_sample_alone(settings: dict) -> None:
    specs = spec(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 3, "activation": "tanh"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
        },
        {"name": "xor", "points": 100},
        TrainingConfig(optimizer="sgd", learning_rate=0.5, batch_size=10),
    )
    a = Session("a", "h", specs, **settings)
    a.command("step", "batch")
    before = engine_state(a)
    network = build_network(specs.model)
    network.set_weights(before.weights)
    x, y = a.data.x_val[4:5], a.data.y_val[4:5]
    grads = inspect_sample(network, get_loss("binary_cross_entropy"), x, y)  # no dropout/BN: the same pass
    probe = ProbeRef(split="validation", index=4)
    shown = []
    while a.step == before.step:
        a.command("step", "phase", "probe", probe)
        shown.append(a.state().phase.model_dump())
    assert shown[0] == {"stage": "forward", "layer": 0, "on": "probe"} and shown[-1]["stage"] == "update"
    after = engine_state(a)
    for i, layer in enumerate(grads.layers):
        for name, g in layer.param_grads.items():
            expected = before.weights[f"layer{i}.{name}"] - np.float32(0.5) * g
            np.testing.assert_allclose(after.weights[f"layer{i}.{name}"], expected, rtol=1e-6, atol=1e-7)
    assert after.trainer_state["position"] == before.trainer_state["position"]  # no batch was drawn
    assert (a.step, a.epoch) == (before.step + 1, before.epoch)

    a.command("step", "batch", "probe", probe)  # a whole step on the probe at once
    assert a.step == before.step + 2 and a.state().phase.stage is None
    with pytest.raises(ProbeIndexError, match="index 1000 is out of range: the train split has 50 samples"):
        a.command("step", "phase", "probe", ProbeRef(split="train", index=1000))
    assert a.step == before.step + 2


def test_a_phase_step_on_another_sample_starts_a_new_step(settings: dict) -> None:
    a, twin = Session("a", "h", MLP, **settings), Session("t", "h", MLP, **settings)
    a.command("step", "phase")
    a.command("step", "phase")
    probe = ProbeRef(split="train", index=0)
    a.command("step", "phase", "probe", probe)  # the batch step in progress is abandoned first
    assert a.state().phase.model_dump() == {"stage": "forward", "layer": 0, "on": "probe"}
    twin.command("step", "phase", "probe", probe)
    while a.step == 0:
        a.command("step", "phase", "probe", probe)
        twin.command("step", "phase", "probe", probe)
    assert_same_state(engine_state(a), engine_state(twin))
