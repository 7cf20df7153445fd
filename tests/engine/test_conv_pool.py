"""conv2d, max_pool2d, avg_pool2d and flatten: gradients (float64 central differences), PyTorch golden
values (float32, from tests/engine/golden/make_conv_pool_golden.py), shapes, errors, config, views."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from neuroplay.engine.activations import ACTIVATIONS
from neuroplay.engine.layers import im2col
from neuroplay.engine.layers.base import ShapeError
from neuroplay.engine.layers.conv import Conv2D
from neuroplay.engine.layers.flatten import Flatten
from neuroplay.engine.layers.im2col import same_padding
from neuroplay.engine.layers.pooling import AvgPool2D, MaxPool2D

from .gradcheck import check_layer

CLASSES = {cls.type_tag: cls for cls in (Conv2D, MaxPool2D, AvgPool2D, Flatten)}
GOLDEN = np.load(Path(__file__).parent / "golden" / "conv_pool_golden.npz")
GOLDEN_CASES = sorted({key.split(".")[0] for key in GOLDEN.files})


# --------------------------------------------------------------------------------------------
# Gradient checks (float64 central differences; check_layer casts params and x to float64)


def _conv(filters: int, k: int, stride: int, padding: str, bias: bool, activation: str) -> dict:
    return dict(filters=filters, kernel_size=k, stride=stride, padding=padding, use_bias=bias, activation=activation)


CONV_GRAD_CASES = [
    # (input_shape, settings)
    ((2, 7, 7), _conv(3, 3, 1, "valid", True, "tanh")),
    ((2, 7, 7), _conv(3, 3, 1, "same", False, "linear")),
    ((2, 7, 7), _conv(2, 3, 2, "valid", True, "linear")),
    ((2, 7, 7), _conv(4, 3, 2, "same", True, "tanh")),
    ((3, 5, 6), _conv(2, 2, 1, "same", True, "tanh")),  # even kernel: extra padding bottom and right
    ((3, 5, 6), _conv(2, 2, 2, "same", False, "tanh")),
    ((3, 5, 6), _conv(2, 2, 1, "valid", True, "linear")),
    ((3, 5, 6), _conv(3, 1, 1, "valid", True, "tanh")),
    ((3, 5, 6), _conv(2, 1, 2, "same", False, "linear")),
    ((1, 6, 5), _conv(2, 3, 3, "same", True, "sigmoid")),
    # wide images, a single input channel, more rows (C*k*k) than positions
    ((1, 4, 18), _conv(2, 3, 1, "valid", True, "tanh")),
    ((2, 4, 15), _conv(2, 3, 1, "same", True, "tanh")),
    ((4, 5, 6), _conv(3, 3, 1, "same", True, "tanh")),
]


def _case_id(case: tuple) -> str:
    shape, s = case
    bias = "bias" if s["use_bias"] else "nobias"
    size = "x".join(map(str, shape))
    return f"{size}-f{s['filters']}k{s['kernel_size']}s{s['stride']}-{s['padding']}-{bias}-{s['activation']}"


@pytest.fixture(params=["auto", "narrow"])
def row_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with im2col's default choice of rows (wide for stride 1) and forced to narrow rows,
    so both layouts are checked on every case whatever the tuning constant."""
    if request.param == "narrow":
        monkeypatch.setattr(im2col, "WIDE_MAX_OUT_WIDTH", 0)
    return request.param


@pytest.mark.parametrize("case", CONV_GRAD_CASES, ids=[_case_id(c) for c in CONV_GRAD_CASES])
def test_conv_gradients(case: tuple, row_mode: str) -> None:
    shape, settings = case
    rng = np.random.default_rng(10)
    layer = Conv2D(shape, **settings, rng=rng)
    g = layer.geometry
    if row_mode == "narrow":
        assert not g.wide
    else:
        assert g.wide == (settings["stride"] == 1)
    if layer.use_bias:  # a non-zero bias, so its effect on the output (and the activation's slope) counts
        layer.params["b"] = rng.normal(0, 0.5, layer.params["b"].shape).astype(np.float32)
    check_layer(layer, rng.standard_normal((2,) + shape), rng)


