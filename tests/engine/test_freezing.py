"""Frozen entries stay bit-identical through training with every optimizer (L2 and clipping on), their
gradients are still computed; the masks round-trip; an optimizer forgets the state of edited entries."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import OPTIMIZERS, PhaseStepper, Trainer, build_network, get_loss, make_optimizer

SPEC = {
    "input_shape": [3],
    "layers": [
        {"type": "dense", "units": 5, "activation": "tanh"},
        {"type": "batch_norm"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def trainer(optimizer: str, seed: int = 0) -> Trainer:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((40, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    return Trainer(
        build_network(SPEC, seed=1),
        get_loss("binary_cross_entropy"),
        make_optimizer(optimizer, 0.05, l2=0.01),
        x,
        y,
        batch_size=8,
        seed=2,
        clip_norm=0.3,
    )


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_frozen_entries_never_move(optimizer: str) -> None:
    t = trainer(optimizer)
    for _ in range(3):  # momenta and moments build up before the freeze
        t.train_step()
    w = t.network.layers[0].params["W"]
    mask = np.zeros(w.shape, dtype=bool)
    mask[0, 1] = mask[2, 4] = True
    t.frozen.set((0, "W"), mask)
    t.frozen.set((1, "gamma"), np.ones(5, dtype=bool))
    kept_w, kept_gamma = w[mask].copy(), t.network.layers[1].params["gamma"].copy()
    before = w.copy()
    for _ in range(12):
        result = t.train_step()
        assert not result.diverged
    np.testing.assert_array_equal(w[mask], kept_w)
    np.testing.assert_array_equal(t.network.layers[1].params["gamma"], kept_gamma)
    assert (w[~mask] != before[~mask]).all(), "the other entries train"
    assert (t.network.layers[0].grads["W"][mask] != 0).all(), "gradients of frozen entries are still computed"
    stepper = PhaseStepper(t)  # the phase-by-phase update honours them too
    while stepper.advance()[1] is None:
        pass
    np.testing.assert_array_equal(w[mask], kept_w)


def test_freezing_nothing_changes_nothing() -> None:
    a, b = trainer("adam"), trainer("adam")
    b.frozen.set((0, "W"), np.zeros((3, 5), dtype=bool))
    assert not b.frozen
    for _ in range(5):
        assert a.train_step().loss == b.train_step().loss
    np.testing.assert_array_equal(a.network.layers[0].params["W"], b.network.layers[0].params["W"])


def test_frozen_entries_are_left_out_of_the_applied_gradient_norm() -> None:
    t = trainer("sgd")
    t.clip_norm = None
    everything = t.train_step().grad_norm
    grads = t.network.parameters()
    t2 = trainer("sgd")
    t2.clip_norm = None
    t2.frozen.set((2, "W"), np.ones((5, 1), dtype=bool))
    norm = t2.train_step().grad_norm
    frozen_part = float(np.vdot(grads[4][2], grads[4][2]))  # layer 2's W
    assert norm == pytest.approx((everything**2 - frozen_part) ** 0.5, rel=1e-5)


def test_masks_round_trip_through_arrays() -> None:
    t, other = trainer("sgd"), trainer("sgd")
    t.frozen.set((0, "b"), np.array([True, False, False, True, False]))
    other.frozen.load_arrays({"order": np.arange(3), **t.frozen.arrays()}, other.network)
    np.testing.assert_array_equal(other.frozen.mask((0, "b"), (5,)), [True, False, False, True, False])
    with pytest.raises(ValueError, match=r"frozen.layer0.b has shape \[2\], expected \[5\]"):
        other.frozen.load_arrays({"frozen.layer0.b": np.ones(2, dtype=bool)}, other.network)


@pytest.mark.parametrize(
    ("optimizer", "slots"), [("momentum", ["velocity"]), ("adam", ["m", "v"]), ("rmsprop", ["square_avg"])]
)
def test_an_optimizer_forgets_edited_entries(optimizer: str, slots: list[str]) -> None:
    t = trainer(optimizer)
    for _ in range(2):
        t.train_step()
    state = t.optimizer.state[(0, "W")]
    mask = np.zeros((3, 5), dtype=bool)
    mask[1, 2] = True
    kept = {slot: state[slot][~mask].copy() for slot in slots}
    t.optimizer.reset_entries((0, "W"), mask)
    for slot in slots:
        assert state[slot][1, 2] == 0
        np.testing.assert_array_equal(state[slot][~mask], kept[slot])
    t.optimizer.reset_entries((0, "W"))
    assert (0, "W") not in t.optimizer.state
    t.optimizer.reset_entries((0, "W"))  # nothing left to forget: no error
