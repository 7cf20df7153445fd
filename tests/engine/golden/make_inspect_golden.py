"""Regenerate the PyTorch golden values for `engine.inspect.inspect_sample` (run once; the tests in
tests/engine/test_inspect.py only read the .npz file).

    PYTHONPATH=backend .venv/bin/python tests/engine/golden/make_inspect_golden.py

Needs torch (pyproject's "bench" extra, torch 2.13). For each case a network spec is built by the
engine (seeded), its biases, batch-norm scales and running statistics are then drawn at random (so no
term is trivially zero or one), and those float32 weights are what PyTorch computes with, in float64,
written out layer by layer with torch.nn.functional in the engine's layouts: dense W is (in, out),
conv W is (out, in, kh, kw), the RNN step is u_t = x_t W_x + b + h_(t-1) W_h. Everything is in
inference mode (dropout is the identity, batch norm uses the running statistics); the loss is on the
sample's own target and autograd gives dL/d(each layer's output) (retain_grad) and dL/d(each
parameter) through the plain chain rule, whereas the engine takes the fused softmax/sigmoid shortcut
where the trainer does: the two must agree.

One file, inspect_golden.npz, keys "<case>.<array>": spec and loss (JSON strings), x and y (the sample,
batch axis 1), "weights/layer{i}.{name}" (the float32 weights), and the expected loss, prediction and
"layer{i}/{input|output|preactivation|output_grad|grad_<param>}" (batch axis kept).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from neuroplay.engine import build_network

HERE = Path(__file__).resolve().parent
OUT = HERE / "inspect_golden.npz"

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "linear": lambda u: u,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "leaky_relu": lambda u: F.leaky_relu(u, 0.01),
    "softmax": lambda u: torch.softmax(u, dim=-1),
}


def dense(units: int, activation: str) -> dict:
    return {"type": "dense", "units": units, "activation": activation}


def conv(filters: int, padding: str, activation: str) -> dict:
    return {"type": "conv2d", "filters": filters, "kernel_size": 3, "padding": padding, "activation": activation}


def rnn(units: int, activation: str, return_sequences: bool) -> dict:
    return {"type": "simple_rnn", "units": units, "activation": activation, "return_sequences": return_sequences}


# name: (input_shape, layers, loss, target kind)
CASES: dict[str, tuple[list[int], list[dict], str, str]] = {
    "cnn_cross_entropy": (
        [2, 10, 10],
        [
            conv(3, "same", "relu"),
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "batch_norm"},
            conv(4, "valid", "tanh"),
            {"type": "avg_pool2d", "pool_size": 2, "stride": 1},
            {"type": "flatten"},
            {"type": "dropout", "rate": 0.3},
            {"type": "batch_norm"},
            dense(6, "leaky_relu"),
            dense(5, "linear"),
            {"type": "activation", "activation": "softmax"},
        ],
        "cross_entropy",
        "class",
    ),
    "mlp_binary_cross_entropy": (
        [4],
        [
            dense(6, "relu"),
            dense(5, "tanh"),
            {"type": "batch_norm"},
            {"type": "dropout", "rate": 0.5},
            dense(4, "sigmoid"),
            dense(1, "sigmoid"),
        ],
        "binary_cross_entropy",
        "binary",
    ),
    "rnn_cross_entropy": (
        [5, 3],
        [rnn(4, "tanh", True), rnn(3, "relu", True), rnn(3, "sigmoid", False), dense(3, "softmax")],
        "cross_entropy",
        "class",
    ),
    "mlp_mse_softmax": ([3], [dense(4, "sigmoid"), dense(3, "softmax")], "mse", "value"),
    "sequence_logits": (
        [4, 2],
        [rnn(3, "tanh", True), dense(1, "linear")],
        "binary_cross_entropy_with_logits",
        "binary",
    ),
}


def same_padding(size: int, kernel: int) -> tuple[int, int]:
    total = max(kernel - 1, 0)  # stride 1: out = in
    return total // 2, total - total // 2


def t64(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.from_numpy(np.asarray(a, dtype=np.float64)).requires_grad_(grad)


def randomised_weights(spec: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The engine's seeded weights, with biases, gamma/beta and running statistics drawn at random."""
    weights = build_network(spec, seed=7).get_weights()
    for key, value in weights.items():
        name = key.split(".", 1)[1]
        if name in ("b", "beta", "running_mean"):
            weights[key] = rng.normal(0.0, 0.3, value.shape).astype(np.float32)
        elif name in ("gamma", "running_var"):
            weights[key] = rng.uniform(0.5, 1.5, value.shape).astype(np.float32)
    return weights