POOL_GRAD_CASES = [
    # (input_shape, pool_size, stride)
    ((2, 7, 7), 2, None),  # odd size: last row and column dropped
    ((2, 6, 8), 2, 2),
    ((2, 7, 6), 3, 2),  # overlapping windows
    ((2, 7, 7), 3, 1),
    ((2, 8, 7), 2, 3),  # gaps between windows
    ((1, 5, 6), 3, None),
    ((2, 3, 4), 1, None),
]


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D], ids=["max", "avg"])
@pytest.mark.parametrize(
    "case", POOL_GRAD_CASES, ids=[f"{'x'.join(map(str, s))}-p{p}s{st}" for s, p, st in POOL_GRAD_CASES]
)
def test_pool_gradients(cls: type, case: tuple) -> None:
    shape, pool, stride = case
    rng = np.random.default_rng(11)
    check_layer(cls(shape, pool_size=pool, stride=stride), rng.standard_normal((3,) + shape), rng)


@pytest.mark.parametrize("shape", [(3, 4, 5), (6,), (2, 3)])
def test_flatten_gradients(shape: tuple) -> None:
    rng = np.random.default_rng(12)
    check_layer(Flatten(shape), rng.standard_normal((2,) + shape), rng)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_conv_backward_from_preactivation_is_the_chain_rule(activation: str) -> None:
    rng = np.random.default_rng(13)
    layer = Conv2D((2, 6, 6), filters=3, kernel_size=3, padding="same", activation=activation, rng=rng)
    x = rng.standard_normal((2, 2, 6, 6)).astype(np.float32)
    y = layer.forward(x, training=True)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    dx = layer.backward(dy)
    grads = {k: v.copy() for k, v in layer.grads.items()}
    du = ACTIVATIONS[activation].backward(y, dy)
    np.testing.assert_allclose(layer.backward_from_preactivation(du), dx, rtol=1e-6, atol=1e-7)
    for k, v in grads.items():
        np.testing.assert_allclose(layer.grads[k], v, rtol=1e-6, atol=1e-7)
    assert layer.backward_from_preactivation(du, need_input_grad=False) is None
    np.testing.assert_allclose(layer.grads["W"], grads["W"], rtol=1e-6, atol=1e-7)


def test_need_input_grad_false_still_fills_grads() -> None:
    rng = np.random.default_rng(14)
    shape = (1, 5, 5)
    for layer in (Conv2D(shape, filters=2, rng=rng), MaxPool2D(shape), AvgPool2D(shape), Flatten(shape)):
        y = layer.forward(rng.standard_normal((2, 1, 5, 5)).astype(np.float32), training=True)
        assert layer.backward(np.ones_like(y), need_input_grad=False) is None
    conv = Conv2D((1, 5, 5), filters=2, activation="linear", rng=rng)
    conv.forward(np.ones((2, 1, 5, 5), np.float32), training=True)
    assert conv.backward(np.ones((2, 2, 3, 3), np.float32), need_input_grad=False) is None
    np.testing.assert_allclose(conv.grads["W"], np.full((2, 1, 3, 3), 18.0))  # 2 images x 9 positions x 1
    np.testing.assert_allclose(conv.grads["b"], [18.0, 18.0])


# --------------------------------------------------------------------------------------------
# PyTorch golden values


def _golden(case: str) -> tuple[dict, dict[str, np.ndarray]]:
    config = json.loads(str(GOLDEN[f"{case}.config"]))
    arrays = {key.split(".", 1)[1]: GOLDEN[key] for key in GOLDEN.files if key.startswith(case + ".")}
    del arrays["config"]
    return config, arrays


def test_golden_file_covers_every_layer_and_path() -> None:
    types = {_golden(case)[0]["type"] for case in GOLDEN_CASES}
    assert types == set(CLASSES)
    assert len(GOLDEN_CASES) >= 19


