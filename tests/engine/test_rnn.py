"""SimpleRNN: float64 gradient checks (inputs, params, initial state), PyTorch goldens, shapes,
settings, config round trip, the views (grad_norms_per_step, vanishing gradients) and training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuroplay.engine import get_loss
from neuroplay.engine.init import get_initialiser
from neuroplay.engine.layers.base import ShapeError
from neuroplay.engine.layers.dense import Dense
from neuroplay.engine.layers.rnn import SimpleRNN
from neuroplay.engine.network import Network

from .gradcheck import check_layer, numeric_grad

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_CASES = [
    "rnn_tanh_seq",
    "rnn_tanh_last",
    "rnn_relu_seq",
    "rnn_relu_last",
    "rnn_tanh_h0_seq",
    "rnn_relu_h0_last",
]
T, F, H, N = 4, 3, 5, 2  # small sizes for the finite-difference checks


def _as_float64(layer: SimpleRNN) -> None:
    for k in layer.params:
        layer.params[k] = layer.params[k].astype(np.float64)


def _bigger_weights(layer: SimpleRNN, rng: np.random.Generator) -> None:
    """Nonzero bias and livelier weights, so every term of the gradient matters."""
    layer.params["b"] = rng.uniform(-0.5, 0.5, H)
    layer.params["W_h"] = rng.uniform(-0.6, 0.6, (H, H))


# ------------------------------------------------------------------------- gradient checks


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradients(activation: str, return_sequences: bool) -> None:
    rng = np.random.default_rng(11)
    layer = SimpleRNN((T, F), units=H, activation=activation, return_sequences=return_sequences, rng=rng)
    _as_float64(layer)
    _bigger_weights(layer, rng)
    check_layer(layer, rng.standard_normal((N, T, F)), rng)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("h0_shape", [(N, H), (H,)])
def test_gradients_with_initial_state(activation: str, return_sequences: bool, h0_shape: tuple) -> None:
    rng = np.random.default_rng(12)
    layer = SimpleRNN((T, F), units=H, activation=activation, return_sequences=return_sequences, rng=rng)
    _as_float64(layer)
    _bigger_weights(layer, rng)
    layer.set_initial_state(rng.standard_normal(h0_shape))
    x = rng.standard_normal((N, T, F))
    check_layer(layer, x, rng)

    r = rng.standard_normal(layer.forward(x, training=True).shape)
    layer.backward(r)
    analytic = np.array(layer.grad_initial_state, copy=True)
    assert analytic.shape == h0_shape

    def objective() -> float:
        return float(np.sum(layer.forward(x, training=True) * r))

    numeric = numeric_grad(objective, layer.initial_state)  # perturbs the layer's own h0 in place
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7, err_msg="initial state")


def test_grad_initial_state_without_initial_state_is_per_sequence() -> None:
    """With the default zero h0, dL/dh0 is still reported, one row per sequence."""
    rng = np.random.default_rng(13)
    layer = SimpleRNN((T, F), units=H, rng=rng)
    _as_float64(layer)
    x = rng.standard_normal((N, T, F))
    r = rng.standard_normal((N, H))
    layer.forward(x, training=True)
    layer.backward(r)
    analytic = np.array(layer.grad_initial_state, copy=True)
    h0 = np.zeros((N, H))
    layer.set_initial_state(h0)
    layer.forward(x, training=True)
    layer.backward(r)
    np.testing.assert_allclose(analytic, layer.grad_initial_state, rtol=1e-12)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_fused_backward_equals_chain_rule(return_sequences: bool) -> None:
    """backward_from_preactivation(dy * f'(u)) gives what backward(dy) gives (fused sigmoid + BCE)."""
    rng = np.random.default_rng(14)
    layer = SimpleRNN((T, F), units=H, activation="sigmoid", return_sequences=return_sequences, rng=rng)
    _as_float64(layer)
    _bigger_weights(layer, rng)
    x = rng.standard_normal((N, T, F))
    y = layer.forward(x, training=True)
    dy = rng.standard_normal(y.shape)
    dx = layer.backward(dy)
    expected = {k: np.array(v, copy=True) for k, v in layer.grads.items()}
    dx_fused = layer.backward_from_preactivation(dy * y * (1 - y))
    np.testing.assert_allclose(dx_fused, dx, rtol=1e-12, atol=1e-14)
    for k, v in expected.items():
        np.testing.assert_allclose(layer.grads[k], v, rtol=1e-12, atol=1e-14, err_msg=k)


def test_stacked_rnns_gradient_through_sequence_output() -> None:
    """A return_sequences layer feeding another: shapes flow and dL/dx matches finite differences."""
    rng = np.random.default_rng(15)
    first = SimpleRNN((T, F), units=H, return_sequences=True, rng=rng)
    second = SimpleRNN(first.output_shape, units=3, activation="relu", rng=rng)
    assert first.output_shape == (T, H) and second.output_shape == (3,)
    net = Network([first, second], (T, F))
    for layer in net.layers:
        _as_float64(layer)
    x = rng.standard_normal((N, T, F))
    r = rng.standard_normal((N, 3))
    net.forward(x, training=True)
    dx = net.backward(r)
    grads = {key: np.array(g, copy=True) for key, _, g in net.parameters()}
    numeric = numeric_grad(lambda: float(np.sum(net.forward(x, training=True) * r)), x)
    np.testing.assert_allclose(dx, numeric, rtol=1e-5, atol=1e-7)
    for key, p, _ in net.parameters():
        numeric = numeric_grad(lambda: float(np.sum(net.forward(x, training=True) * r)), p)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-7, err_msg=str(key))


