"""Regenerate the PyTorch golden values for conv2d, max_pool2d, avg_pool2d and flatten (run once; the
tests in tests/engine/test_conv_pool.py only read the .npz file).

    .venv/bin/python tests/engine/golden/make_conv_pool_golden.py

Needs torch (pyproject's "bench" extra, torch 2.13). Inputs, parameters and upstream gradients are
drawn with NumPy and stored as float32; PyTorch computes in float64 from exactly those values, so the
expected results are as accurate as float64 allows, and the engine (float32) is compared against them
at rtol 1e-5, atol 1e-6. Sizes are small (at most a few dozen terms per sum), so the engine's own
float32 rounding stays well inside that tolerance.

"same" padding is computed here independently of the engine (TensorFlow's rule: total =
max((out - 1) * stride + k - in, 0), total // 2 before, the rest after) and applied with an explicit,
possibly asymmetric F.pad; for stride 1 it is checked against PyTorch's own padding="same".

One file, conv_pool_golden.npz, keys "<case>.<array>": config (the layer's spec entry as JSON, with
"input_shape"), x, dy, y, dx, and for conv2d W, dW and, with a bias, b and db.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
OUT = HERE / "conv_pool_golden.npz"
BATCH = 2

ACTIVATIONS = {"linear": lambda u: u, "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}


def conv(filters: int, k: int, stride: int, padding: str, bias: bool, activation: str) -> dict:
    return dict(filters=filters, kernel_size=k, stride=stride, padding=padding, use_bias=bias, activation=activation)


# name: (input_shape, conv settings)
CONV_CASES = {
    "conv_valid_s1_k3_tanh": ((3, 7, 7), conv(4, 3, 1, "valid", True, "tanh")),
    "conv_same_s1_k3_relu": ((2, 7, 7), conv(3, 3, 1, "same", True, "relu")),
    "conv_same_s1_k2_linear_nobias": ((3, 5, 6), conv(2, 2, 1, "same", False, "linear")),
    "conv_same_s2_k3_sigmoid": ((2, 7, 7), conv(3, 3, 2, "same", True, "sigmoid")),
    "conv_same_s2_k4_tanh": ((1, 7, 6), conv(2, 4, 2, "same", True, "tanh")),
    "conv_valid_s2_k2_linear": ((2, 5, 6), conv(3, 2, 2, "valid", True, "linear")),
    "conv_valid_s1_k1_linear": ((3, 5, 6), conv(4, 1, 1, "valid", True, "linear")),
    "conv_valid_s3_k3_relu": ((2, 8, 7), conv(2, 3, 3, "valid", False, "relu")),
    # A wide image (the tests run every case with the default rows and with narrow rows forced).
    "conv_valid_s1_k3_wide_image_relu": ((2, 4, 18), conv(3, 3, 1, "valid", True, "relu")),
    # C*k*k = 36 rows, more than the positions of an image.
    "conv_same_s1_k3_many_channels_tanh": ((4, 6, 6), conv(5, 3, 1, "same", True, "tanh")),
}

# name: (type, input_shape, pool settings, ties): ties quantises x so windows hold equal maxima.
POOL_CASES = {
    "max_pool_p2_odd": ("max_pool2d", (3, 7, 7), dict(pool_size=2, stride=None), False),
    "max_pool_p2_ties": ("max_pool2d", (2, 6, 6), dict(pool_size=2, stride=None), True),
    "max_pool_p3_s2_overlap": ("max_pool2d", (2, 7, 6), dict(pool_size=3, stride=2), False),
    "max_pool_p3_s2_overlap_ties": ("max_pool2d", (2, 7, 6), dict(pool_size=3, stride=2), True),
    "max_pool_p2_s3_gaps": ("max_pool2d", (2, 8, 7), dict(pool_size=2, stride=3), False),
    "avg_pool_p2_odd": ("avg_pool2d", (3, 7, 7), dict(pool_size=2, stride=None), False),
    "avg_pool_p3_s2_overlap": ("avg_pool2d", (2, 7, 6), dict(pool_size=3, stride=2), False),
    "avg_pool_p2_s3_gaps": ("avg_pool2d", (2, 8, 7), dict(pool_size=2, stride=3), False),
}


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def f32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def t64(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.from_numpy(a.astype(np.float64)).requires_grad_(grad)


def conv_case(rng: np.random.Generator, shape: tuple[int, int, int], s: dict) -> dict[str, np.ndarray]:
    c, h, w = shape
    k, o, stride = s["kernel_size"], s["filters"], s["stride"]
    limit = np.sqrt(6.0 / (c * k * k + o * k * k))
    x = f32(rng.standard_normal((BATCH, c, h, w)))
    weight = f32(rng.uniform(-limit, limit, (o, c, k, k)))
    bias = f32(rng.normal(0.0, 0.5, o)) if s["use_bias"] else None
    xt, wt = t64(x, True), t64(weight, True)
    bt = t64(bias, True) if bias is not None else None
    if s["padding"] == "same":
        (top, bottom), (left, right) = same_padding(h, k, stride), same_padding(w, k, stride)
        u = F.conv2d(F.pad(xt, (left, right, top, bottom)), wt, bt, stride=stride)
        if stride == 1:  # our split agrees with PyTorch's own "same" (odd and even kernels)
            with warnings.catch_warnings():  # even kernels: "may require a zero-padded copy"
                warnings.simplefilter("ignore", UserWarning)
                torch_same = F.conv2d(xt, wt, bt, padding="same")
            torch.testing.assert_close(u, torch_same, rtol=0, atol=1e-12)
    else:
        u = F.conv2d(xt, wt, bt, stride=stride)
    y = ACTIVATIONS[s["activation"]](u)
    dy = f32(rng.standard_normal(tuple(y.shape)))
    y.backward(t64(dy))
    out = {"x": x, "W": weight, "dy": dy, "y": y.detach().numpy(), "dx": xt.grad.numpy(), "dW": wt.grad.numpy()}
    if bias is not None:
        out["b"], out["db"] = bias, bt.grad.numpy()
    return out


def pool_case(rng: np.random.Generator, kind: str, shape: tuple[int, int, int], s: dict, ties: bool) -> dict:
    x = rng.standard_normal((BATCH,) + shape)
    if ties:  # few distinct values, many zeros (as after a ReLU): most windows have a tied maximum
        x = np.maximum(np.round(x * 2) / 2, 0.0)
    x = f32(x)
    xt = t64(x, True)
    fn = F.max_pool2d if kind == "max_pool2d" else F.avg_pool2d
    y = fn(xt, s["pool_size"], stride=s["stride"])
    dy = f32(rng.standard_normal(tuple(y.shape)))
    y.backward(t64(dy))
    return {"x": x, "dy": dy, "y": y.detach().numpy(), "dx": xt.grad.numpy()}


def flatten_case(rng: np.random.Generator, shape: tuple[int, ...]) -> dict:
    x = f32(rng.standard_normal((BATCH,) + shape))
    xt = t64(x, True)
    y = torch.nn.Flatten()(xt)
    dy = f32(rng.standard_normal(tuple(y.shape)))
    y.backward(t64(dy))
    return {"x": x, "dy": dy, "y": y.detach().numpy(), "dx": xt.grad.numpy()}


def main() -> None:
    rng = np.random.default_rng(2024)
    arrays: dict[str, np.ndarray] = {}

    def put(case: str, config: dict, values: dict) -> None:
        arrays[f"{case}.config"] = np.array(json.dumps(config))
        for name, value in values.items():
            arrays[f"{case}.{name}"] = value

    for case, (shape, settings) in CONV_CASES.items():
        put(case, {"type": "conv2d", "input_shape": list(shape), **settings}, conv_case(rng, shape, settings))
    for case, (kind, shape, settings, ties) in POOL_CASES.items():
        config = {"type": kind, "input_shape": list(shape), **settings}
        put(case, config, pool_case(rng, kind, shape, settings, ties))
    put("flatten_chw", {"type": "flatten", "input_shape": [3, 4, 5]}, flatten_case(rng, (3, 4, 5)))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT.relative_to(HERE.parents[2])}: {len(CONV_CASES) + len(POOL_CASES) + 1} cases")


if __name__ == "__main__":
    main()
