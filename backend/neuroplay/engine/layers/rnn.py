"""Simple (Elman) recurrent layer: h_t = f(x_t W_x + h_{t-1} W_h + b), trained by full BPTT.

Layout follows PyTorch's nn.RNN transposed, as Dense does: W_x (in, hidden) is weight_ih_l0.T,
W_h (hidden, hidden) is weight_hh_l0.T, and the one bias b (hidden,) is bias_ih_l0 + bias_hh_l0.
Sequences are (batch, time, features). The output is every hidden state (batch, time, units) when
`return_sequences`, otherwise the last one (batch, units).

Speed: only the recurrence itself loops over time (three small NumPy calls per step each way); the
input projection, the activation's derivative, dW_x, dW_h, db and dx are one big operation each over
all steps. Hidden states and step gradients are stored time-major, (time, batch, units), so every
per-step slice is contiguous; the arrays handed out are (batch, time, ...) views of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from ..init import Initialiser, get_initialiser
from .base import Layer, ShapeError, present

#: The activations a recurrent layer may use (linear and softmax make no sense inside the recurrence).
RNN_ACTIVATIONS = ("tanh", "relu", "sigmoid")


class SimpleRNN(Layer):
    """One recurrent layer with an element-wise activation.

    Settings: `units` (hidden size), `activation` (tanh, relu or sigmoid), `return_sequences`.
    Initial state: h_0 is zeros unless `set_initial_state(h0)` gave one, shaped (units,) (shared by
    every sequence of the batch) or (batch, units); after backward `grad_initial_state` holds
    dL/dh_0 with the same shape as h_0 ((batch, units) when h_0 is the default zeros).
    """

    type_tag = "simple_rnn"
    input_ranks = (2,)
    param_names = ("W_x", "W_h", "b")
    painted_params = ("W_x", "W_h")

    @classmethod
    def estimate(cls, input_shape: tuple[int, ...], **settings: Any) -> tuple[tuple[int, ...], int]:
        units = int(settings.get("units", 16))
        if len(input_shape) != 2:
            return tuple(input_shape), 0
        time, features = input_shape
        shape = (time, units) if settings.get("return_sequences", False) else (units,)
        return shape, features * units + units * units + units

    def __init__(
        self,
        input_shape: tuple[int, ...],
        units: int = 16,
        activation: str = "tanh",
        return_sequences: bool = False,
        *,
        init: str | Initialiser = "xavier",
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_shape)
        if len(self.input_shape) != 2:
            raise ShapeError(
                f"simple_rnn needs a sequence input (time, features), got {list(self.input_shape)}; "
                "use a sequence dataset, or put it after another simple_rnn with return_sequences on"
            )
        if min(self.input_shape) < 1:
            raise ShapeError(f"simple_rnn needs a non-empty sequence, got {list(self.input_shape)}")
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}")
        if activation not in RNN_ACTIVATIONS:
            raise ValueError(f"simple_rnn activation must be one of {', '.join(RNN_ACTIVATIONS)}, got {activation!r}")
        if not isinstance(return_sequences, (bool, np.bool_)):
            raise ValueError(f"return_sequences must be true or false, got {return_sequences!r}")
        self.units = units
        self.activation = get_activation(activation)
        self.return_sequences = bool(return_sequences)
        time, features = self.input_shape
        rng = rng if rng is not None else np.random.default_rng(0)
        initialiser = get_initialiser(init)
        # Both matrices use the chosen initialiser with their own fans (PyTorch instead draws all
        # weights from U(-1/sqrt(units), 1/sqrt(units)); xavier keeps the playground's one "init").
        self.params["W_x"] = initialiser((features, units), features, units, rng)
        self.params["W_h"] = initialiser((units, units), units, units, rng)
        self.params["b"] = np.zeros(units, dtype=np.float32)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.output_shape = (time, units) if self.return_sequences else (units,)

        self.initial_state: np.ndarray | None = None  # h_0: (units,) or (batch, units); None = zeros
        self.grad_initial_state: np.ndarray | None = None  # dL/dh_0 of the last backward
        # Forward caches: the input, and h_0..h_T time-major (time + 1, batch, units).
        self.x: np.ndarray | None = None
        self.hs: np.ndarray | None = None
        # From the last backward: ||dL/dh_t|| for t = 1..T, shape (time,); and, time-major
        # (time, batch, units), dL/dh_t (outputs' own and the recurrence's, not a fused loss's
        # dL/du) and dL/du_t per step, kept for the unit inspector (engine/inspect.py).
        self.grad_norms: np.ndarray | None = None
        self.state_grads: np.ndarray | None = None
        self.preactivation_grads: np.ndarray | None = None

    # ----------------------------------------------------------------------------- initial state

    def set_initial_state(self, h0: np.ndarray | None) -> None:
        """Use h0 ((units,) or (batch, units)) as h_0 in the following forwards; None means zeros."""
        if h0 is None:
            self.initial_state = None
            return
        h0 = np.array(h0, copy=True)
        if h0.ndim not in (1, 2) or h0.shape[-1] != self.units:
            raise ShapeError(
                f"simple_rnn initial state must be (units,) or (batch, units) with units={self.units}, "
                f"got {list(h0.shape)}"
            )
        self.initial_state = h0

    # ----------------------------------------------------------------------------- forward

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        """x: (batch, time, features) -> (batch, time, units) or, for the last step only, (batch, units)."""
        if x.ndim != 3 or x.shape[2] != self.input_shape[1]:
            raise ShapeError(f"simple_rnn expects input (batch, time, {self.input_shape[1]}), got {list(x.shape)}")
        W_x, W_h, b = self.params["W_x"], self.params["W_h"], self.params["b"]
        n, t_len, features = x.shape
        # Input projection for every step at once, time-major so each step's slice is contiguous.
        # (np.dot, not @: for 2-D it is the same product with less overhead, and unlike matmul it
        # stays on BLAS for one-feature inputs.)
        xt = x.transpose(1, 0, 2).reshape(t_len * n, features)
        xw = np.dot(xt, W_x)
        xw += b
        xw = xw.reshape(t_len, n, self.units)
        dtype = np.result_type(xw, W_h)
        W_h = W_h.astype(dtype, copy=False)  # np.dot(..., out=) needs one dtype throughout
        hs = np.empty((t_len + 1, n, self.units), dtype=dtype)
        h0 = self.initial_state
        if h0 is None:
            hs[0] = 0
        else:
            if h0.ndim == 2 and h0.shape[0] != n:
                raise ShapeError(f"simple_rnn initial state has batch {h0.shape[0]}, the input has batch {n}")
            hs[0] = h0
        # The recurrence, in place in hs: three NumPy calls per step (tanh and relu are the
        # activation's own formula, applied in place; sigmoid goes through the ActivationFn).
        f = self.activation.forward
        is_tanh, is_relu = self.activation.name == "tanh", self.activation.name == "relu"
        dot, tanh, maximum = np.dot, np.tanh, np.maximum
        for t in range(t_len):
            h = hs[t + 1]
            dot(hs[t], W_h, out=h)
            h += xw[t]
            if is_tanh:
                tanh(h, out=h)
            elif is_relu:
                maximum(h, 0, out=h)
            else:
                h[...] = f(h)
        self.x, self.hs = x, hs
        return hs[1:].transpose(1, 0, 2) if self.return_sequences else hs[t_len]

    # ----------------------------------------------------------------------------- backward

    def backward(self, dy: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dy: (batch, time, units) or (batch, units) -> dx: (batch, time, features); fills grads."""
        assert self.hs is not None, "simple_rnn: backward before forward"
        t_len, n, units = self.hs.shape
        t_len -= 1
        if self.return_sequences:
            dh = np.array(dy.transpose(1, 0, 2), dtype=self.hs.dtype, order="C")
        else:
            dh = np.empty((t_len, n, units), dtype=self.hs.dtype)  # steps < T are written by _bptt
            dh[-1] = dy
        return self._bptt(dh, None, need_input_grad)

    def backward_from_preactivation(self, du: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Backward from dL/du of the output step(s), for a loss fused with this layer's activation."""
        assert self.hs is not None, "simple_rnn: backward before forward"
        t_len, n, units = self.hs.shape
        t_len -= 1
        dh = np.empty((t_len, n, units), dtype=self.hs.dtype)
        dh[-1] = 0
        if self.return_sequences:
            direct = np.array(du.transpose(1, 0, 2), dtype=self.hs.dtype, order="C")
        else:
            direct = np.zeros_like(dh)
            direct[-1] = du
        return self._bptt(dh, direct, need_input_grad)

    def _bptt(self, dh: np.ndarray, direct: np.ndarray | None, need_input_grad: bool) -> np.ndarray | None:
        """Backpropagation through time over the whole sequence.

        dh: (time, batch, units) dL/dh_t from the outputs: every step with return_sequences, else
        only the last (the other steps are overwritten). It ends as the total dL/dh_t, recurrence
        included. direct: (time, batch, units) dL/du_t handed over by a fused loss, or None.
        """
        hs, x = self.hs, self.x
        assert hs is not None and x is not None, "simple_rnn: backward before forward"
        W_x, W_h = self.params["W_x"], self.params["W_h"]
        t_len, n, units = dh.shape
        # f'(u_t) for every step at once, from the outputs h_t (the activation's backward, dy = 1).
        local = self.activation.backward(hs[1:], np.ones((), dtype=dh.dtype))
        du = np.empty_like(dh)
        W_hT = np.ascontiguousarray(W_h.T, dtype=dh.dtype)
        accumulate = self.return_sequences and direct is None  # do the outputs feed dh[t - 1]?
        dot, multiply = np.dot, np.multiply
        for t in range(t_len - 1, 0, -1):
            d = du[t]
            multiply(dh[t], local[t], out=d)  # dL/du_t = dL/dh_t * f'(u_t)
            if direct is not None:
                d += direct[t]
            if accumulate:
                dh[t - 1] += dot(d, W_hT)  # dL/dh_{t-1} = output's own + dL/du_t W_h^T
            else:
                dot(d, W_hT, out=dh[t - 1])
        multiply(dh[0], local[0], out=du[0])
        if direct is not None:
            du[0] += direct[0]
        dh0 = dot(du[0], W_hT)
        h0 = self.initial_state
        self.grad_initial_state = dh0.sum(axis=0) if h0 is not None and h0.ndim == 1 else dh0

        # ||dL/dh_t|| per step; with a fused loss the output's own term is counted as its dL/du.
        total = dh if direct is None else dh + direct
        self.grad_norms = np.sqrt(np.einsum("tnh,tnh->t", total, total))
        self.state_grads, self.preactivation_grads = dh, du  # both fresh arrays of this backward

        # Every weight gradient is one product over all steps stacked: sum_t a_t^T du_t.
        du2 = du.reshape(t_len * n, units)
        xt = x.transpose(1, 0, 2).reshape(t_len * n, x.shape[2])
        self.grads["W_x"] = dot(xt.T, du2)
        self.grads["W_h"] = dot(hs[:-1].reshape(t_len * n, units).T, du2)
        self.grads["b"] = np.add.reduce(du2, axis=0)
        if not need_input_grad:
            return None
        return dot(du2, W_x.T).reshape(t_len, n, x.shape[2]).transpose(1, 0, 2)

    # ----------------------------------------------------------------------------- views, config

    def observe(self) -> dict[str, np.ndarray]:
        """input (batch, time, features); hidden_states (batch, time, units); output as returned by
        forward; grad_norms_per_step (time,): ||dL/dh_t|| of the last backward; state_grads and
        preactivation_grads (batch, time, units): dL/dh_t and dL/du_t of the last backward."""
        seen: dict[str, np.ndarray | None] = {"input": self.x}
        if self.hs is not None:
            states = self.hs[1:].transpose(1, 0, 2)
            seen["hidden_states"] = states
            seen["output"] = states if self.return_sequences else self.hs[-1]
        seen["grad_norms_per_step"] = self.grad_norms
        if self.state_grads is not None and self.preactivation_grads is not None:
            seen["state_grads"] = self.state_grads.transpose(1, 0, 2)
            seen["preactivation_grads"] = self.preactivation_grads.transpose(1, 0, 2)
        return present(seen)

    def config(self) -> dict[str, Any]:
        return {
            "type": self.type_tag,
            "units": self.units,
            "activation": self.activation.name,
            "return_sequences": self.return_sequences,
        }
