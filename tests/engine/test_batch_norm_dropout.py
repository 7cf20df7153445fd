"""batch_norm and dropout: gradient checks (float64), PyTorch golden values, statistics and contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuroplay.engine.layers.base import ShapeError
from neuroplay.engine.layers.batch_norm import BatchNorm
from neuroplay.engine.layers.dropout import Dropout

from .gradcheck import check_layer

GOLDEN = Path(__file__).resolve().parent / "golden"


class InferenceMode:
    """check_layer always runs training=True; this view of a layer runs it in inference mode instead."""

    def __init__(self, layer) -> None:
        self.layer = layer
        self.params = layer.params  # the same dict: check_layer's float64 casts reach the layer
        self.grads = layer.grads

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        return self.layer.forward(x, training=False)

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        dx = self.layer.backward(dy, need_input_grad)
        self.grads = self.layer.grads
        return dx


def _bn_with_random_affine(shape: tuple[int, ...], rng: np.random.Generator, **settings) -> BatchNorm:
    bn = BatchNorm(shape, **settings)
    c = shape[0]
    bn.params["gamma"][...] = rng.uniform(0.5, 2.0, c)
    bn.params["beta"][...] = rng.standard_normal(c)
    bn.buffers["running_mean"][...] = rng.standard_normal(c)
    bn.buffers["running_var"][...] = rng.uniform(0.5, 2.0, c)
    return bn


def _rebuild(layer):
    settings = {k: v for k, v in layer.config().items() if k != "type"}
    return type(layer)(layer.input_shape, **settings)


# ----------------------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("shape, batch", [((4,), 6), ((3, 3, 2), 2), ((2, 1, 1), 3)], ids=["dense", "conv", "conv1x1"])
@pytest.mark.parametrize("mode", ["training", "inference"])
def test_batch_norm_gradients(shape: tuple[int, ...], batch: int, mode: str) -> None:
    rng = np.random.default_rng(21)
    bn = _bn_with_random_affine(shape, rng)
    x = 1.5 + 2.0 * rng.standard_normal((batch,) + shape)
    check_layer(bn if mode == "training" else InferenceMode(bn), x, rng)


def test_batch_norm_gradient_with_one_sample_is_zero() -> None:
    """A batch of one on dense features: x_hat = 0, y = beta, so dL/dx = 0; no crash, no NaN."""
    rng = np.random.default_rng(22)
    bn = _bn_with_random_affine((3,), rng)
    check_layer(bn, rng.standard_normal((1, 3)), rng)
    dx = bn.backward(np.ones((1, 3)))
    np.testing.assert_array_equal(dx, np.zeros((1, 3)))


@pytest.mark.parametrize("per_sample", [False, True])
def test_dropout_gradients_with_fixed_mask(per_sample: bool) -> None:
    rng = np.random.default_rng(23)
    layer = Dropout((3, 4), rate=0.4)
    mask_shape = (3, 4) if per_sample else (5, 3, 4)
    layer.set_fixed_mask(rng.random(mask_shape) >= 0.4)
    check_layer(layer, rng.standard_normal((5, 3, 4)), rng)


# --------------------------------------------------------------------------------- PyTorch goldens


@pytest.mark.parametrize("name, shape", [("bn1d", (4,)), ("bn2d", (3, 4, 5))])
def test_batch_norm_matches_pytorch(name: str, shape: tuple[int, ...]) -> None:
    """Three training steps, then an inference pass; float32 engine vs PyTorch float64."""
    g = np.load(GOLDEN / f"{name}_golden.npz")
    bn = BatchNorm(shape, momentum=float(g["momentum"]), eps=float(g["eps"]))
    bn.params["gamma"][...] = g["gamma"]
    bn.params["beta"][...] = g["beta"]
    tol = {"rtol": 1e-5, "atol": 1e-6}
    for tag in ["0", "1", "2", "_eval"]:
        if tag == "_eval":
            np.testing.assert_allclose(bn.buffers["running_mean"], g["running_mean"], **tol)
            np.testing.assert_allclose(bn.buffers["running_var"], g["running_var"], **tol)
        y = bn.forward(g[f"x{tag}"], training=tag != "_eval")
        dx = bn.backward(g[f"dy{tag}"])
        assert y.dtype == dx.dtype == np.float32
        np.testing.assert_allclose(y, g[f"y{tag}"], err_msg=f"y{tag}", **tol)
        np.testing.assert_allclose(dx, g[f"dx{tag}"], err_msg=f"dx{tag}", **tol)
        np.testing.assert_allclose(bn.grads["gamma"], g[f"dgamma{tag}"], err_msg=f"dgamma{tag}", **tol)
        np.testing.assert_allclose(bn.grads["beta"], g[f"dbeta{tag}"], err_msg=f"dbeta{tag}", **tol)
    # Inference does not touch the running statistics.
    np.testing.assert_allclose(bn.buffers["running_mean"], g["running_mean"], **tol)
    np.testing.assert_allclose(bn.buffers["running_var"], g["running_var"], **tol)


# ---------------------------------------------------------------------------------- batch_norm


def test_batch_norm_training_normalises_per_channel() -> None:
    rng = np.random.default_rng(24)
    x = (
        np.array([3.0, -2.0]).reshape(1, 2, 1, 1)
        + np.array([0.5, 4.0]).reshape(1, 2, 1, 1) * rng.standard_normal((8, 2, 5, 5))
    ).astype(np.float32)
    bn = BatchNorm((2, 5, 5))
    y = bn.forward(x, training=True)
    assert y.dtype == np.float32 and y.shape == x.shape
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1.0, rtol=1e-3)
    seen = bn.observe()
    np.testing.assert_allclose(seen["batch_mean"], x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(seen["batch_var"], x.var(axis=(0, 2, 3)), rtol=1e-5)
    # running = 0.9 * initial + 0.1 * batch statistics, with the unbiased variance
    m = 8 * 5 * 5
    np.testing.assert_allclose(seen["running_mean"], 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(seen["running_var"], 0.9 + 0.1 * x.var(axis=(0, 2, 3)) * m / (m - 1), rtol=1e-5)


def test_batch_norm_inference_uses_running_statistics() -> None:
    rng = np.random.default_rng(25)
    bn = _bn_with_random_affine((3,), rng)
    rm, rv = bn.buffers["running_mean"].copy(), bn.buffers["running_var"].copy()
    g, b = bn.params["gamma"], bn.params["beta"]
    x = rng.standard_normal((5, 3)).astype(np.float32)
    y = bn.forward(x, training=False)
    np.testing.assert_allclose(y, (x - rm) / np.sqrt(rv + 1e-5) * g + b, rtol=1e-5, atol=1e-6)
    # Each sample on its own gives the same answer (no batch statistics), even a batch of one.
    np.testing.assert_allclose(bn.forward(x[2:3], training=False), y[2:3], rtol=1e-6)
    np.testing.assert_array_equal(bn.buffers["running_mean"], rm)
    np.testing.assert_array_equal(bn.buffers["running_var"], rv)
    assert "batch_mean" not in bn.observe()  # no training step yet


def test_batch_norm_running_statistics_converge_to_data_statistics() -> None:
    rng = np.random.default_rng(26)
    bn = BatchNorm((2,), momentum=0.1)
    for _ in range(300):
        bn.forward(
            (np.array([5.0, -1.0]) + np.array([2.0, 0.5]) * rng.standard_normal((32, 2))).astype(np.float32), True
        )
    np.testing.assert_allclose(bn.buffers["running_mean"], [5.0, -1.0], atol=0.15)
    np.testing.assert_allclose(bn.buffers["running_var"], [4.0, 0.25], rtol=0.15)


def test_batch_norm_batch_of_one_does_not_crash() -> None:
    """PyTorch raises here; we normalise with eps, keep running_var and update running_mean."""
    bn = BatchNorm((3,))
    bn.params["beta"][...] = [1.0, 2.0, 3.0]
    x = np.array([[4.0, 5.0, 6.0]], dtype=np.float32)
    with np.errstate(all="raise"):
        y = bn.forward(x, training=True)
        dx = bn.backward(np.ones_like(y))
    np.testing.assert_array_equal(y, [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(dx, np.zeros_like(x))
    np.testing.assert_array_equal(bn.buffers["running_var"], np.ones(3))
    np.testing.assert_allclose(bn.buffers["running_mean"], 0.1 * x[0], rtol=1e-6)
    np.testing.assert_array_equal(bn.observe()["batch_var"], np.zeros(3))


def test_batch_norm_observe_and_dtypes() -> None:
    rng = np.random.default_rng(27)
    bn = BatchNorm((2, 3, 3))
    x = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    y = bn.forward(x, training=True)
    seen = bn.observe()
    assert set(seen) == {"input", "normalized", "output", "batch_mean", "batch_var", "running_mean", "running_var"}
    assert seen["input"] is x and seen["output"] is y
    assert seen["normalized"].shape == x.shape
    for k in ("batch_mean", "batch_var", "running_mean", "running_var"):
        assert seen[k].shape == (2,) and seen[k].dtype == np.float32, k
    np.testing.assert_allclose(seen["output"], seen["normalized"])  # gamma = 1, beta = 0
    seen["running_mean"][...] = 99.0  # a copy: views cannot change the layer
    assert not np.any(bn.buffers["running_mean"] == 99.0)
    assert bn.backward(np.ones_like(y), need_input_grad=False) is None
    for k, grad in bn.grads.items():
        assert grad.shape == bn.params[k].shape == (2,) and grad.dtype == np.float32
    np.testing.assert_allclose(bn.grads["beta"], [36.0, 36.0])
    assert bn.param_count() == 4 and bn.output_shape == (2, 3, 3)


def test_batch_norm_config_round_trip() -> None:
    for bn in (BatchNorm((5,)), BatchNorm((3, 8, 8), momentum=0.3, eps=1e-3)):
        cfg = bn.config()
        assert cfg["type"] == "batch_norm"
        assert _rebuild(bn).config() == cfg
    assert BatchNorm((5,)).config() == {"type": "batch_norm", "momentum": 0.1, "eps": 1e-5}


@pytest.mark.parametrize(
    "settings, word",
    [
        ({"momentum": -0.1}, "-0.1"),
        ({"momentum": 1.5}, "1.5"),
        ({"momentum": "fast"}, "'fast'"),
        ({"momentum": True}, "True"),
        ({"eps": 0.0}, "0.0"),
        ({"eps": -1e-5}, "-1e-05"),
        ({"eps": float("nan")}, "nan"),
    ],
)
def test_batch_norm_bad_settings(settings: dict, word: str) -> None:
    name = next(iter(settings))
    with pytest.raises(ValueError, match=name) as info:
        BatchNorm((4,), **settings)
    assert word in str(info.value)


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4, 5), (), (0,)])
def test_batch_norm_bad_shape(shape: tuple[int, ...]) -> None:
    with pytest.raises(ShapeError, match="batch_norm") as info:
        BatchNorm(shape)
    assert str(list(shape)) in str(info.value)


def test_batch_norm_wrong_input_shape() -> None:
    bn = BatchNorm((3,))
    with pytest.raises(ShapeError, match=r"\[3\].*\[2, 4\]"):
        bn.forward(np.zeros((2, 4), np.float32), training=True)
    with pytest.raises(ShapeError, match="empty batch"):
        bn.forward(np.zeros((0, 3), np.float32), training=True)


# ------------------------------------------------------------------------------------------- dropout


def test_dropout_statistics() -> None:
    rate = 0.3
    layer = Dropout((1000,), rate=rate, rng=np.random.default_rng(28))
    x = np.ones((1000, 1000), dtype=np.float32)
    y = layer.forward(x, training=True)
    mask = layer.observe()["mask"]
    assert y.dtype == np.float32
    # Fraction kept is 1 - rate within about 5 standard deviations (sd = sqrt(p(1-p)/n) ~ 4.6e-4).
    assert abs(mask.mean() - (1 - rate)) < 2.5e-3
    # The expectation is preserved: kept values are scaled by 1 / (1 - rate).
    assert abs(float(y.mean()) - 1.0) < 3.5e-3
    assert set(np.unique(y)) == {np.float32(0.0), np.float32(1 / (1 - rate))}


def test_dropout_mask_is_observable_and_used_in_backward() -> None:
    rng = np.random.default_rng(29)
    layer = Dropout((2, 3, 3), rate=0.5, rng=rng)
    x = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    y = layer.forward(x, training=True)
    seen = layer.observe()
    assert set(seen) == {"mask", "output"}
    mask = seen["mask"]
    assert mask.dtype == np.bool_ and mask.shape == x.shape
    assert seen["output"] is y
    np.testing.assert_allclose(y, x * mask * 2.0)
    dy = rng.standard_normal(x.shape).astype(np.float32)
    dx = layer.backward(dy)
    assert dx.dtype == np.float32
    np.testing.assert_allclose(dx, dy * mask * 2.0)
    assert layer.backward(dy, need_input_grad=False) is None
    assert layer.params == {} and layer.grads == {} and layer.param_count() == 0


def test_dropout_is_identity_at_inference() -> None:
    layer = Dropout((5,), rate=0.9)
    x = np.arange(15, dtype=np.float32).reshape(3, 5)
    layer.forward(x, training=True)
    train_mask = layer.observe()["mask"].copy()
    y = layer.forward(x, training=False)
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))
    # observe keeps the last training mask and shows the inference output
    np.testing.assert_array_equal(layer.observe()["mask"], train_mask)
    np.testing.assert_array_equal(layer.observe()["output"], x)


def test_dropout_rate_zero_keeps_everything() -> None:
    layer = Dropout((4,), rate=0.0)
    x = np.ones((3, 4), dtype=np.float32)
    np.testing.assert_array_equal(layer.forward(x, training=True), x)
    assert layer.observe()["mask"].all() and layer.observe()["mask"].shape == (3, 4)
    np.testing.assert_array_equal(layer.backward(x), x)


def test_dropout_is_reproducible_with_the_same_seed() -> None:
    def masks(seed: int) -> list[np.ndarray]:
        layer = Dropout((6,), rate=0.5, rng=np.random.default_rng(seed))
        out = []
        for _ in range(5):
            layer.forward(np.ones((4, 6), np.float32), training=True)
            out.append(layer.observe()["mask"].copy())
        return out

    a, b, c = masks(7), masks(7), masks(8)
    for m1, m2 in zip(a, b):
        np.testing.assert_array_equal(m1, m2)
    assert any(not np.array_equal(m1, m3) for m1, m3 in zip(a, c))
    assert any(not np.array_equal(a[0], m) for m in a[1:])  # a new mask every step
    # The documented formula: mask = rng.random(shape) >= rate.
    np.testing.assert_array_equal(a[0], np.random.default_rng(7).random((4, 6)) >= 0.5)


def test_dropout_fixed_mask() -> None:
    layer = Dropout((3,), rate=0.5, rng=np.random.default_rng(30))
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    layer.set_fixed_mask(np.array([1, 0, 1]))  # 0/1 accepted, the same for every sample
    for _ in range(3):
        np.testing.assert_array_equal(layer.forward(x, training=True), [[2.0, 0.0, 6.0], [8.0, 0.0, 12.0]])
    np.testing.assert_array_equal(layer.observe()["mask"], [[True, False, True]] * 2)
    layer.set_fixed_mask(np.array([[True, True, False], [False, False, True]]))
    np.testing.assert_array_equal(layer.forward(x, training=True), [[2.0, 4.0, 0.0], [0.0, 0.0, 12.0]])
    np.testing.assert_array_equal(layer.forward(x, training=False), x)  # inference ignores it
    with pytest.raises(ShapeError, match=r"\[2, 3\].*\[1, 3\]"):
        layer.forward(x[:1], training=True)  # a per-batch mask must match the batch
    layer.set_fixed_mask(None)
    drawn = [layer.forward(np.ones((50, 3), np.float32), training=True) for _ in range(2)]
    assert not np.array_equal(drawn[0], drawn[1])


def test_dropout_bad_fixed_mask() -> None:
    layer = Dropout((3,), rate=0.5)
    with pytest.raises(ShapeError, match=r"\[4\]"):
        layer.set_fixed_mask(np.ones(4, dtype=bool))
    with pytest.raises(ShapeError, match=r"\[2, 2, 3\]"):
        layer.set_fixed_mask(np.ones((2, 2, 3), dtype=bool))
    with pytest.raises(ValueError, match="0/1"):
        layer.set_fixed_mask(np.array([0.5, 1.0, 0.0]))
    assert layer.fixed_mask is None


def test_dropout_config_round_trip() -> None:
    for layer in (Dropout((4,)), Dropout((2, 5, 5), rate=0.25)):
        cfg = layer.config()
        assert cfg["type"] == "dropout"
        assert _rebuild(layer).config() == cfg
    assert Dropout((4,)).config() == {"type": "dropout", "rate": 0.5}
    assert Dropout((2, 5, 5)).output_shape == (2, 5, 5)


@pytest.mark.parametrize(
    "rate, word",
    [
        (-0.1, "-0.1"),
        (1.0, "1.0"),
        (1.5, "1.5"),
        ("half", "'half'"),
        (True, "True"),
        (float("nan"), "nan"),
        (None, "None"),
    ],
)
def test_dropout_bad_rate(rate, word: str) -> None:
    with pytest.raises(ValueError, match="rate") as info:
        Dropout((4,), rate=rate)
    assert word in str(info.value)


def test_dropout_wrong_input_shape() -> None:
    with pytest.raises(ShapeError, match=r"\[4\].*\[2, 5\]"):
        Dropout((4,)).forward(np.zeros((2, 5), np.float32), training=True)
    with pytest.raises(ShapeError, match=r"\[\]"):
        Dropout(())
