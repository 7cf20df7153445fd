"""The gradient of the loss a landscape draws, and the plane's coordinates of any weights.

The landscape (landscape.py) draws the training-set loss in inference mode over θ0 + a·d1 + b·d2.
Its gradient at θ0 is ∇L(θ0) over the whole training set (full-batch gradient descent's gradient; no
L2 term, as the loss curve has none), backpropagated as the trainer does (a fused loss enters the last
layer at dL/du). Projected onto the plane in the axes' own units it is G⁻¹·D·∇L, with D the two
directions as rows and G = D·Dᵀ their Gram matrix: exactly (∂L/∂x, ∂L/∂y) for two parameter entries,
and the least-squares projection for random directions (which are not orthogonal in general).

The same matrix P = G⁻¹·D maps any weights θ to where they sit on the plane: P·θ − P·θ0 (the
optimizer's path, drawn by the browser from the weights it watches).
"""

from __future__ import annotations

import numpy as np

from .landscape import CHUNK, flat_weights
from .losses import Loss
from .network import Network


def _fused(network: Network, loss: Loss) -> bool:
    act = getattr(network.layers[-1], "activation", None) if network.layers else None
    return bool(loss.fused_activation and act is not None and act.name == loss.fused_activation)


def full_gradient(network: Network, loss: Loss, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇L over the whole of (x, y) in inference mode, flat in `Network.parameters()` order (float64).

    Forward and backward in chunks of CHUNK samples; each chunk's gradient is of its own mean loss,
    so it is weighted by its share of the samples. Overwrites the network's caches and grads."""
    flat_weights(network)  # raises for a model without parameters
    total = np.zeros(sum(p.size for _, p, _ in network.parameters()), dtype=np.float64)
    last = len(network.layers) - 1
    fused = _fused(network, loss)
    n = len(x)
    with np.errstate(all="ignore"):  # a diverged model's gradient is reported as not finite
        for start in range(0, n, CHUNK):
            xb, yb = x[start : start + CHUNK], y[start : start + CHUNK]
            p = network.forward(xb, training=False)
            if fused:
                assert loss.grad_wrt_logits is not None  # a loss with a fused activation defines it
                network.backward_from(last, loss.grad_wrt_logits(p, yb), False, preactivation=True)
            else:
                network.backward_from(last, loss.grad(p, yb), False, preactivation=False)
            grads = np.concatenate([g.ravel() for _, _, g in network.parameters()]).astype(np.float64)
            total += grads * (len(xb) / n)
    return total


def plane_projection(d1: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """P = G⁻¹·D (2, N): P·v is the vector v's least-squares coordinates on the plane along d1, d2."""
    d = np.stack([d1, d2]).astype(np.float64)
    gram = d @ d.T
    return np.asarray(np.linalg.solve(gram, d))
