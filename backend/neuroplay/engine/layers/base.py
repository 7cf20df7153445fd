"""The contract every layer follows (see docs/engine.md).

A layer owns `params` and `grads` (dicts with the same keys, PyTorch layouts), optional `buffers`
(running statistics, not trained by the optimizer), infers `output_shape` from the input shape it is
built for, caches in `forward` exactly what `backward` needs, and fills `grads` in `backward`.
Shapes exclude the batch axis. Constructors take `(input_shape, *, init, rng, **settings)` and
validate every setting, naming the bad value; `config()` returns the settings that rebuild the layer.
`observe()` returns what the views show of the last forward/backward, without extra computation.
Look parameters up in `self.params` at call time and never replace them once built: a Trainer moves
them into one flat buffer (Network.flatten_parameters) and updates them in place there.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np


def present(arrays: dict[str, np.ndarray | None]) -> dict[str, np.ndarray]:
    """The arrays of an `observe()` that exist (a pass not yet run leaves its caches None)."""
    return {name: value for name, value in arrays.items() if value is not None}


class ShapeError(ValueError):
    """A layer cannot take the shape it is given; the message names the shapes."""


class Layer:
    """Base class: subclasses set `type_tag` and implement forward/backward/config."""

    type_tag: ClassVar[str] = ""
    # The ranks of input (axes besides the batch) the constructor accepts: 1 features, 2 a sequence
    # (time, features), 3 an image (channels, height, width); None: any. The catalog publishes it so
    # the palette can tell where a layer fits (a test checks it against the constructor).
    input_ranks: ClassVar[tuple[int, ...] | None] = None
    # Every parameter it may own, in the order it builds them (one without a bias skips "b"), and
    # those that are weights to paint on the layer's block: the catalog publishes both, so the
    # browser orders and paints parameters without a table of its own (a test builds each layer).
    param_names: ClassVar[tuple[str, ...]] = ()
    painted_params: ClassVar[tuple[str, ...]] = ()

    def __init__(self, input_shape: tuple[int, ...]) -> None:
        self.input_shape: tuple[int, ...] = tuple(input_shape)
        self.output_shape: tuple[int, ...] = tuple(input_shape)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.grad_output: np.ndarray | None = None  # dL/dy of the last backward (set by Network)

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Fill `grads` from dL/dy; return dL/dx unless the caller says it is not needed."""
        raise NotImplementedError

    def backward_from_preactivation(self, du: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backward from dL/du, for a loss fused with this layer's activation (softmax or sigmoid with
        cross-entropy): only layers that apply an activation (dense, conv2d, simple_rnn, activation)."""
        raise NotImplementedError(f"{self.type_tag} applies no activation a loss could be fused with")

    def config(self) -> dict[str, Any]:
        """The spec entry that rebuilds this layer (round-trips through build_network)."""
        raise NotImplementedError

    def observe(self) -> dict[str, np.ndarray]:
        """Named arrays of the last pass for the views (e.g. 'output', 'mask'); batch axis first."""
        return {}

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        """(output shape, parameter count) from the settings alone, allocating nothing: the server
        sizes a spec with it before building anything (sessions/build.py). Layers with parameters
        or a shape of their own override it next to their constructor; a test checks every one
        against the built layer. A shape the layer cannot take gives (input_shape, 0): the
        constructor names that problem."""
        return tuple(input_shape), 0

    def param_count(self) -> int:
        return int(sum(p.size for p in self.params.values()))
