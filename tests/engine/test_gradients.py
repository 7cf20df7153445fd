"""Central-difference gradient checks in float64 for every layer, activation and loss."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import ACTIVATIONS, LOSSES, build_network, get_loss
from neuroplay.engine.layers import Activation, Dense

from .gradcheck import check_layer, check_loss_grad, numeric_grad


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_gradients(activation: str, use_bias: bool) -> None:
    rng = np.random.default_rng(3)
    layer = Dense((5,), units=4, activation=activation, use_bias=use_bias, rng=rng)
    check_layer(layer, rng.standard_normal((6, 5)), rng)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_activation_layer_gradients(activation: str) -> None:
    rng = np.random.default_rng(4)
    check_layer(Activation((7,), activation), rng.standard_normal((3, 7)), rng)


def test_relu_gradient_is_zero_for_negative_inputs() -> None:
    layer = Activation((3,), "relu")
    layer.forward(np.array([[-1.0, 0.5, 2.0]]), training=True)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), [[0.0, 1.0, 1.0]])


def _targets(name: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    if name == "cross_entropy":
        return rng.integers(0, shape[1], size=(shape[0], 1)).astype(np.float64)
    if name.startswith("binary_cross_entropy"):
        return rng.integers(0, 2, size=shape).astype(np.float64)
    return rng.standard_normal(shape)


def _predictions(name: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    u = rng.standard_normal(shape)
    if name == "cross_entropy":
        return ACTIVATIONS["softmax"].forward(u)
    if name == "binary_cross_entropy":
        return ACTIVATIONS["sigmoid"].forward(u)
    return u


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_gradients(name: str) -> None:
    rng = np.random.default_rng(5)
    shape = (4, 1) if name.startswith("binary_cross_entropy") else (4, 3)
    p, y = _predictions(name, rng, shape), _targets(name, rng, shape)
    check_loss_grad(get_loss(name), p, y)


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
def test_fused_loss_gradient_matches_chain_rule(name: str) -> None:
    """dL/du from the fused form equals the finite difference through the activation."""
    rng = np.random.default_rng(6)
    loss = get_loss(name)
    act = ACTIVATIONS[loss.fused_activation]
    shape = (5, 1) if name == "binary_cross_entropy" else (5, 4)
    u, y = rng.standard_normal(shape), _targets(name, rng, shape)
    analytic = loss.grad_wrt_logits(act.forward(u), y)
    numeric = numeric_grad(lambda: loss.value(act.forward(u), y), u)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_whole_network_gradients_through_fused_loss() -> None:
    """Trainer-style backward (fused BCE) matches finite differences of the loss for every parameter."""
    spec = {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dense", "units": 2, "activation": "relu"},
            {"type": "dense", "units": 1, "activation": "sigmoid"},
        ],
    }
    net = build_network(spec, seed=2)
    for layer in net.layers:
        for k in layer.params:
            layer.params[k] = layer.params[k].astype(np.float64)
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((8, 2)), rng.integers(0, 2, (8, 1)).astype(np.float64)
    loss = get_loss("binary_cross_entropy")

    p = net.forward(x, training=True)
    net.backward_from(len(net.layers) - 1, loss.grad_wrt_logits(p, y), True, True)
    for (i, name), param, grad in net.parameters():
        numeric = numeric_grad(lambda: loss.value(net.forward(x, training=True), y), param)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8, err_msg=f"layer {i} {name}")


@pytest.mark.parametrize("activation", ["tanh", "linear", "softmax"])
def test_dense_on_a_sequence_acts_on_every_time_step(activation: str) -> None:
    rng = np.random.default_rng(8)
    layer = Dense((4, 3), units=2, activation=activation, rng=rng)
    assert layer.output_shape == (4, 2)
    x = rng.standard_normal((5, 4, 3))
    check_layer(layer, x, rng)
    flat = Dense((3,), units=2, activation=activation, rng=rng)
    flat.params = {k: v.copy() for k, v in layer.params.items()}
    np.testing.assert_allclose(layer.forward(x, True).reshape(20, 2), flat.forward(x.reshape(20, 3), True), rtol=1e-6)
