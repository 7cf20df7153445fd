"""The loss over a plane through the current weights: θ(a, b) = θ0 + a·d1 + b·d2 on a grid of (a, b),
each point scored on whole arrays in inference mode (the loss-curve's own computation).

Directions are flat vectors in `Network.parameters()` order: a unit vector along one parameter entry
(so a model with two trainable numbers shows its true landscape over their values), or seeded random
directions scaled per parameter array to that array's norm (layer-wise normalisation, after Li et
al. 2018, "Visualizing the Loss Landscape of Neural Nets"), so that one unit along a direction
changes every layer by about its own size.
"""

from __future__ import annotations

import numpy as np

from .losses import Loss
from .network import Network

# Samples per forward pass (as the loss curve scores a split): a whole image set at once could take
# gigabytes of activations.
CHUNK = 1024


def flat_weights(network: Network) -> np.ndarray:
    """The network's parameters as one vector; the network then reads them from it (a copy of the
    current values is returned, the vector itself is `network.flat_params`)."""
    flat = network.flat_params if network.flat_params is not None else network.flatten_parameters()
    if flat is None:
        raise ValueError("the model has no trainable parameters")
    return flat.copy()


def entry_direction(network: Network, layer: int, name: str, index: tuple[int, ...]) -> tuple[np.ndarray, float]:
    """The unit vector along one parameter entry, and that entry's current value."""
    offset = 0
    for (i, pname), p, _ in network.parameters():
        if (i, pname) == (layer, name):
            position = offset + int(np.ravel_multi_index(index, p.shape))
            direction = np.zeros(sum(q.size for _, q, _ in network.parameters()), dtype=np.float32)
            direction[position] = 1
            return direction, float(p[index])
        offset += p.size
    raise KeyError(f"layer {layer} has no parameter {name!r}")


def random_directions(network: Network, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two seeded Gaussian directions, each parameter array's part scaled to that array's norm (an
    array that is all zeros, like fresh biases, gets no part)."""
    rng = np.random.default_rng(seed)
    parts: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    for _, p, _ in network.parameters():
        norm = float(np.linalg.norm(p))
        for out in parts:
            r = rng.standard_normal(p.size)
            r_norm = float(np.linalg.norm(r))
            out.append((r * (norm / r_norm if r_norm > 0 else 0.0)).astype(np.float32))
    return np.concatenate(parts[0]), np.concatenate(parts[1])


def split_loss(network: Network, loss: Loss, x: np.ndarray, y: np.ndarray) -> float:
    """The loss over whole arrays in inference mode, forward in chunks."""
    if len(x) <= CHUNK:
        p = network.forward(x, training=False)
    else:
        p = np.concatenate([network.forward(x[i : i + CHUNK], training=False) for i in range(0, len(x), CHUNK)])
    return float(loss.value(p, y))


def loss_surface(
    network: Network,
    loss: Loss,
    x: np.ndarray,
    y: np.ndarray,
    directions: tuple[np.ndarray, np.ndarray],
    alphas: np.ndarray,
    betas: np.ndarray,
) -> np.ndarray:
    """(len(betas), len(alphas)) losses at θ0 + a·d1 + b·d2, row j for betas[j]; NaN where the loss is
    not finite. The network's weights are back at θ0 afterwards."""
    origin = flat_weights(network)
    flat = network.flat_params
    assert flat is not None  # flat_weights made it
    d1, d2 = directions
    out = np.empty((len(betas), len(alphas)), dtype=np.float64)
    try:
        with np.errstate(all="ignore"):  # a far corner may overflow: it is shown as a gap
            for j, b in enumerate(betas):
                row = origin + np.float32(b) * d2
                for i, a in enumerate(alphas):
                    np.add(row, np.float32(a) * d1, out=flat)
                    out[j, i] = split_loss(network, loss, x, y)
    finally:
        flat[...] = origin
    out[~np.isfinite(out)] = np.nan
    return out