# ------------------------------------------------------------------------- PyTorch goldens


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_matches_pytorch(name: str, dtype: type) -> None:
    with np.load(GOLDEN / f"{name}.npz") as f:
        g = {k: f[k] for k in f.files}
    n, t_len, features = g["x"].shape
    hidden = g["W_h"].shape[0]
    layer = SimpleRNN(
        (t_len, features),
        units=hidden,
        activation=str(g["activation"]),
        return_sequences=bool(g["return_sequences"]),
    )
    np.testing.assert_allclose(g["b"], g["b_ih"] + g["b_hh"], rtol=1e-15)
    layer.params["W_x"] = g["W_x"].astype(dtype)
    layer.params["W_h"] = g["W_h"].astype(dtype)
    layer.params["b"] = g["b"].astype(dtype)  # PyTorch's two biases act as their sum
    if bool(g["with_h0"]):
        layer.set_initial_state(g["h0"].astype(dtype))
    else:
        assert not g["h0"].any()
    y = layer.forward(g["x"].astype(dtype), training=True)
    dx = layer.backward(g["dy"].astype(dtype))
    assert y.dtype == dtype and dx.dtype == dtype
    tol = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(y, g["y"], err_msg="output", **tol)
    np.testing.assert_allclose(dx, g["dx"], err_msg="dx", **tol)
    np.testing.assert_allclose(layer.grads["W_x"], g["dW_x"], err_msg="dW_x", **tol)
    np.testing.assert_allclose(layer.grads["W_h"], g["dW_h"], err_msg="dW_h", **tol)
    np.testing.assert_allclose(layer.grads["b"], g["db"], err_msg="db", **tol)
    np.testing.assert_allclose(layer.grad_initial_state, g["dh0"], err_msg="dh0", **tol)
    for k in ("W_x", "W_h", "b"):
        assert layer.grads[k].dtype == dtype and layer.grads[k].shape == layer.params[k].shape


# ------------------------------------------------------------------------- shapes and settings


