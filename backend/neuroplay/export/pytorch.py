"""A stand-alone PyTorch script that rebuilds a NeuroPlay network and loads its weights (.npz).

Table-driven: WRITERS maps each layer type tag to one small function that says which torch modules
stand for the layer and how its arrays go into them. A type without a writer raises ExportError
naming the layer, and a test checks that every type in the engine's registry has one.

The script reproduces the engine's forward pass in inference mode (dropout off, batch norm on its
running statistics); a test runs it with PyTorch and compares the outputs at 1e-5.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..engine import Network
from ..engine.layers import Layer
from ..schemas.error_codes import coded


class ExportError(ValueError):
    """The network has something the exporter cannot express; the message names the layer."""


@dataclass
class TorchLayer:
    """What one engine layer becomes: named modules in order, and statements that fill them from the
    .npz (`t(name)` gives an array as a float32 tensor, `model` is the nn.Sequential)."""

    modules: list[tuple[str, str]] = field(default_factory=list)  # (attribute name, constructor)
    loads: list[str] = field(default_factory=list)
    helpers: set[str] = field(default_factory=set)  # names in HELPERS the script must define


ACTIVATION_MODULES: Mapping[str, str | None] = {
    "linear": None,
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.01)",  # engine.activations.LEAKY_SLOPE
    "softmax": "nn.Softmax(dim=-1)",  # the engine's softmax acts on the last axis
}

HELPERS: Mapping[str, str] = {
    "SimpleRNN": '''
        class SimpleRNN(nn.Module):
            """NeuroPlay's simple_rnn: h_t = f(x_t W_x + h_(t-1) W_h + b), h_0 = 0, with W_x (in, units)
            and W_h (units, units) as NeuroPlay stores them (nn.RNN would need them transposed and has
            no sigmoid)."""

            def __init__(self, features, units, activation, return_sequences):
                super().__init__()
                self.W_x = nn.Parameter(torch.zeros(features, units))
                self.W_h = nn.Parameter(torch.zeros(units, units))
                self.b = nn.Parameter(torch.zeros(units))
                self.f = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[activation]
                self.return_sequences = return_sequences

            def forward(self, x):  # x: (batch, time, features)
                h = x.new_zeros(x.shape[0], self.W_h.shape[0])
                states = []
                for t in range(x.shape[1]):
                    h = self.f(x[:, t] @ self.W_x + h @ self.W_h + self.b)
                    states.append(h)
                return torch.stack(states, dim=1) if self.return_sequences else h
    ''',
}


def _activation(i: int, layer: Layer, name: str) -> list[tuple[str, str]]:
    if name not in ACTIVATION_MODULES:
        message = f"layer {i} ({layer.type_tag}): no PyTorch equivalent for activation {name!r}"
        raise coded(ExportError(message), "export_activation", layer=i, type=layer.type_tag, activation=name)
    module = ACTIVATION_MODULES[name]
    return [] if module is None else [(f"layer{i}_act", module)]


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, (list, tuple)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def _dense(i: int, layer: Layer) -> TorchLayer:
    cfg = layer.config()
    bias = "b" in layer.params
    out = TorchLayer([(f"layer{i}", f"nn.Linear({layer.input_shape[-1]}, {cfg['units']}, bias={bias})")])
    out.loads.append(f'model.layer{i}.weight.copy_(t("layer{i}.W").T)  # NeuroPlay W is (in, out)')
    if bias:
        out.loads.append(f'model.layer{i}.bias.copy_(t("layer{i}.b"))')
    out.modules += _activation(i, layer, cfg["activation"])
    return out


def _activation_layer(i: int, layer: Layer) -> TorchLayer:
    modules = _activation(i, layer, layer.config()["activation"])
    return TorchLayer(modules or [(f"layer{i}", "nn.Identity()")])


def _dropout(i: int, layer: Layer) -> TorchLayer:
    return TorchLayer([(f"layer{i}", f"nn.Dropout(p={layer.config()['rate']!r})")])


def _batch_norm(i: int, layer: Layer) -> TorchLayer:
    cfg = layer.config()
    kind = "BatchNorm1d" if len(layer.input_shape) == 1 else "BatchNorm2d"
    channels = layer.input_shape[0]
    out = TorchLayer([(f"layer{i}", f"nn.{kind}({channels}, eps={cfg['eps']!r}, momentum={cfg['momentum']!r})")])
    for torch_name, ours in (
        ("weight", "gamma"),
        ("bias", "beta"),
        ("running_mean", "running_mean"),
        ("running_var", "running_var"),
    ):
        out.loads.append(f'model.layer{i}.{torch_name}.copy_(t("layer{i}.{ours}"))')
    return out


def _padding(
    i: int, layer: Layer, kernel: tuple[int, int], stride: tuple[int, int]
) -> tuple[list[tuple[str, str]], tuple[int, int]]:
    """Zero padding that gives the engine's output size: symmetric padding goes into the conv itself,
    an odd total is split with the extra row/column after (bottom/right), as Keras and TensorFlow do."""
    (_, h_in, w_in), (_, h_out, w_out) = layer.input_shape, layer.output_shape
    pads = []
    for size_in, size_out, k, s in ((h_in, h_out, kernel[0], stride[0]), (w_in, w_out, kernel[1], stride[1])):
        total = max((size_out - 1) * s + k - size_in, 0)
        pads.append((total // 2, total - total // 2))
    (top, bottom), (left, right) = pads
    if top == bottom and left == right:
        return [], (top, left)
    return [(f"layer{i}_pad", f"nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))")], (0, 0)


def _conv2d(i: int, layer: Layer) -> TorchLayer:
    cfg = layer.config()
    kernel, stride = _pair(cfg["kernel_size"]), _pair(cfg.get("stride", 1))
    bias = "b" in layer.params
    pad_modules, padding = _padding(i, layer, kernel, stride)
    channels, filters = layer.input_shape[0], layer.output_shape[0]
    out = TorchLayer(
        pad_modules
        + [
            (
                f"layer{i}",
                f"nn.Conv2d({channels}, {filters}, kernel_size={kernel}, stride={stride}, padding={padding}, bias={bias})",
            )
        ]
    )
    out.loads.append(f'model.layer{i}.weight.copy_(t("layer{i}.W"))  # (out_ch, in_ch, kh, kw) in both')
    if bias:
        out.loads.append(f'model.layer{i}.bias.copy_(t("layer{i}.b"))')
    out.modules += _activation(i, layer, cfg.get("activation", "linear"))
    return out


def _pool(kind: str) -> Callable[[int, Layer], TorchLayer]:
    def write(i: int, layer: Layer) -> TorchLayer:
        cfg = layer.config()
        size = _pair(cfg["pool_size"])
        stride = _pair(cfg.get("stride") or cfg["pool_size"])
        (_, h_in, w_in), (_, h_out, w_out) = layer.input_shape, layer.output_shape
        if ((h_in - size[0]) // stride[0] + 1, (w_in - size[1]) // stride[1] + 1) != (h_out, w_out):
            message = (
                f"layer {i} ({layer.type_tag}): output {list(layer.output_shape)} from input "
                f"{list(layer.input_shape)} is not what nn.{kind} gives without padding"
            )
            raise coded(ExportError(message), "export_pool_shape", layer=i, type=layer.type_tag)
        return TorchLayer([(f"layer{i}", f"nn.{kind}(kernel_size={size}, stride={stride})")])

    return write


def _flatten(i: int, layer: Layer) -> TorchLayer:
    return TorchLayer([(f"layer{i}", "nn.Flatten()")])  # C order, as NumPy's reshape


def _simple_rnn(i: int, layer: Layer) -> TorchLayer:
    cfg = layer.config()
    out = TorchLayer(
        [
            (
                f"layer{i}",
                f"SimpleRNN({layer.input_shape[-1]}, {cfg['units']}, {cfg['activation']!r}, "
                f"{bool(cfg['return_sequences'])})",
            )
        ],
        helpers={"SimpleRNN"},
    )
    for name in ("W_x", "W_h", "b"):
        out.loads.append(f'model.layer{i}.{name}.copy_(t("layer{i}.{name}"))')
    return out


WRITERS: Mapping[str, Callable[[int, Layer], TorchLayer]] = {
    "dense": _dense,
    "activation": _activation_layer,
    "dropout": _dropout,
    "batch_norm": _batch_norm,
    "conv2d": _conv2d,
    "max_pool2d": _pool("MaxPool2d"),
    "avg_pool2d": _pool("AvgPool2d"),
    "flatten": _flatten,
    "simple_rnn": _simple_rnn,
}


SCRIPT = '''\
#!/usr/bin/env python3
"""{title}.