def test_default_row_modes_cover_both_layouts() -> None:
    modes = {Conv2D(shape, **s).geometry.wide for shape, s in CONV_GRAD_CASES}
    assert modes == {True, False}  # stride 1 wide, larger strides narrow
    assert Conv2D((8, 4, 4), filters=16).geometry.wide  # the digits CNN's second conv
    assert Conv2D((1, 28, 28), filters=16, padding="same").geometry.wide


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_matches_pytorch(case: str, row_mode: str) -> None:
    config, a = _golden(case)
    tag = config.pop("type")
    shape = tuple(config.pop("input_shape"))
    layer = CLASSES[tag](shape, **config)
    for name in layer.params:
        assert a[name].dtype == np.float32 and a[name].shape == layer.params[name].shape
        layer.params[name] = a[name].copy()
    y = layer.forward(a["x"], training=True)
    assert y.dtype == np.float32 and y.shape[1:] == layer.output_shape
    np.testing.assert_allclose(y, a["y"], rtol=1e-5, atol=1e-6, err_msg="y")
    dx = layer.backward(a["dy"])
    assert dx.dtype == np.float32
    np.testing.assert_allclose(dx, a["dx"], rtol=1e-5, atol=1e-6, err_msg="dx")
    for name in layer.params:
        assert layer.grads[name].dtype == np.float32
        np.testing.assert_allclose(layer.grads[name], a["d" + name], rtol=1e-5, atol=1e-6, err_msg="d" + name)


# --------------------------------------------------------------------------------------------
# Shapes


@pytest.mark.parametrize(
    ("shape", "settings", "expected"),
    [
        ((1, 8, 8), dict(filters=8, kernel_size=3, padding="same"), (8, 8, 8)),
        ((8, 4, 4), dict(filters=16, kernel_size=3), (16, 2, 2)),
        ((1, 28, 28), dict(filters=16, kernel_size=3, padding="same"), (16, 28, 28)),
        ((3, 7, 7), dict(filters=2, kernel_size=3, stride=2), (2, 3, 3)),
        ((3, 7, 7), dict(filters=2, kernel_size=3, stride=2, padding="same"), (2, 4, 4)),
        ((3, 5, 6), dict(filters=2, kernel_size=2, padding="same"), (2, 5, 6)),
        ((3, 5, 6), dict(filters=2, kernel_size=5, stride=3, padding="same"), (2, 2, 2)),
        ((3, 5, 6), dict(filters=4, kernel_size=5), (4, 1, 2)),
        ((3, 5, 6), dict(filters=4, kernel_size=1, stride=4), (4, 2, 2)),
    ],
)
def test_conv_output_shape(shape: tuple, settings: dict, expected: tuple) -> None:
    layer = Conv2D(shape, **settings)
    assert layer.output_shape == expected
    y = layer.forward(np.zeros((2,) + shape, np.float32), training=False)
    assert y.shape == (2,) + expected and y.dtype == np.float32
    k = settings["kernel_size"]
    assert layer.params["W"].shape == (settings["filters"], shape[0], k, k)
    assert layer.param_count() == layer.params["W"].size + settings["filters"]


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "pads"),
    [
        (7, 3, 1, (1, 1)),
        (6, 2, 1, (0, 1)),
        (6, 4, 1, (1, 2)),
        (7, 3, 2, (1, 1)),
        (6, 3, 2, (0, 1)),
        (5, 1, 3, (0, 0)),
        (8, 5, 1, (2, 2)),
    ],
)
def test_same_padding_splits_like_tensorflow_and_pytorch(size: int, kernel: int, stride: int, pads: tuple) -> None:
    assert same_padding(size, kernel, stride) == pads


@pytest.mark.parametrize(
    ("shape", "pool", "stride", "expected"),
    [
        ((8, 8, 8), 2, None, (8, 4, 4)),
        ((3, 7, 7), 2, None, (3, 3, 3)),
        ((3, 7, 6), 3, 2, (3, 3, 2)),
        ((2, 8, 7), 2, 3, (2, 3, 2)),
        ((2, 5, 5), 5, None, (2, 1, 1)),
        ((2, 3, 4), 1, None, (2, 3, 4)),
    ],
)
def test_pool_output_shape(shape: tuple, pool: int, stride: int | None, expected: tuple) -> None:
    for cls in (MaxPool2D, AvgPool2D):
        layer = cls(shape, pool_size=pool, stride=stride)
        assert layer.output_shape == expected and layer.param_count() == 0
        assert layer.forward(np.zeros((2,) + shape, np.float32), training=False).shape == (2,) + expected