class TorchLayer:
    """One layer's forward in torch; records its pre-activation (None without an activation)."""

    def __init__(self, entry: dict, params: dict[str, torch.Tensor], buffers: dict[str, torch.Tensor]) -> None:
        self.entry, self.params, self.buffers = entry, params, buffers
        self.preactivation: torch.Tensor | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        e, p = self.entry, self.params
        tag = e["type"]
        if tag == "dense":
            u = x @ p["W"] + p["b"]
            self.preactivation = u
            return ACTIVATIONS[e["activation"]](u)
        if tag == "conv2d":
            if e["padding"] == "same":
                (top, bottom), (left, right) = same_padding(x.shape[2], 3), same_padding(x.shape[3], 3)
                x = F.pad(x, (left, right, top, bottom))
            u = F.conv2d(x, p["W"], p["b"])
            self.preactivation = u
            return ACTIVATIONS[e["activation"]](u)
        if tag == "max_pool2d":
            return F.max_pool2d(x, e["pool_size"], stride=e.get("stride") or e["pool_size"])
        if tag == "avg_pool2d":
            return F.avg_pool2d(x, e["pool_size"], stride=e.get("stride") or e["pool_size"])
        if tag == "flatten":
            return torch.flatten(x, 1)
        if tag == "dropout":
            return F.dropout(x, e["rate"], training=False)
        if tag == "batch_norm":
            b = self.buffers
            return F.batch_norm(x, b["running_mean"], b["running_var"], p["gamma"], p["beta"], training=False, eps=1e-5)
        if tag == "activation":
            self.preactivation = x
            return ACTIVATIONS[e["activation"]](x)
        if tag == "simple_rnn":
            f = ACTIVATIONS[e["activation"]]
            h = torch.zeros((x.shape[0], e["units"]), dtype=x.dtype)
            us, hs = [], []
            for t in range(x.shape[1]):
                u = x[:, t] @ p["W_x"] + p["b"] + h @ p["W_h"]
                h = f(u)
                us.append(u)
                hs.append(h)
            self.preactivation = torch.stack(us, dim=1)
            return torch.stack(hs, dim=1) if e["return_sequences"] else h
        raise ValueError(f"no torch translation for {tag}")


def torch_loss(name: str, p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if name == "cross_entropy":  # the network outputs probabilities (softmax)
        return F.nll_loss(torch.log(p), y.reshape(-1).long())
    if name == "binary_cross_entropy":
        return F.binary_cross_entropy(p, y)
    if name == "binary_cross_entropy_with_logits":
        return F.binary_cross_entropy_with_logits(p, y)
    if name == "mse":
        return F.mse_loss(p, y)
    raise ValueError(name)


def make_target(kind: str, output_shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if kind == "class":
        return np.array([[rng.integers(output_shape[-1])]], dtype=np.float32)  # as the datasets store labels
    if kind == "binary":
        return (rng.random((1, *output_shape)) > 0.5).astype(np.float32)
    return rng.random((1, *output_shape)).astype(np.float32)


def make_case(
    input_shape: list[int], layers: list[dict], loss: str, target: str, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    spec = {"version": 1, "input_shape": input_shape, "layers": layers}
    weights = randomised_weights(spec, rng)
    network = build_network(spec, seed=7)
    x = rng.standard_normal((1, *input_shape)).astype(np.float32)
    y = make_target(target, network.output_shape, rng)
    torch_layers, leaves = [], {}
    for i, entry in enumerate(layers):
        params = {k.split(".", 1)[1]: t64(v, True) for k, v in weights.items() if k.startswith(f"layer{i}.")}
        buffers = {k: params.pop(k).detach() for k in list(params) if k.startswith("running_")}
        if entry["type"] in ("dense", "conv2d", "simple_rnn") and "b" not in params:
            raise ValueError("every case uses biases")
        leaves[i] = params
        torch_layers.append(TorchLayer(entry, params, buffers))
    inputs, outputs = [], []
    a = t64(x)
    for layer in torch_layers:
        inputs.append(a)
        a = layer(a)
        a.retain_grad()
        outputs.append(a)
    value = torch_loss(loss, a, t64(y))
    value.backward()
    out = {
        "spec": np.array(json.dumps(spec)),
        "loss": np.array(loss),
        "x": x,
        "y": y,
        "expect/loss": np.array(value.item()),
        "expect/prediction": a.detach().numpy(),
    }
    out.update({f"weights/{k}": v for k, v in weights.items()})
    for i, layer in enumerate(torch_layers):
        out[f"layer{i}/input"] = inputs[i].detach().numpy()
        out[f"layer{i}/output"] = outputs[i].detach().numpy()
        out[f"layer{i}/output_grad"] = outputs[i].grad.numpy()
        if layer.preactivation is not None:
            out[f"layer{i}/preactivation"] = layer.preactivation.detach().numpy()
        for name, leaf in leaves[i].items():
            out[f"layer{i}/grad_{name}"] = leaf.grad.numpy()
    return out


def main() -> None:
    rng = np.random.default_rng(909)
    arrays: dict[str, np.ndarray] = {}
    for case, (shape, layers, loss, target) in CASES.items():
        for key, value in make_case(shape, layers, loss, target, rng).items():
            arrays[f"{case}.{key}"] = value
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT.relative_to(HERE.parents[2])}: {len(CASES)} cases (torch {torch.__version__})")


if __name__ == "__main__":
    main()