Rebuilds the network in PyTorch and loads the weights downloaded from NeuroPlay (the .npz of
GET /api/sessions/{{id}}/weights). Needs numpy and torch.

    python {{script}} weights.npz                         print the model
    python {{script}} weights.npz inputs.npy outputs.npy  write the outputs (inference mode) for
                                                          float32 inputs shaped (batch, {shape})

Generated by NeuroPlay {version}. Layouts are PyTorch's, except that NeuroPlay keeps a dense layer's
W as (in, out), the transpose of nn.Linear.weight, and a simple_rnn's W_x, W_h likewise.
"""
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

INPUT_SHAPE = {input_shape!r}
{helpers}

def build_model():
    return nn.Sequential(OrderedDict([
{modules}
    ]))


def load_weights(model, path):
    with np.load(path, allow_pickle=False) as arrays, torch.no_grad():
        def t(name):
            return torch.from_numpy(np.ascontiguousarray(arrays[name], dtype=np.float32))

{loads}


def main(argv):
    if len(argv) not in (2, 4):
        print(__doc__.replace("{{script}}", argv[0]))
        return 2
    model = build_model()
    load_weights(model, argv[1])
    model.eval()
    if len(argv) == 2:
        print(model)
        return 0
    x = np.load(argv[2], allow_pickle=False).astype(np.float32)
    if x.shape[1:] != INPUT_SHAPE:
        raise SystemExit(f"inputs have shape {{list(x.shape)}}; expected (batch, {shape})")
    with torch.no_grad():
        y = model(torch.from_numpy(x))
    np.save(argv[3], y.numpy())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
'''


def pytorch_script(network: Network, title: str = "A NeuroPlay network in PyTorch") -> str:
    """The script's source text; ExportError names the first layer it cannot express."""
    modules: list[str] = []
    loads: list[str] = []
    helpers: set[str] = set()
    for i, layer in enumerate(network.layers):
        writer = WRITERS.get(layer.type_tag)
        if writer is None:
            message = (
                f"layer {i} ({layer.type_tag}): no PyTorch equivalent is known for this layer type "
                f"(known: {', '.join(WRITERS)})"
            )
            raise coded(ExportError(message), "export_layer_type", layer=i, type=layer.type_tag)
        part = writer(i, layer)
        modules += [f"        ({name!r}, {ctor}),  # layer {i}: {layer.type_tag}" for name, ctor in part.modules]
        loads += [f"        {statement}" for statement in part.loads]
        helpers |= part.helpers
    shape = ", ".join(str(d) for d in network.input_shape)
    return SCRIPT.format(
        title=title,
        version=__version__,
        shape=shape,
        input_shape=tuple(network.input_shape),
        helpers="".join("\n\n" + textwrap.dedent(HELPERS[name]).strip() + "\n" for name in sorted(helpers)),
        modules="\n".join(modules),
        loads="\n".join(loads) or "        pass",
    )