@pytest.mark.parametrize("shape", [(8,), (1, 8, 8)])
def test_non_sequence_input_is_a_shape_error(shape: tuple) -> None:
    with pytest.raises(ShapeError) as info:
        SimpleRNN(shape, units=4)
    assert f"simple_rnn needs a sequence input (time, features), got {list(shape)}" in str(info.value)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"units": 0}, "units must be a positive integer, got 0"),
        ({"units": -3}, "units must be a positive integer, got -3"),
        ({"units": 2.5}, "units must be a positive integer, got 2.5"),
        ({"units": True}, "units must be a positive integer, got True"),
        ({"units": "8"}, "units must be a positive integer, got '8'"),
        ({"units": 4, "activation": "softmax"}, "one of tanh, relu, sigmoid, got 'softmax'"),
        ({"units": 4, "activation": "linear"}, "one of tanh, relu, sigmoid, got 'linear'"),
        ({"units": 4, "activation": "swish"}, "one of tanh, relu, sigmoid, got 'swish'"),
        ({"units": 4, "return_sequences": "yes"}, "return_sequences must be true or false, got 'yes'"),
        ({"units": 4, "init": "magic"}, "unknown init 'magic'"),
    ],
)
def test_bad_settings_name_the_value(settings: dict, words: str) -> None:
    with pytest.raises(ValueError) as info:
        SimpleRNN((T, F), **settings)
    assert words in str(info.value)


def test_unknown_setting_is_rejected() -> None:
    with pytest.raises(TypeError, match="bogus"):
        SimpleRNN((T, F), units=4, bogus=1)


def test_wrong_runtime_input_and_initial_state_shapes() -> None:
    layer = SimpleRNN((T, F), units=H)
    with pytest.raises(ShapeError, match=r"expects input \(batch, time, 3\), got \[2, 4, 5\]"):
        layer.forward(np.zeros((2, T, 5), np.float32), training=False)
    with pytest.raises(ShapeError, match=r"got \[2, 12\]"):
        layer.forward(np.zeros((2, 12), np.float32), training=False)
    with pytest.raises(ShapeError, match="initial state"):
        layer.set_initial_state(np.zeros((N, H + 1)))
    layer.set_initial_state(np.zeros((N + 1, H)))
    with pytest.raises(ShapeError, match="batch 3, the input has batch 2"):
        layer.forward(np.zeros((N, T, F), np.float32), training=False)
    layer.set_initial_state(None)
    assert layer.initial_state is None
    assert layer.forward(np.zeros((N, T, F), np.float32), training=False).shape == (N, H)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_shapes_dtypes_and_initialisation(return_sequences: bool) -> None:
    layer = SimpleRNN((7, 3), units=6, return_sequences=return_sequences, rng=np.random.default_rng(5))
    assert layer.output_shape == ((7, 6) if return_sequences else (6,))
    assert {k: v.shape for k, v in layer.params.items()} == {"W_x": (3, 6), "W_h": (6, 6), "b": (6,)}
    assert layer.param_count() == 3 * 6 + 6 * 6 + 6
    assert all(p.dtype == np.float32 for p in layer.params.values())
    rng = np.random.default_rng(5)  # the same draws in the documented order: W_x, then W_h
    init = get_initialiser("xavier")
    np.testing.assert_array_equal(layer.params["W_x"], init((3, 6), 3, 6, rng))
    np.testing.assert_array_equal(layer.params["W_h"], init((6, 6), 6, 6, rng))
    assert not layer.params["b"].any()

    x = np.random.default_rng(0).standard_normal((4, 7, 3)).astype(np.float32)
    y = layer.forward(x, training=True)
    assert y.shape == (4, *layer.output_shape) and y.dtype == np.float32
    dx = layer.backward(np.ones_like(y))
    assert dx.shape == x.shape and dx.dtype == np.float32
    assert all(layer.grads[k].dtype == np.float32 for k in layer.params)
    assert layer.backward(np.ones_like(y), need_input_grad=False) is None
    np.testing.assert_array_equal(dx, layer.backward(np.ones_like(y)))


def test_other_initialisers_are_used() -> None:
    layer = SimpleRNN((T, F), units=H, init="zeros")
    assert not layer.params["W_x"].any() and not layer.params["W_h"].any()


@pytest.mark.parametrize(
    "settings",
    [
        {"units": 4},
        {"units": 7, "activation": "relu", "return_sequences": True},
        {"units": 1, "activation": "sigmoid", "return_sequences": False},
    ],
)
def test_config_round_trips(settings: dict) -> None:
    layer = SimpleRNN((T, F), **settings, rng=np.random.default_rng(3))
    config = layer.config()
    assert config == {"type": "simple_rnn", "activation": "tanh", "return_sequences": False, **settings}
    rebuilt = SimpleRNN((T, F), **{k: v for k, v in config.items() if k != "type"}, rng=np.random.default_rng(3))
    assert rebuilt.config() == config
    assert rebuilt.output_shape == layer.output_shape
    for k in layer.params:
        np.testing.assert_array_equal(rebuilt.params[k], layer.params[k])