def test_flatten_shape_and_order_match_pytorch() -> None:
    layer = Flatten((2, 3, 4))
    assert layer.output_shape == (24,)
    x = np.arange(48, dtype=np.float32).reshape(2, 2, 3, 4)
    np.testing.assert_array_equal(layer.forward(x, training=True), x.reshape(2, 24))  # C order: c, then h, then w
    assert layer.backward(np.ones((2, 24), np.float32)).shape == (2, 2, 3, 4)


# --------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (dict(filters=0), "filters must be a positive integer, got 0"),
        (dict(filters=2.5), "filters must be a positive integer, got 2.5"),
        (dict(filters=True), "filters must be a positive integer, got True"),
        (dict(filters=4, kernel_size=0), "kernel_size must be a positive integer, got 0"),
        (dict(filters=4, kernel_size="3"), "kernel_size must be a positive integer, got '3'"),
        (dict(filters=4, stride=-1), "stride must be a positive integer, got -1"),
        (dict(filters=4, padding="full"), "padding must be 'same' or 'valid', got 'full'"),
        (dict(filters=4, use_bias="yes"), "use_bias must be true or false, got 'yes'"),
        (dict(filters=4, activation="swish"), "unknown activation 'swish'"),
        (dict(filters=4, activation="softmax"), "activation 'softmax' is not supported by conv2d"),
    ],
)
def test_conv_rejects_bad_settings(settings: dict, words: str) -> None:
    with pytest.raises(ValueError) as info:
        Conv2D((1, 8, 8), **settings)
    assert words in str(info.value)
    assert not isinstance(info.value, ShapeError)


