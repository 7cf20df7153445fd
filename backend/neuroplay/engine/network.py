"""A network: layers in spec order, run forward and backward whole or one layer at a time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from .init import get_initialiser
from .layers import Layer, ShapeError
from .registry import LAYER_CLASSES, BuildContext, build_layer

# How a message about one layer starts: "layer 3 (conv2d): ..." (the index counts from 0, as the spec does).
_LAYER_PREFIX = re.compile(r"^layer (\d+)(?: \([^)]*\))?: ")


class ModelError(ValueError):
    """A spec that cannot be built. `layer` is the index of the bad layer (None: the spec as a whole).

    `reason` is the message without its "layer i (tag): " start, for a client that names the layer
    its own way (the browser says "Hidden 4 · Conv 2-D", counting from 1)."""

    def __init__(self, message: str, layer: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.layer = layer
        match = _LAYER_PREFIX.match(message) if layer is not None else None
        self.reason = message[match.end() :] if match and int(match.group(1)) == layer else message


class Network:
    """Layers applied in order. Shapes exclude the batch axis."""

    def __init__(self, layers: list[Layer], input_shape: tuple[int, ...]) -> None:
        self.layers = layers
        self.input_shape = tuple(input_shape)
        self.output_shape = layers[-1].output_shape if layers else self.input_shape
        self.flat_params: np.ndarray | None = None  # set by flatten_parameters()

    def flatten_parameters(self) -> np.ndarray | None:
        """Move every parameter into one contiguous vector; each layer keeps a view of its part.

        A small network then updates in a couple of array operations instead of two per tensor.
        Parameters are changed in place from then on (set_weights copies into the views).
        """
        params = self.parameters()
        if not params or any(p.dtype != np.float32 for _, p, _ in params):
            return None
        flat = np.concatenate([p.ravel() for _, p, _ in params])
        offset = 0
        for (i, name), p, _ in params:
            self.layers[i].params[name] = flat[offset : offset + p.size].reshape(p.shape)
            offset += p.size
        self.flat_params = flat
        return flat

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def forward_layer(self, i: int, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Layer i alone, for stepping through the forward pass."""
        return self.layers[i].forward(x, training)

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dL/d(output); returns dL/d(input) when asked (gradient checks, stepping)."""
        return self.backward_from(len(self.layers) - 1, dy, need_input_grad, preactivation=False)

    def backward_from(self, last: int, d: np.ndarray, need_input_grad: bool, preactivation: bool) -> np.ndarray | None:
        """Backpropagate from layer `last`; `preactivation` says d is dL/du of that layer (fused loss)."""
        grad: np.ndarray | None = d
        for i in range(last, -1, -1):
            assert grad is not None  # every layer above the first was asked for its input gradient
            layer = self.layers[i]
            layer.grad_output = grad
            need = need_input_grad or i > 0
            if preactivation and i == last:
                grad = layer.backward_from_preactivation(grad, need)
            else:
                grad = layer.backward(grad, need)
        return grad

    def parameters(self) -> list[tuple[tuple[int, str], np.ndarray, np.ndarray]]:
        """(layer index, name), param, grad for every parameter, in a stable order."""
        return [
            ((i, name), p, layer.grads[name]) for i, layer in enumerate(self.layers) for name, p in layer.params.items()
        ]

    def param_count(self) -> int:
        return sum(layer.param_count() for layer in self.layers)

    def config(self) -> dict[str, Any]:
        return {
            "version": 1,
            "input_shape": list(self.input_shape),
            "layers": [layer.config() for layer in self.layers],
        }

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer (running statistics), keyed 'layer{i}.{name}'."""
        out = {}
        for i, layer in enumerate(self.layers):
            for group in (layer.params, layer.buffers):
                for name, value in group.items():
                    out[f"layer{i}.{name}"] = value.copy()
        return out

    def set_weights(self, weights: Mapping[str, np.ndarray]) -> None:
        """Copy values in place; every parameter and buffer must be given, with its shape."""
        for i, layer in enumerate(self.layers):
            for group in (layer.params, layer.buffers):
                for name, value in group.items():
                    key = f"layer{i}.{name}"
                    if key not in weights:
                        raise KeyError(f"no value for {key}")
                    if np.shape(weights[key]) != value.shape:
                        raise ValueError(
                            f"{key} has shape {list(np.shape(weights[key]))}, expected {list(value.shape)}"
                        )
                    value[...] = weights[key]


def _as_dict(spec: Any) -> dict[str, Any]:
    return spec.model_dump() if hasattr(spec, "model_dump") else dict(spec)


def build_network(spec: Any, seed: int = 0, init: str = "xavier", init_scale: float | None = None) -> Network:
    """Build from a spec (dict or pydantic model): {"input_shape": [...], "layers": [{"type": ...}]}.

    `init` names the weight initialiser (xavier, he, normal, zeros); `init_scale` is the standard
    deviation for "normal". The same seed gives bit-identical weights. Raises ModelError naming the
    layer index, its type and what is wrong with it.
    """
    spec = _as_dict(spec)
    try:
        shape = tuple(int(d) for d in spec["input_shape"])
    except (KeyError, TypeError, ValueError):
        raise ModelError("input_shape must be a list of positive integers") from None
    if not shape or min(shape) < 1:
        raise ModelError(f"input_shape must be a list of positive integers, got {list(shape)}")
    try:
        initialiser = get_initialiser(init, init_scale)
    except ValueError as exc:
        raise ModelError(str(exc)) from None
    ctx = BuildContext(init=initialiser, rng=np.random.default_rng(seed))
    layers: list[Layer] = []
    for i, entry in enumerate(spec.get("layers", [])):
        settings = _as_dict(entry)
        tag = settings.pop("type", None)
        if tag not in LAYER_CLASSES:
            known = ", ".join(LAYER_CLASSES)
            raise ModelError(f"layer {i}: unknown layer type {tag!r} (known: {known})", i)
        try:
            layer = build_layer(tag, settings, shape, ctx)
        except (ShapeError, ValueError, TypeError) as exc:
            raise ModelError(f"layer {i} ({tag}): {exc}", i) from None
        layers.append(layer)
        shape = layer.output_shape
    return Network(layers, tuple(int(d) for d in spec["input_shape"]))