# ------------------------------------------------------------------------- views


@pytest.mark.parametrize("return_sequences", [False, True])
def test_observe(return_sequences: bool) -> None:
    rng = np.random.default_rng(8)
    layer = SimpleRNN((6, F), units=H, return_sequences=return_sequences, rng=rng)
    assert layer.observe() == {}
    x = rng.standard_normal((N, 6, F)).astype(np.float32)
    y = layer.forward(x, training=True)
    seen = layer.observe()
    assert set(seen) == {"input", "hidden_states", "output"}
    assert seen["input"].shape == (N, 6, F)
    assert seen["hidden_states"].shape == (N, 6, H)
    np.testing.assert_array_equal(seen["output"], y)
    np.testing.assert_array_equal(seen["hidden_states"][:, -1], y[:, -1] if return_sequences else y)
    # Each hidden state follows the recurrence, step by step.
    h = np.zeros((N, H), np.float32)
    for t in range(6):
        h = np.tanh(x[:, t] @ layer.params["W_x"] + h @ layer.params["W_h"] + layer.params["b"])
        np.testing.assert_allclose(seen["hidden_states"][:, t], h, rtol=1e-5, atol=1e-6)

    dy = rng.standard_normal(y.shape).astype(np.float32)
    layer.backward(dy)
    norms = layer.observe()["grad_norms_per_step"]
    assert norms.shape == (6,) and np.all(np.isfinite(norms)) and np.all(norms >= 0)
    last = dy[:, -1] if return_sequences else dy
    np.testing.assert_allclose(norms[-1], np.linalg.norm(last), rtol=1e-5)  # dL/dh_T is the output's own


def test_grad_norms_per_step_are_norms_of_dl_dh() -> None:
    """Each entry is ||dL/dh_t||: checked against finite differences through an injected h_t."""
    rng = np.random.default_rng(9)
    layer = SimpleRNN((T, F), units=H, return_sequences=True, rng=rng)
    _as_float64(layer)
    _bigger_weights(layer, rng)
    x = rng.standard_normal((N, T, F))
    r = rng.standard_normal((N, T, H))
    layer.forward(x, training=True)
    layer.backward(r)
    norms = layer.observe()["grad_norms_per_step"]
    for t in range(T):
        # Run the tail from step t+1 with h_t given as the initial state of a shorter sequence.
        layer.forward(x, training=True)
        h_t = np.array(layer.observe()["hidden_states"][:, t], copy=True)
        tail = SimpleRNN((T - t - 1 or 1, F), units=H, return_sequences=True)
        tail.params = {k: v for k, v in layer.params.items()}

        def objective(h_t: np.ndarray = h_t, t: int = t, tail: SimpleRNN = tail) -> float:
            own = float(np.sum(h_t * r[:, t]))  # h_t's own output term
            if t == T - 1:
                return own
            tail.set_initial_state(h_t)
            return own + float(np.sum(tail.forward(x[:, t + 1 :], training=True) * r[:, t + 1 :]))

        grad = numeric_grad(objective, h_t)
        np.testing.assert_allclose(norms[t], np.linalg.norm(grad), rtol=1e-6, err_msg=f"step {t}")


def test_grad_norms_with_a_fused_loss_count_the_output_term_as_dl_du() -> None:
    """Fused into the loss, the last step's own term is dL/du_T (dL/dh_T is never formed)."""
    rng = np.random.default_rng(17)
    layer = SimpleRNN((T, F), units=H, activation="sigmoid", rng=rng)
    y = layer.forward(rng.standard_normal((N, T, F)).astype(np.float32), training=True)
    du = (y - rng.integers(0, 2, y.shape)).astype(np.float32) / N
    layer.backward_from_preactivation(du)
    norms = layer.observe()["grad_norms_per_step"]
    assert norms.shape == (T,)
    np.testing.assert_allclose(norms[-1], np.linalg.norm(du), rtol=1e-6)
    # What reaches h_{T-1} is du_T W_h^T.
    np.testing.assert_allclose(norms[-2], np.linalg.norm(du @ layer.params["W_h"].T), rtol=1e-5)