@pytest.mark.parametrize(
    ("cls", "settings", "words"),
    [
        (MaxPool2D, dict(pool_size=0), "pool_size must be a positive integer, got 0"),
        (AvgPool2D, dict(pool_size=1.5), "pool_size must be a positive integer, got 1.5"),
        (MaxPool2D, dict(stride=0), "stride must be a positive integer, got 0"),
        (AvgPool2D, dict(stride="2"), "stride must be a positive integer, got '2'"),
        (MaxPool2D, dict(padding="same"), "padding must be 'valid' for max_pool2d"),
    ],
)
def test_pool_rejects_bad_settings(cls: type, settings: dict, words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        cls((1, 8, 8), **settings)


@pytest.mark.parametrize("cls", [Conv2D, MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("shape", [(64,), (8, 8), (1, 1, 8, 8)])
def test_image_layers_need_image_inputs(cls: type, shape: tuple) -> None:
    with pytest.raises(ShapeError) as info:
        cls(shape)
    message = str(info.value)
    expected = f"{cls.type_tag} needs an image input (channels, height, width), got {list(shape)}; "
    assert message.startswith(expected)


def test_conv_on_flat_input_message() -> None:
    with pytest.raises(ShapeError, match=r"conv2d needs an image input \(channels, height, width\), got \[64\]; "):
        Conv2D((64,), filters=4)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_kernel_larger_than_input_names_both_sizes(padding: str) -> None:
    with pytest.raises(ShapeError) as info:
        Conv2D((3, 4, 6), filters=2, kernel_size=5, padding=padding)
    assert str(info.value).startswith("conv2d kernel_size 5 is larger than its input 4x6 (input shape [3, 4, 6])")
    assert "at most 4" in str(info.value)


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
def test_pool_larger_than_input_names_both_sizes(cls: type) -> None:
    with pytest.raises(ShapeError) as info:
        cls((8, 2, 2), pool_size=3)
    expected = f"{cls.type_tag} pool_size 3 is larger than its input 2x2 (input shape [8, 2, 2])"
    assert str(info.value).startswith(expected)


def test_flatten_needs_a_shape() -> None:
    with pytest.raises(ShapeError, match="flatten needs an input"):
        Flatten(())


# --------------------------------------------------------------------------------------------
# Config round trip


@pytest.mark.parametrize(
    ("cls", "shape", "settings"),
    [
        (Conv2D, (1, 8, 8), {}),
        (Conv2D, (3, 9, 7), _conv(5, 2, 2, "same", False, "tanh")),
        (MaxPool2D, (4, 8, 8), {}),
        (MaxPool2D, (4, 9, 8), dict(pool_size=3, stride=2)),
        (AvgPool2D, (4, 8, 8), dict(pool_size=2)),
        (AvgPool2D, (4, 9, 8), dict(pool_size=3, stride=1, padding="valid")),
        (Flatten, (4, 3, 3), {}),
    ],
)
def test_config_round_trips(cls: type, shape: tuple, settings: dict) -> None:
    config = cls(shape, **settings).config()
    assert config["type"] == cls.type_tag
    rebuilt = cls(shape, **{k: v for k, v in config.items() if k != "type"})
    assert rebuilt.config() == config
    assert rebuilt.output_shape == cls(shape, **settings).output_shape
    json.dumps(config)  # plain JSON values only


def test_conv_defaults_and_init() -> None:
    layer = Conv2D((2, 8, 8), rng=np.random.default_rng(0))
    assert layer.config() == {
        "type": "conv2d",
        "filters": 8,
        "kernel_size": 3,
        "stride": 1,
        "padding": "valid",
        "use_bias": True,
        "activation": "relu",
    }
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    assert layer.params["W"].dtype == np.float32 and not layer.params["b"].any()
    limit = np.sqrt(6.0 / (2 * 9 + 8 * 9))  # xavier with fan_in = in_ch*k*k, fan_out = filters*k*k
    assert np.abs(layer.params["W"]).max() <= limit and np.abs(layer.params["W"]).max() > 0.8 * limit
    he = Conv2D((2, 8, 8), filters=64, init="he", rng=np.random.default_rng(0))
    assert abs(float(he.params["W"].std()) - np.sqrt(2.0 / 18)) < 0.02
    assert set(Conv2D((2, 8, 8), use_bias=False).params) == {"W"}
    assert MaxPool2D((1, 4, 4)).config() == {"type": "max_pool2d", "pool_size": 2, "stride": None}


# --------------------------------------------------------------------------------------------
# What the views see


def test_max_pool_argmax_marks_the_first_maximum() -> None:
    x = np.array(
        [[[[1, 5, 0, 0, 9], [2, 3, 0, 0, 9], [7, 7, 4, 1, 9], [7, 6, 1, 4, 9], [9, 9, 9, 9, 9]]]],
        dtype=np.float32,
    )
    layer = MaxPool2D((1, 5, 5), pool_size=2)
    y = layer.forward(x, training=True)
    np.testing.assert_array_equal(y, [[[[5, 0], [7, 4]]]])
    expected = np.array(
        [
            [
                [
                    [0, 1, 1, 0, 0],  # 5 wins; the all-zero window's first cell wins the tie
                    [0, 0, 0, 0, 0],
                    [1, 0, 1, 0, 0],  # 7 7 / 7 6: the first 7 (row-major); 4 1 / 1 4: the first 4
                    [0, 0, 0, 0, 0],
                    [0, 0, 0, 0, 0],
                ]
            ]
        ],  # the dropped last row and column never win
        dtype=bool,
    )
    seen = layer.observe()
    assert set(seen) == {"input", "output", "argmax"}
    assert seen["argmax"].dtype == bool and seen["argmax"].shape == x.shape
    np.testing.assert_array_equal(seen["argmax"], expected)
    dx = layer.backward(np.array([[[[10, 20], [30, 40]]]], dtype=np.float32))
    np.testing.assert_array_equal(dx[0, 0], [[0, 10, 20, 0, 0], [0] * 5, [30, 0, 40, 0, 0], [0] * 5, [0] * 5])


def test_max_pool_argmax_with_overlapping_windows() -> None:
    x = np.array([[[[1, 2, 3], [4, 9, 5], [6, 7, 8]]]], dtype=np.float32)
    layer = MaxPool2D((1, 3, 3), pool_size=2, stride=1)
    np.testing.assert_array_equal(layer.forward(x, training=True), [[[[9, 9], [9, 9]]]])
    np.testing.assert_array_equal(layer.observe()["argmax"][0, 0], [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    dx = layer.backward(np.array([[[[1, 2], [3, 4]]]], dtype=np.float32))
    np.testing.assert_array_equal(dx[0, 0], [[0, 0, 0], [0, 10, 0], [0, 0, 0]])  # the centre won all four


def test_observe_keys() -> None:
    rng = np.random.default_rng(15)
    x = rng.standard_normal((2, 2, 6, 6)).astype(np.float32)
    conv = Conv2D((2, 6, 6), filters=3, padding="same", rng=rng)
    assert conv.observe() == {}
    y = conv.forward(x, training=True)
    seen = conv.observe()
    assert set(seen) == {"input", "preactivation", "output"}
    assert seen["input"] is x and seen["output"] is y
    assert seen["preactivation"].shape == seen["output"].shape == (2, 3, 6, 6)
    np.testing.assert_array_equal(seen["output"], np.maximum(seen["preactivation"], 0))
    avg = AvgPool2D((2, 6, 6))
    avg.forward(x, training=True)
    assert set(avg.observe()) == {"input", "output"}
    flat = Flatten((2, 6, 6))
    flat.forward(x, training=True)
    assert set(flat.observe()) == {"output"}


def test_float32_in_float32_out_without_upcasts() -> None:
    rng = np.random.default_rng(16)
    x = rng.standard_normal((4, 3, 9, 9)).astype(np.float32)
    shape = (3, 9, 9)
    layers = [
        Conv2D(shape, filters=4, padding="same", rng=rng),
        Conv2D(shape, filters=4, stride=2, rng=rng),
        MaxPool2D(shape),
        MaxPool2D(shape, pool_size=3, stride=2),
        AvgPool2D(shape),
        AvgPool2D(shape, pool_size=3, stride=1),
        Flatten(shape),
    ]
    for layer in layers:
        y = layer.forward(x, training=True)
        assert y.dtype == np.float32, layer.type_tag
        assert layer.backward(np.ones_like(y)).dtype == np.float32, layer.type_tag
        assert all(g.dtype == np.float32 for g in layer.grads.values()), layer.type_tag


@pytest.mark.parametrize("channels", [1, 2])
def test_conv_accepts_non_contiguous_and_read_only_inputs(channels: int, row_mode: str) -> None:
    rng = np.random.default_rng(17)
    layer = Conv2D((channels, 5, 5), filters=2, activation="linear", rng=rng)
    base = rng.standard_normal((2, 5, 5, channels)).astype(np.float32)
    x = base.transpose(0, 3, 1, 2)  # a non-contiguous NCHW view
    expected = layer.forward(np.ascontiguousarray(x), training=True).copy()
    np.testing.assert_allclose(layer.forward(x, training=True), expected, rtol=1e-6)
    frozen = np.ascontiguousarray(x)
    frozen.flags.writeable = False
    np.testing.assert_allclose(layer.forward(frozen, training=True), expected, rtol=1e-6)
    assert layer.backward(np.ones_like(expected)).shape == x.shape


@pytest.mark.parametrize("batch", [0, 1])
def test_empty_and_single_batches(batch: int, row_mode: str) -> None:
    layers = [
        Conv2D((2, 5, 5), filters=3),
        Conv2D((1, 5, 5), filters=2, padding="same"),
        Conv2D((3, 9, 9), filters=2, stride=2),
        MaxPool2D((2, 5, 5)),
        MaxPool2D((2, 5, 5), pool_size=3, stride=1),
        AvgPool2D((2, 5, 5), pool_size=3, stride=1),
        Flatten((2, 5, 5)),
    ]
    for layer in layers:
        y = layer.forward(np.ones((batch,) + layer.input_shape, np.float32), training=True)
        assert y.shape == (batch,) + layer.output_shape, layer.type_tag
        assert layer.backward(np.ones_like(y)).shape == (batch,) + layer.input_shape, layer.type_tag
        assert all(v.shape[0] == batch for v in layer.observe().values()), layer.type_tag
