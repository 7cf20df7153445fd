"""inspect_sample's per-step numbers of a simple_rnn (the unit inspector's RNN units): dL/dh_t against
finite differences of the loss run on from a perturbed state h_t, dL/du_t = dL/dh_t · f′(u_t), u_t and
h_t from the layer's own weights, and the weights' gradients as the sum of every step's share
(backpropagation through time). In float64, with and without a loss fused into the layer."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import get_loss
from neuroplay.engine.activations import get_activation
from neuroplay.engine.inspect import inspect_sample
from neuroplay.engine.layers.dense import Dense
from neuroplay.engine.layers.rnn import SimpleRNN
from neuroplay.engine.network import Network

from .gradcheck import numeric_grad

T, F, H = 5, 3, 4

CASES = {
    # (activation, return_sequences, a dense output after the RNN, loss)
    "tanh_last_dense_mse": ("tanh", False, True, "mse"),
    "relu_sequences_mse": ("relu", True, False, "mse"),
    "sigmoid_last_fused_bce": ("sigmoid", False, False, "binary_cross_entropy"),  # enters at dL/du
}


def _network(activation: str, sequences: bool, dense: bool) -> Network:
    rng = np.random.default_rng(5)
    rnn = SimpleRNN((T, F), units=H, activation=activation, return_sequences=sequences, rng=rng)
    layers: list = [rnn]
    if dense:
        layers.append(Dense((H,), 2, "tanh", rng=rng))
    for layer in layers:
        for name in layer.params:
            layer.params[name] = rng.uniform(-0.8, 0.8, layer.params[name].shape)  # float64, every term alive
    return Network(layers, (T, F))


@pytest.mark.parametrize("case", sorted(CASES))
def test_rnn_steps_against_finite_differences(case: str) -> None:
    activation, sequences, dense, loss_name = CASES[case]
    net = _network(activation, sequences, dense)
    rnn = net.layers[0]
    loss = get_loss(loss_name)
    rng = np.random.default_rng(9)
    x = rng.standard_normal((1, T, F))
    out_shape = net.output_shape
    y = rng.uniform(0.1, 0.9, (1, *out_shape))
    result = inspect_sample(net, loss, x, y)
    steps = result.layers[0].recurrence
    assert steps is not None and all(entry.recurrence is None for entry in result.layers[1:])
    W_x, W_h, b = (rnn.params[k] for k in ("W_x", "W_h", "b"))
    f = get_activation(activation)
    h_prev = np.vstack([steps.initial_state[None], steps.states[:-1]])
    np.testing.assert_array_equal(steps.initial_state, np.zeros(H))
    u = x[0] @ W_x + h_prev @ W_h + b
    np.testing.assert_allclose(result.layers[0].preactivation, u, rtol=1e-12)
    np.testing.assert_allclose(steps.states, f.forward(u), rtol=1e-12)

    def loss_from(t: int, h_t: np.ndarray) -> float:
        """The loss with h_(t+1) replaced by h_t and the recurrence run on from there (a reference
        forward written out here, not the layer's)."""
        states = steps.states.copy()
        states[t] = h_t
        for s in range(t + 1, T):
            states[s] = f.forward(x[0, s] @ W_x + states[s - 1] @ W_h + b)
        out = states[None] if sequences else states[-1][None]
        for layer in net.layers[1:]:
            out = layer.forward(out, False)
        return float(loss.value(out, y))

    for t in range(T):
        h_t = steps.states[t].copy()
        expected = numeric_grad(lambda t=t, h_t=h_t: loss_from(t, h_t), h_t)
        np.testing.assert_allclose(steps.state_grads[t], expected, rtol=1e-6, atol=1e-9, err_msg=f"dL/dh at step {t}")
    slope = f.backward(steps.states, np.ones(()))
    np.testing.assert_allclose(steps.preactivation_grads, steps.state_grads * slope, rtol=1e-9, atol=1e-12)
    # BPTT: each weight's gradient is the sum over the steps of that step's share.
    grads = result.layers[0].param_grads
    np.testing.assert_allclose(grads["W_x"], sum(np.outer(x[0, t], steps.preactivation_grads[t]) for t in range(T)))
    np.testing.assert_allclose(grads["W_h"], sum(np.outer(h_prev[t], steps.preactivation_grads[t]) for t in range(T)))
    np.testing.assert_allclose(grads["b"], steps.preactivation_grads.sum(axis=0))


def test_the_initial_state_is_the_layers_own() -> None:
    net = _network("tanh", False, True)
    h0 = np.linspace(-0.5, 0.5, H)
    net.layers[0].set_initial_state(h0)
    x = np.random.default_rng(2).standard_normal((1, T, F))
    steps = inspect_sample(net, get_loss("mse"), x, np.zeros((1, 2))).layers[0].recurrence
    assert steps is not None
    np.testing.assert_array_equal(steps.initial_state, h0)
    u0 = x[0, 0] @ net.layers[0].params["W_x"] + h0 @ net.layers[0].params["W_h"] + net.layers[0].params["b"]
    np.testing.assert_allclose(steps.states[0], np.tanh(u0), rtol=1e-12)
