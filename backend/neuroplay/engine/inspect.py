"""Everything one sample does inside the network: each layer's input, output and pre-activation on the
way forward, and on the way back dL/d(output) of each layer and dL/d(each parameter), for that sample
alone with its own target.

The forward pass runs in inference mode (dropout is the identity, batch norm uses its running
statistics), so the numbers are those of the model as it stands, not of a training step. The backward
pass is the trainer's: when the loss is fused with the last layer's activation (softmax with
cross-entropy, sigmoid with binary cross-entropy) the last layer is entered from dL/du = (p - y)/m, as
`Trainer.backward` does, so the parameter gradients are the ones a training step on this sample would
see (before clipping).

`inspect_sample` runs on the network it is given: it overwrites the layers' caches and grads. Callers
pass a copy (built from a snapshot of the weights), never a trainer's network in the middle of training.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import ActivationFn
from .layers import Activation, Layer, SimpleRNN
from .losses import Loss
from .network import Network


@dataclass(frozen=True)
class RecurrentSteps:
    """A recurrent layer's numbers per time step for one sample, each (time, units) but h_0 (units,):
    u_t = x_t·W_x + h_(t-1)·W_h + b and h_t = f(u_t) on the way forward; dL/dh_t (the outputs' own
    gradient plus the recurrence's, dL/du_(t+1)·W_hᵀ) and dL/du_t = dL/dh_t·f′(u_t) on the way back.
    A weight's gradient sums over the steps (backpropagation through time): dL/dW_x = Σ_t x_tᵀ·dL/du_t,
    dL/dW_h = Σ_t h_(t-1)ᵀ·dL/du_t, dL/db = Σ_t dL/du_t."""

    initial_state: np.ndarray  # h_0
    states: np.ndarray  # h_1 ... h_T
    state_grads: np.ndarray  # dL/dh_1 ... dL/dh_T
    preactivation_grads: np.ndarray  # dL/du_1 ... dL/du_T


@dataclass(frozen=True)
class LayerInspection:
    """One layer for one sample; every array is for the sample alone, without the batch axis."""

    type: str
    input: np.ndarray
    output: np.ndarray
    preactivation: np.ndarray | None  # u with output = f(u), for the layers that apply an activation
    output_grad: np.ndarray  # dL/d(output)
    param_grads: dict[str, np.ndarray] = field(default_factory=dict)  # keyed W, b, gamma, W_h, ...
    recurrence: RecurrentSteps | None = None  # a simple_rnn's numbers per time step
    slope: np.ndarray | None = None  # f′(u) per unit (every step's for simple_rnn); None: no element-wise f
    preactivation_grad: np.ndarray | None = None  # dL/du (simple_rnn: in recurrence, per step)


@dataclass(frozen=True)
class Inspection:
    loss: float
    prediction: np.ndarray  # the network's output for the sample, without the batch axis
    target: np.ndarray
    layers: list[LayerInspection]


def loss_is_fused(network: Network, loss: Loss) -> bool:
    """Whether the loss's gradient enters the last layer before its activation (its partner)."""
    last = network.layers[-1] if network.layers else None
    act = getattr(last, "activation", None)
    return bool(loss.fused_activation and act is not None and act.name == loss.fused_activation)


def inspect_sample(network: Network, loss: Loss, x: np.ndarray, y: np.ndarray) -> Inspection:
    """Forward x (one sample, batch axis of 1) in inference mode, backward with its target y."""
    if x.shape[:1] != (1,) or y.shape[:1] != (1,):
        raise ValueError(
            f"inspect_sample takes one sample with a batch axis of 1, got x {list(x.shape)} and y {list(y.shape)}"
        )
    layers = network.layers
    inputs: list[np.ndarray] = []
    outputs: list[np.ndarray] = []
    a = x
    for layer in layers:
        inputs.append(a)
        a = layer.forward(a, False)
        outputs.append(a)
    # Pre-activations are read right after the forward pass, before backward can touch any cache.
    preactivations = [_preactivation(layer, inp) for layer, inp in zip(layers, inputs, strict=True)]
    p = a
    value = loss.value(p, y)
    output_grads = _backward(network, loss, p, y)
    fused = loss_is_fused(network, loss)
    last = len(layers) - 1
    entries = []
    for i, layer in enumerate(layers):
        recurrence = _recurrence(layer, output_grads[i] if fused and i == last else None)
        act = _activation_of(layer) if preactivations[i] is not None else None
        du = None
        if act is not None and not isinstance(layer, SimpleRNN):
            # Entered from a fused loss: its dL/du; else what backward computes from dL/d(output).
            if fused and i == last:
                assert loss.grad_wrt_logits is not None  # a loss with a fused activation defines it
                du = loss.grad_wrt_logits(p, y)
            else:
                du = act.backward(outputs[i], output_grads[i])
        entries.append(
            LayerInspection(
                type=layer.type_tag,
                input=_one(inputs[i]),
                output=_one(outputs[i]),
                preactivation=_one_or_none(preactivations[i]),
                output_grad=_one(output_grads[i]),
                param_grads={name: np.array(g, copy=True) for name, g in layer.grads.items()},
                recurrence=recurrence,
                slope=_slope(act, layer, _one(outputs[i]), recurrence),
                preactivation_grad=_one_or_none(du),
            )
        )
    return Inspection(loss=float(value), prediction=_one(p), target=_one(y), layers=entries)


def _activation_of(layer: Layer) -> ActivationFn | None:
    act = getattr(layer, "activation", None)
    return act if isinstance(act, ActivationFn) else None


def _slope(
    act: ActivationFn | None, layer: Layer, output: np.ndarray, steps: RecurrentSteps | None
) -> np.ndarray | None:
    """f′(u) of every unit from its y = f(u) (a simple_rnn's every state h_t), computed by the
    activation's own backward; None for softmax (no scalar f′) and layers without an activation."""
    if act is None or not act.elementwise:
        return None
    if isinstance(layer, SimpleRNN):
        return None if steps is None else act.slope(steps.states)
    return act.slope(output)


def _backward(network: Network, loss: Loss, p: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Backpropagate as the trainer does and return dL/d(output) of every layer, in layer order.

    With a fused loss the last layer is entered from dL/du, but its dL/d(output) is still reported,
    from the loss's own gradient dL/dp (finite: the losses floor their denominators).
    """
    layers = network.layers
    last = len(layers) - 1
    grads: list[np.ndarray] = [np.empty(0)] * len(layers)
    if last < 0:
        return grads
    fused = loss_is_fused(network, loss)
    grads[last] = loss.grad(p, y)
    d: np.ndarray | None = grads[last]
    for i in range(last, -1, -1):
        layer = layers[i]
        if i < last:
            assert d is not None  # every layer above the first returns its input gradient
            grads[i] = d
        need_input_grad = i > 0
        if fused and i == last:
            assert loss.grad_wrt_logits is not None  # a loss with a fused activation defines it
            du = loss.grad_wrt_logits(p, y)
            layer.grad_output = du  # what Network.backward_from leaves there (the views read it)
            d = _backward_from_preactivation(layer, du, need_input_grad)
        else:
            layer.grad_output = grads[i]
            d = layer.backward(grads[i], need_input_grad)
    return grads


def _backward_from_preactivation(layer: Layer, du: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
    method = getattr(layer, "backward_from_preactivation", None)
    if method is None:
        raise TypeError(f"{layer.type_tag} has no activation to fuse the loss with")
    result: np.ndarray | None = method(du, need_input_grad)
    return result


def _preactivation(layer: Layer, layer_input: np.ndarray) -> np.ndarray | None:
    """u of output = f(u) for the last forward pass, or None for a layer without an activation."""
    if isinstance(layer, Activation):
        return layer_input
    if isinstance(layer, SimpleRNN):
        return _rnn_preactivation(layer)
    return layer.observe().get("preactivation")


def _rnn_preactivation(layer: SimpleRNN) -> np.ndarray | None:
    """u_t = x_t W_x + b + h_(t-1) W_h for every step, (batch, time, units): the recurrent layer keeps
    only the states h_t, so u is rebuilt from them with the layer's own weights and the same sums."""
    seen = layer.observe()
    x, states = seen.get("input"), seen.get("hidden_states")
    if x is None or states is None:
        return None
    n = x.shape[0]
    h0 = layer.initial_state
    first = np.zeros((n, 1, layer.units), dtype=states.dtype)
    if h0 is not None:
        first[:, 0] = h0
    previous = np.concatenate([first, states[:, :-1]], axis=1)
    xw = x @ layer.params["W_x"]
    xw += layer.params["b"]
    u: np.ndarray = previous @ layer.params["W_h"].astype(states.dtype, copy=False) + xw
    return u


def _recurrence(layer: Layer, fused_output_grad: np.ndarray | None) -> RecurrentSteps | None:
    """The per-step numbers of a simple_rnn after inspect's forward and backward (None for other layers).

    `fused_output_grad`: dL/d(output) of a last layer whose loss entered at dL/du (a fused loss); the
    layer's own dL/dh_t then holds only the recurrence's part, and the output's is added here so that
    dL/dh_t means the same for every layer."""
    if not isinstance(layer, SimpleRNN):
        return None
    seen = layer.observe()
    states, state_grads, du = seen.get("hidden_states"), seen.get("state_grads"), seen.get("preactivation_grads")
    if states is None or state_grads is None or du is None:
        return None
    dh = np.array(state_grads[0], copy=True)
    if fused_output_grad is not None:
        if layer.return_sequences:
            dh += fused_output_grad[0]
        else:
            dh[-1] += fused_output_grad[0]
    h0 = np.zeros(layer.units, dtype=states.dtype)
    if layer.initial_state is not None:
        h0[...] = layer.initial_state if layer.initial_state.ndim == 1 else layer.initial_state[0]
    return RecurrentSteps(initial_state=h0, states=_one(states), state_grads=dh, preactivation_grads=_one(du))


def _one_or_none(a: np.ndarray | None) -> np.ndarray | None:
    return None if a is None else _one(a)


def _one(a: np.ndarray) -> np.ndarray:
    """The sample's own array: a copy without the batch axis (the caches are reused by later passes)."""
    return np.array(a[0], copy=True)


def preactivations(network: Network, x: np.ndarray) -> list[np.ndarray | None]:
    """u of output = f(u) of every layer for a batch x, forward in inference mode (None for a layer
    without an activation): what the f/f' plots beside the layers draw as a distribution.

    Like inspect_sample, it overwrites the layers' caches: pass a copy network."""
    out: list[np.ndarray | None] = []
    a = x
    for layer in network.layers:
        layer_input = a
        a = layer.forward(a, False)
        u = _preactivation(layer, layer_input)
        out.append(None if u is None else np.array(u, copy=True))
    return out
