"""Optimizer state, clipping, divergence reports, initialisers and phase-by-phase stepping."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import ModelError, PhaseStepper, Trainer, build_network, get_loss, make_optimizer

SPEC = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 5, "activation": "tanh"},
        {"type": "dense", "units": 3, "activation": "relu"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def data(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, 2)).astype(np.float32)
    return x, (x[:, :1] * x[:, 1:] > 0).astype(np.float32)


def trainer(optimizer: str = "sgd", lr: float = 0.1, **kw) -> Trainer:
    x, y = data()
    net = build_network(SPEC, seed=3)
    return Trainer(net, get_loss("binary_cross_entropy"), make_optimizer(optimizer, lr), x, y, 8, 0, **kw)


@pytest.mark.parametrize("name", ["momentum", "adam", "rmsprop"])
def test_changing_the_learning_rate_keeps_optimizer_state(name: str) -> None:
    t = trainer(name, 0.01)
    for _ in range(3):
        t.train_step()
    state_before = {k: {s: np.copy(v) for s, v in slots.items()} for k, slots in t.optimizer.state.items()}
    t.optimizer.learning_rate = 0.001
    t.train_step()
    assert set(t.optimizer.state) == set(state_before)
    if name == "adam":
        assert all(slots["t"] == 4 for slots in t.optimizer.state.values())


def test_optimizer_state_round_trips_through_flat_arrays() -> None:
    t = trainer("adam", 0.01)
    t.train_step()
    arrays = t.optimizer.state_arrays()
    assert all(isinstance(v, np.ndarray) for v in arrays.values())
    other = make_optimizer("adam", 0.01)
    other.load_state_arrays(arrays)
    assert other.state_arrays().keys() == arrays.keys()
    assert all(np.array_equal(other.state_arrays()[k], arrays[k]) for k in arrays)


def test_clip_by_value_bounds_every_gradient_and_reports_both_norms() -> None:
    t = trainer("sgd", 1.0, clip_value=1e-4)
    before = t.network.get_weights()
    result = t.train_step()
    assert result.clipped_norm < result.grad_norm
    for (i, n), p, _ in t.network.parameters():
        assert np.abs(p - before[f"layer{i}.{n}"]).max() <= 1e-4 + 1e-7  # float32 rounding of p


def test_per_layer_gradient_norms_add_up_to_the_global_norm() -> None:
    t = trainer()
    result = t.train_step()
    norms = t.layer_grad_norms()
    assert set(norms) == {0, 1, 2}
    total = sum(v**2 for v in norms.values()) ** 0.5
    assert total == pytest.approx(result.grad_norm, rel=1e-6)


def test_divergence_names_the_first_layer_whose_output_is_not_finite() -> None:
    t = trainer()
    t.network.layers[1].params["W"][0, 0] = np.inf
    with np.errstate(all="ignore"):
        result = t.train_step()
    assert result.diverged == "outputs of layer 1 (dense)" and result.diverged_layer == 1


def test_divergence_in_gradients_names_the_layer() -> None:
    t = trainer()
    original = t.loss

    class NanGradLoss:  # a loss whose gradient is NaN while its value is fine
        name, output, fused_activation, grad_wrt_logits = "nan", "probability", None, None
        value = staticmethod(original.value)

        @staticmethod
        def grad(p, y):
            return np.full_like(p, np.nan)

    t.set_loss(NanGradLoss())
    before = t.network.get_weights()
    result = t.train_step()
    assert result.diverged == "gradients of layer 2 (dense)"
    assert all(np.array_equal(before[k], v) for k, v in t.network.get_weights().items())


def test_zero_init_keeps_units_of_a_layer_identical() -> None:
    x, y = data()
    spec = {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 4, "activation": "tanh", "use_bias": True},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    }
    net = build_network(spec, init="zeros")
    t = Trainer(net, get_loss("binary_cross_entropy"), make_optimizer("sgd", 0.5), x, y, 8, 0)
    for _ in range(50):
        t.train_step()
    w = net.layers[0].params["W"]
    assert np.allclose(w, w[:, :1]), "symmetry is never broken with zero init"


def test_normal_init_uses_the_chosen_scale() -> None:
    spec = {"input_shape": [200], "layers": [{"type": "dense", "units": 300}]}
    for scale in (0.01, 1.0):
        w = build_network(spec, init="normal", init_scale=scale).layers[0].params["W"]
        assert w.std() == pytest.approx(scale, rel=0.02)
    with pytest.raises(ModelError, match="init scale"):
        build_network(spec, init="normal", init_scale=-1)
    with pytest.raises(ModelError, match="unknown init 'uniformish'"):
        build_network(spec, init="uniformish")


def test_he_and_xavier_scales() -> None:
    spec = {"input_shape": [400], "layers": [{"type": "dense", "units": 400}]}
    he = build_network(spec, init="he").layers[0].params["W"]
    xavier = build_network(spec, init="xavier").layers[0].params["W"]
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xavier.std() == pytest.approx(np.sqrt(2 / 800), rel=0.02)


def test_phase_stepping_reproduces_a_full_step_bit_for_bit() -> None:
    full, stepped = trainer(), trainer()
    expected = [full.train_step() for _ in range(3)]
    phases = []
    results = []
    stepper = PhaseStepper(stepped)
    while len(results) < 3:
        phase, result = stepper.advance()
        phases.append((phase.stage, phase.layer))
        if result is not None:
            results.append(result)
    assert phases[:8] == [
        ("forward", 0),
        ("forward", 1),
        ("forward", 2),
        ("loss", None),
        ("backward", 2),
        ("backward", 1),
        ("backward", 0),
        ("update", None),
    ]
    assert [r.loss for r in results] == [r.loss for r in expected]
    w_full, w_step = full.network.get_weights(), stepped.network.get_weights()
    assert all(np.array_equal(w_full[k], w_step[k]) for k in w_full)


def test_each_phase_leaves_what_the_views_show() -> None:
    t = trainer()
    stepper = PhaseStepper(t)
    stepper.advance()  # forward through layer 0 only
    assert t.network.layers[0].observe()["output"].shape == (8, 5)
    assert t.network.layers[1].observe() == {}
    while stepper.next_phase.stage != "backward" or stepper.next_phase.layer != 1:
        stepper.advance()
    assert t.network.layers[2].grad_output is not None and t.network.layers[1].grad_output is None


def test_network_report_gathers_what_the_views_show_without_another_pass() -> None:
    from neuroplay.engine import histogram, network_report

    t = trainer()
    t.train_step()
    cached = t.network.layers[0].observe()["output"]
    reports = network_report(t.network, bins=10)
    assert [r.type for r in reports] == ["dense"] * 3
    first = reports[0]
    assert first.arrays["output"] is cached, "no extra forward pass"
    assert first.grad_output.shape == (8, 5) and set(first.grad_norms) == {"W", "b"}
    assert first.param_norms["W"] == pytest.approx(float(np.linalg.norm(t.network.layers[0].params["W"])))
    assert first.histograms["output"].counts.sum() == 8 * 5
    h = histogram(np.array([1.0, np.nan, 2.0, np.inf]), bins=4)
    assert h.counts.sum() == 2 and h.non_finite == 2


def test_a_transform_changes_training_batches_reproducibly() -> None:
    seen: list[np.ndarray] = []

    def flip_sign(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        seen.append(batch)
        return -batch * rng.uniform(1, 2)

    x, y = data()
    t = Trainer(
        build_network(SPEC, seed=3),
        get_loss("binary_cross_entropy"),
        make_optimizer("sgd", 0.1),
        x,
        y,
        8,
        0,
        transform=flip_sign,
    )
    t.train_step()
    assert len(seen) == 1 and seen[0].shape == (8, 2)
    assert np.all(np.sign(t.network.layers[0].observe()["input"]) == -np.sign(seen[0]))
    t2 = Trainer(
        build_network(SPEC, seed=3),
        get_loss("binary_cross_entropy"),
        make_optimizer("sgd", 0.1),
        x,
        y,
        8,
        0,
        transform=flip_sign,
    )
    assert t2.train_step().loss == pytest.approx(
        Trainer(
            build_network(SPEC, seed=3),
            get_loss("binary_cross_entropy"),
            make_optimizer("sgd", 0.1),
            x,
            y,
            8,
            0,
            transform=flip_sign,
        )
        .train_step()
        .loss
    )
