"""Building, shape errors, config round-trip, determinism and the training step."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import LAYER_CLASSES, ModelError, Trainer, build_network, get_loss, make_optimizer

MLP = {
    "version": 1,
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "tanh", "use_bias": True},
        {"type": "dense", "units": 2, "activation": "tanh", "use_bias": True},
        {"type": "dense", "units": 1, "activation": "sigmoid", "use_bias": True},
    ],
}


def circle_data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    y = (np.linalg.norm(x, axis=1, keepdims=True) < 0.6).astype(np.float32)
    return x, y


def test_shapes_flow_and_params_are_float32() -> None:
    net = build_network(MLP, seed=0)
    assert [layer.output_shape for layer in net.layers] == [(4,), (2,), (1,)]
    assert net.param_count() == (2 * 4 + 4) + (4 * 2 + 2) + (2 * 1 + 1)
    assert all(p.dtype == np.float32 for _, p, _ in net.parameters())
    assert net.forward(np.zeros((5, 2), np.float32)).shape == (5, 1)


def test_config_round_trips_for_every_registered_layer() -> None:
    spec = {
        "version": 1,
        "input_shape": [3],
        "layers": [
            {"type": "dense", "units": 5, "activation": "relu", "use_bias": False},
            {"type": "batch_norm", "momentum": 0.2, "eps": 0.001},
            {"type": "dropout", "rate": 0.25},
            {"type": "activation", "activation": "softmax"},
        ],
    }
    sequence = {
        "version": 1,
        "input_shape": [6, 3],
        "layers": [
            {"type": "simple_rnn", "units": 4, "activation": "relu", "return_sequences": True},
            {"type": "simple_rnn", "units": 2, "activation": "tanh", "return_sequences": False},
        ],
    }
    image = {
        "version": 1,
        "input_shape": [1, 9, 9],
        "layers": [
            {
                "type": "conv2d",
                "filters": 3,
                "kernel_size": 3,
                "stride": 1,
                "padding": "same",
                "use_bias": True,
                "activation": "relu",
            },
            {"type": "max_pool2d", "pool_size": 2, "stride": None},
            {"type": "avg_pool2d", "pool_size": 2, "stride": 1},
            {"type": "flatten"},
        ],
    }
    covered = {entry["type"] for s in (spec, sequence, image) for entry in s["layers"]}
    assert covered == set(LAYER_CLASSES)
    for s in (spec, sequence, image):
        net = build_network(s, seed=1)
        assert net.config() == s
        assert build_network(net.config(), seed=1).config() == s


@pytest.mark.parametrize(
    ("layers", "index", "words"),
    [
        ([{"type": "conv9d"}], 0, "unknown layer type 'conv9d'"),
        ([{"type": "dense", "units": 3}, {"type": "dense", "units": 0}], 1, "units must be a positive integer"),
        ([{"type": "dense", "units": 3, "activation": "swish"}], 0, "unknown activation 'swish'"),
        ([{"type": "dense", "units": 3, "bogus": 1}], 0, "bogus"),
    ],
)
def test_bad_layers_name_their_index(layers: list, index: int, words: str) -> None:
    with pytest.raises(ModelError) as info:
        build_network({"input_shape": [2], "layers": layers})
    assert info.value.layer == index
    assert f"layer {index}" in str(info.value) and words in str(info.value)


def test_dense_on_a_non_flat_input_says_flatten() -> None:
    with pytest.raises(ModelError, match=r"layer 0 \(dense\).*\[1, 8, 8\].*flatten"):
        build_network({"input_shape": [1, 8, 8], "layers": [{"type": "dense", "units": 3}]})


def test_same_seed_same_weights_and_losses_bit_for_bit() -> None:
    def run(seed: int) -> tuple[list[float], dict[str, np.ndarray]]:
        x, y = circle_data()
        net = build_network(MLP, seed=seed)
        trainer = Trainer(net, get_loss("binary_cross_entropy"), make_optimizer("sgd", 0.1), x, y, 10, seed)
        losses = [trainer.train_step().loss for _ in range(60)]
        return losses, net.get_weights()

    losses_a, w_a = run(3)
    losses_b, w_b = run(3)
    losses_c, _ = run(4)
    assert losses_a == losses_b
    assert all(np.array_equal(w_a[k], w_b[k]) for k in w_a)
    assert losses_a != losses_c


def test_training_learns_a_circle() -> None:
    x, y = circle_data(400)
    net = build_network(MLP, seed=0)
    loss = get_loss("binary_cross_entropy")
    trainer = Trainer(net, loss, make_optimizer("sgd", 0.3), x, y, 10, 0)
    before = loss.value(net.forward(x), y)
    for _ in range(3000):
        trainer.train_step()
    p = net.forward(x)
    assert loss.value(p, y) < before / 3
    assert np.mean((p > 0.5) == (y > 0.5)) > 0.9


def test_sgd_step_is_theta_minus_lr_times_gradient() -> None:
    x, y = circle_data(10)
    net = build_network(MLP, seed=0)
    trainer = Trainer(net, get_loss("mse"), make_optimizer("sgd", 0.5), x, y, 10, 0)
    before = net.get_weights()
    trainer.train_step()
    for (i, name), p, g in net.parameters():
        np.testing.assert_allclose(p, before[f"layer{i}.{name}"] - 0.5 * g, rtol=1e-6, atol=1e-7)


def test_l2_adds_lambda_theta_to_the_gradient() -> None:
    x, y = circle_data(10)
    net = build_network(MLP, seed=0)
    trainer = Trainer(net, get_loss("mse"), make_optimizer("sgd", 0.5, l2=0.1), x, y, 10, 0)
    before = net.get_weights()
    trainer.train_step()
    for (i, name), p, g in net.parameters():
        old = before[f"layer{i}.{name}"]
        np.testing.assert_allclose(p, old - 0.5 * (g + 0.1 * old), rtol=1e-6, atol=1e-7)


def test_clip_norm_limits_the_update() -> None:
    x, y = circle_data(10)
    net = build_network(MLP, seed=0)
    trainer = Trainer(net, get_loss("mse"), make_optimizer("sgd", 1.0), x, y, 10, 0, clip_norm=1e-3)
    before = net.get_weights()
    result = trainer.train_step()
    assert result.grad_norm > 1e-3
    moved = sum(float(np.sum((p - before[f"layer{i}.{n}"]) ** 2)) for (i, n), p, _ in net.parameters())
    assert np.sqrt(moved) == pytest.approx(1e-3, rel=1e-3)


def test_divergence_stops_before_the_update_and_keeps_the_weights() -> None:
    """A learning rate far too large on a linear regression: the loss overflows float32 within a
    few steps; the step that finds it must not touch the weights."""
    x, y = circle_data(50)
    spec = {"input_shape": [2], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]}
    net = build_network(spec, seed=0)
    trainer = Trainer(net, get_loss("mse"), make_optimizer("sgd", 1e4), x, y, 50, 0)
    with np.errstate(all="ignore"):
        for _ in range(100):
            before = net.get_weights()
            result = trainer.train_step()
            if result.diverged:
                break
    assert result.diverged == "loss", "never diverged"
    after = net.get_weights()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert all(np.isfinite(v).all() for v in after.values())


def test_every_sample_is_seen_once_per_epoch_in_a_new_order() -> None:
    from neuroplay.engine import BatchIterator

    it = BatchIterator(23, 5, seed=0)
    seen, ends = [], []
    for _ in range(5):
        idx, ended = it.next_batch()
        seen.extend(idx.tolist())
        ends.append(ended)
    assert sorted(seen) == list(range(23)) and ends == [False] * 4 + [True]
    second = np.concatenate([it.next_batch()[0] for _ in range(5)])
    assert sorted(second.tolist()) == list(range(23)) and second.tolist() != seen