def test_each_forward_starts_from_its_own_initial_state() -> None:
    """No state leaks between batches, and the batch size may change from call to call."""
    rng = np.random.default_rng(18)
    layer = SimpleRNN((T, F), units=H, rng=rng)
    x = rng.standard_normal((N, T, F)).astype(np.float32)
    first = np.array(layer.forward(x, training=True), copy=True)
    layer.forward(rng.standard_normal((7, T, F)).astype(np.float32), training=True)
    np.testing.assert_array_equal(layer.forward(x, training=False), first)
    np.testing.assert_allclose(layer.forward(x[:1], training=False), first[:1], rtol=1e-6, atol=1e-7)


def test_vanishing_gradient_shows_over_a_long_sequence() -> None:
    """tanh with small weights over 50 steps: the gradient reaching h_1 is tiny next to the last one."""
    rng = np.random.default_rng(10)
    layer = SimpleRNN((50, 2), units=16, activation="tanh", init="normal", rng=rng)  # N(0, 0.1²)
    x = rng.standard_normal((8, 50, 2)).astype(np.float32)
    layer.forward(x, training=True)
    layer.backward(rng.standard_normal((8, 16)).astype(np.float32))
    norms = layer.observe()["grad_norms_per_step"]
    assert norms.shape == (50,)
    assert norms[0] < 1e-6 * norms[-1]
    assert norms[0] < norms[25] < norms[-1]


def test_exploding_gradient_shows_with_large_recurrent_weights() -> None:
    """The opposite lesson: relu with a recurrent matrix of spectral radius > 1 grows backwards."""
    rng = np.random.default_rng(16)
    layer = SimpleRNN((30, 2), units=8, activation="relu", rng=rng)
    layer.params["W_h"] = (1.5 * np.eye(8)).astype(np.float32)
    layer.params["b"] = np.ones(8, np.float32)  # keeps every unit active
    x = np.abs(rng.standard_normal((4, 30, 2))).astype(np.float32)
    layer.params["W_x"] = np.abs(layer.params["W_x"])
    layer.forward(x, training=True)
    layer.backward(np.ones((4, 8), np.float32))
    norms = layer.observe()["grad_norms_per_step"]
    assert norms[0] > 1e4 * norms[-1]


# ------------------------------------------------------------------------- training


def _sequence_task(n: int = 256, t_len: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Is the sum of a noisy sequence positive? Needs the recurrence to carry information."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, t_len, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)[:, None]
    return x, y


def _train(net: Network, x: np.ndarray, y: np.ndarray, steps: int, lr: float) -> tuple[float, float]:
    """Full-batch SGD with the loss fused into the last layer (as the Trainer does); first, last loss."""
    loss = get_loss("binary_cross_entropy")
    losses = []
    for _ in range(steps):
        p = net.forward(x, training=True)
        losses.append(loss.value(p, y))
        net.backward_from(len(net.layers) - 1, loss.grad_wrt_logits(p, y), False, True)
        for _, param, grad in net.parameters():
            param -= np.float32(lr) * grad
    return losses[0], losses[-1]


def test_trains_with_a_dense_head() -> None:
    x, y = _sequence_task()
    rng = np.random.default_rng(1)
    rnn = SimpleRNN((8, 1), units=8, rng=rng)
    net = Network([rnn, Dense(rnn.output_shape, units=1, activation="sigmoid", rng=rng)], (8, 1))
    first, last = _train(net, x, y, steps=300, lr=0.5)
    assert last < 0.5 * first
    assert all(p.dtype == np.float32 for _, p, _ in net.parameters())


def test_trains_as_the_last_layer_with_a_fused_loss() -> None:
    x, y = _sequence_task()
    net = Network([SimpleRNN((8, 1), units=1, activation="sigmoid", rng=np.random.default_rng(2))], (8, 1))
    first, last = _train(net, x, y, steps=300, lr=1.0)
    assert last < 0.7 * first
