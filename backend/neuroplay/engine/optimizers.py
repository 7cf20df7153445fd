"""Optimizers. Each keeps its own state keyed by (layer index, param name); layers never own one.

Update rules follow PyTorch's (torch.optim) so that golden values compare one to one, with L2 weight
decay added to the gradient first (g ← g + λθ) as PyTorch's `weight_decay` does. `learning_rate` and
`l2` are plain attributes: change them between steps and the state (velocities, moments) is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

ParamKey = tuple[int, str]
ParamGrad = tuple[ParamKey, np.ndarray, np.ndarray]


class Optimizer:
    name = ""

    def __init__(self, learning_rate: float, l2: float = 0.0) -> None:
        if not learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
        self.learning_rate = float(learning_rate)
        self.l2 = float(l2)
        self.state: dict[ParamKey, dict[str, Any]] = {}

    def step(self, params_and_grads: Iterable[ParamGrad]) -> None:
        l2 = self.l2
        for key, p, g in params_and_grads:
            if l2:
                g = g + np.float32(l2) * p
            self.update(key, p, g)

    def update(self, key: ParamKey, p: np.ndarray, g: np.ndarray) -> None:
        """Change p in place from its gradient g."""
        raise NotImplementedError

    def reset_entries(self, key: ParamKey, mask: np.ndarray | None = None) -> None:
        """Forget what the state remembers of parameter `key` at the True entries of `mask` (None:
        the whole parameter), after the learner set those values by hand: velocities and moments
        start again from zero there. A whole parameter loses its state entirely (Adam's step count
        too); single entries keep the parameter's step count, which Adam shares across its entries."""
        slots = self.state.get(key)
        if slots is None:
            return
        if mask is None or mask.all():
            del self.state[key]
            return
        for value in slots.values():
            if isinstance(value, np.ndarray) and value.shape == mask.shape:
                value[mask] = 0

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The whole state as flat named arrays (for saving as .npz without pickle)."""
        out = {}
        for (layer, pname), slots in self.state.items():
            for slot, value in slots.items():
                out[f"layer{layer}.{pname}.{slot}"] = np.asarray(value)
        return out

    def load_state_arrays(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.state = {}
        for name, value in arrays.items():
            layer, pname, slot = name.split(".")
            key = (int(layer.removeprefix("layer")), pname)
            self.state.setdefault(key, {})[slot] = value.copy() if value.ndim else value.item()


class SGD(Optimizer):
    """θ ← θ − η g."""

    name = "sgd"

    def step(self, params_and_grads: Iterable[ParamGrad]) -> None:
        # The hot loop of small networks: one multiply and one in-place subtract per parameter.
        lr, l2 = np.float32(self.learning_rate), np.float32(self.l2)
        for _, p, g in params_and_grads:
            if l2:
                g = g + l2 * p
            p -= lr * g

    def update(self, key: ParamKey, p: np.ndarray, g: np.ndarray) -> None:
        p -= np.float32(self.learning_rate) * g

    def step_flat(self, flat_params: np.ndarray, flat_grads: np.ndarray) -> None:
        """The same update on every parameter at once, when they share one flat buffer."""
        if self.l2:
            flat_grads = flat_grads + np.float32(self.l2) * flat_params
        flat_params -= np.float32(self.learning_rate) * flat_grads


class Momentum(Optimizer):
    """v ← μ v + g;  θ ← θ − η v   (Nesterov: θ ← θ − η (g + μ v)), as torch.optim.SGD(momentum=μ)."""

    name = "momentum"

    def __init__(self, learning_rate: float, l2: float = 0.0, momentum: float = 0.9, nesterov: bool = False) -> None:
        super().__init__(learning_rate, l2)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def update(self, key: ParamKey, p: np.ndarray, g: np.ndarray) -> None:
        slots = self.state.get(key)
        if slots is None:
            slots = self.state[key] = {"velocity": g.copy()}  # PyTorch starts the buffer at g
            velocity = slots["velocity"]
        else:
            velocity = slots["velocity"]
            velocity *= np.float32(self.momentum)
            velocity += g
        step = g + np.float32(self.momentum) * velocity if self.nesterov else velocity
        p -= np.float32(self.learning_rate) * step


class RMSprop(Optimizer):
    """s ← ρ s + (1 − ρ) g²;  θ ← θ − η g / (√s + ε), as torch.optim.RMSprop(alpha=ρ)."""

    name = "rmsprop"

    def __init__(self, learning_rate: float, l2: float = 0.0, rho: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(learning_rate, l2)
        self.rho, self.eps = float(rho), float(eps)

    def update(self, key: ParamKey, p: np.ndarray, g: np.ndarray) -> None:
        slots = self.state.setdefault(key, {"square_avg": np.zeros_like(p)})
        s = slots["square_avg"]
        s *= np.float32(self.rho)
        s += np.float32(1 - self.rho) * g * g
        p -= np.float32(self.learning_rate) * g / (np.sqrt(s) + np.float32(self.eps))


class Adam(Optimizer):
    """m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  θ ← θ − η m̂ / (√v̂ + ε), bias-corrected."""

    name = "adam"

    def __init__(
        self, learning_rate: float, l2: float = 0.0, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(learning_rate, l2)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def update(self, key: ParamKey, p: np.ndarray, g: np.ndarray) -> None:
        slots = self.state.get(key)
        if slots is None:
            slots = self.state[key] = {"m": np.zeros_like(p), "v": np.zeros_like(p), "t": 0}
        slots["t"] += 1
        t, m, v = slots["t"], slots["m"], slots["v"]
        b1, b2 = self.beta1, self.beta2
        m *= np.float32(b1)
        m += np.float32(1 - b1) * g
        v *= np.float32(b2)
        v += np.float32(1 - b2) * g * g
        # PyTorch's form: θ ← θ − (η / (1 − β1^t)) m / (√v / √(1 − β2^t) + ε)
        denom = np.sqrt(v) / np.float32(np.sqrt(1 - b2**t)) + np.float32(self.eps)
        p -= np.float32(self.learning_rate / (1 - b1**t)) * m / denom


OPTIMIZERS: Mapping[str, Callable[..., Optimizer]] = MappingProxyType(
    {
        "sgd": SGD,
        "momentum": Momentum,
        "nesterov": lambda learning_rate, l2=0.0, **kw: Momentum(learning_rate, l2, nesterov=True, **kw),
        "adam": Adam,
        "rmsprop": RMSprop,
    }
)


def make_optimizer(name: str, learning_rate: float, l2: float = 0.0, **settings: Any) -> Optimizer:
    try:
        factory = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZERS)})") from None
    return factory(learning_rate=learning_rate, l2=l2, **settings)
