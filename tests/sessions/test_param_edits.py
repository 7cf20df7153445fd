"""Session.edit_params: the optimizer state of the entries set is reset (and only theirs), a partial
phase step is abandoned first, and a failed check changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.params import ParamEdit
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.param_edits import ParamEditError
from neuroplay.sessions.session import Session

SPECS = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 3, "activation": "tanh"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
        }
    ),
    DatasetSpec(name="xor", points=100),
    TrainingConfig(optimizer="adam", learning_rate=0.01, batch_size=10),
)


@pytest.fixture()
def session(engines: EnginePool) -> Session:
    s = Session("e", "h", SPECS, engines=engines, grid_size=8, display_hz=30.0, max_history_points=100)
    for _ in range(3):
        s.command("step", "batch")
    return s


def test_setting_an_entry_resets_its_optimizer_state_only(session: Session) -> None:
    state = session.trainer.optimizer.state[(0, "W")]
    m, v, t = state["m"].copy(), state["v"].copy(), state["t"]
    values, frozen, step = session.edit_params(ParamEdit(layer=0, param="W", index=[1, 0], value=2.0))
    assert values[1, 0] == 2.0 and not frozen.any() and step == 3
    assert state["m"][1, 0] == 0 and state["v"][1, 0] == 0 and state["t"] == t
    keep = np.ones(m.shape, dtype=bool)
    keep[1, 0] = False
    np.testing.assert_array_equal(state["m"][keep], m[keep])
    np.testing.assert_array_equal(state["v"][keep], v[keep])
    session.edit_params(ParamEdit(layer=1, param="b", values=[0.25]))
    assert (1, "b") not in session.trainer.optimizer.state  # a whole parameter starts afresh
    assert session.trainer.optimizer.state[(1, "W")]["t"] == 3  # the others keep theirs
    assert session.snapshot.weights["layer0.W"][1, 0] == 2.0  # the views follow at once


def test_an_edit_abandons_a_partial_phase_step_and_a_bad_one_changes_nothing(session: Session) -> None:
    before = session.trainer.network.get_weights()
    session.command("step", "phase")
    with pytest.raises(ParamEditError, match="index"):
        session.edit_params(ParamEdit(layer=0, param="W", index=[5, 5], value=1.0))
    assert session.state().phase.stage == "forward"  # refused before anything happened
    session.edit_params(ParamEdit(layer=0, param="b", index=[2], frozen=True))
    assert session.state().phase.stage is None
    assert session.state().frozen["layer0.b"].model_dump() == {"count": 1, "size": 3, "indices": [[2]]}
    after = session.trainer.network.get_weights()
    for key, value in before.items():
        np.testing.assert_array_equal(after[key], value, err_msg=key)
    kept = after["layer0.b"][2]
    for _ in range(15):  # phases of a few steps honour the mask too
        session.command("step", "phase")
    assert session.step > 3 and session.trainer.network.layers[0].params["b"][2] == kept
