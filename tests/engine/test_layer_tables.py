"""What the engine publishes about itself for the browser (through the catalog and the inspector):
each activation's slope is its true derivative and its flat threshold a tenth of the slope's top;
each layer class's parameter names are the parameters it builds, in the order it builds them."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import ACTIVATIONS, LAYER_CLASSES, build_network, get_loss
from neuroplay.engine.inspect import inspect_sample

ELEMENTWISE = sorted(name for name, fn in ACTIVATIONS.items() if fn.elementwise)
# Inputs the layers of every type with parameters are built on, with settings that give them all.
BUILT = {
    "dense": ((6,), {"units": 3, "use_bias": True}),
    "conv2d": ((2, 6, 6), {"filters": 3, "use_bias": True}),
    "simple_rnn": ((5, 2), {"units": 4}),
    "batch_norm": ((6,), {}),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_the_slope_is_the_derivative_of_the_forward(name: str) -> None:
    act = ACTIVATIONS[name]
    u = np.linspace(-6, 6, 241)
    u = u[np.abs(u) > 1e-3]  # ReLU's kink
    h = 1e-6
    numeric = (act.forward(u + h) - act.forward(u - h)) / (2 * h)
    np.testing.assert_allclose(act.slope(act.forward(u)), numeric, rtol=1e-5, atol=1e-7)


def test_the_flat_thresholds_are_a_tenth_of_the_slopes_top() -> None:
    u = np.linspace(-8, 8, 1601)
    for name in ELEMENTWISE:
        act = ACTIVATIONS[name]
        slope = act.slope(act.forward(u))
        if act.flat_below is None:  # no flat part: the slope never falls under a tenth of its top
            assert slope.min() >= 0.01 * slope.max() - 1e-12, name
            assert name in ("linear", "leaky_relu")
        else:
            assert act.flat_below == pytest.approx(slope.max() / 10, rel=1e-3), name
    assert not ACTIVATIONS["softmax"].elementwise
    with pytest.raises(ValueError, match="softmax has no element-wise slope"):
        ACTIVATIONS["softmax"].slope(np.ones((1, 3)))


@pytest.mark.parametrize("tag", sorted(LAYER_CLASSES))
def test_the_parameter_names_are_what_the_layer_builds(tag: str) -> None:
    cls = LAYER_CLASSES[tag]
    assert set(cls.painted_params) <= set(cls.param_names), tag
    assert "b" not in cls.painted_params  # biases are not painted on the block
    if tag not in BUILT:
        assert cls.param_names == ()
        return
    shape, settings = BUILT[tag]
    layer = cls(shape, init="xavier", rng=np.random.default_rng(0), **settings)
    assert tuple(layer.params) == cls.param_names
    # The painted ones are the weights: every matrix or kernel, and batch norm's per-channel scale and shift.
    assert cls.painted_params == tuple(p for p in cls.param_names if p != "b")


def test_inspect_gives_each_units_slope_and_gradient_before_its_activation() -> None:
    """f′(u) from the engine's own backward equals the derivative at the unit's u; dL/du is dL/dy·f′(u),
    the bias's gradient for one sample, and for softmax with cross-entropy p − y."""
    spec = {
        "input_shape": [3],
        "layers": [
            {"type": "dense", "units": 4, "activation": "sigmoid"},
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dense", "units": 3, "activation": "softmax"},
        ],
    }
    network = build_network(spec, seed=3)
    x = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
    y = np.array([1], dtype=np.int64)  # the class index
    got = inspect_sample(network, get_loss("cross_entropy"), x, y)
    sig, tanh, soft = got.layers
    assert sig.slope is not None and tanh.slope is not None and soft.slope is None
    s = 1 / (1 + np.exp(-sig.preactivation.astype(np.float64)))  # type: ignore[union-attr]
    np.testing.assert_allclose(sig.slope, s * (1 - s), rtol=1e-5)
    np.testing.assert_allclose(tanh.slope, 1 - np.tanh(tanh.preactivation.astype(np.float64)) ** 2, rtol=1e-4)  # type: ignore[union-attr]
    for layer in (sig, tanh):
        np.testing.assert_allclose(layer.preactivation_grad, layer.output_grad * layer.slope, rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose(layer.preactivation_grad, layer.param_grads["b"], rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(soft.preactivation_grad, got.prediction - np.eye(3)[1], rtol=1e-5, atol=1e-7)
