"""Central differences in float64, and a checker for any layer that follows the engine contract."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EPS = 1e-6


def numeric_grad(f: Callable[[], float], x: np.ndarray) -> np.ndarray:
    """d f / d x by central differences, perturbing x in place (and restoring it)."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + EPS
        plus = f()
        x[i] = old - EPS
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * EPS)
    return grad


def check_layer(layer, x: np.ndarray, rng: np.random.Generator, rtol: float = 1e-5) -> None:
    """Compare backward's input and parameter gradients with finite differences of sum(y · r)."""
    for k in layer.params:
        layer.params[k] = layer.params[k].astype(np.float64)
    x = x.astype(np.float64)
    y = layer.forward(x, training=True)
    r = rng.standard_normal(y.shape)  # a random projection makes every output element count

    def objective() -> float:
        return float(np.sum(layer.forward(x, training=True) * r))

    layer.forward(x, training=True)
    dx = layer.backward(r)
    grads = {k: np.array(v, copy=True) for k, v in layer.grads.items()}
    np.testing.assert_allclose(dx, numeric_grad(objective, x), rtol=rtol, atol=1e-7, err_msg="input")
    for k, p in layer.params.items():
        np.testing.assert_allclose(grads[k], numeric_grad(objective, p), rtol=rtol, atol=1e-7, err_msg=k)


def check_loss_grad(loss, p: np.ndarray, y: np.ndarray) -> None:
    analytic = loss.grad(p, y)
    numeric = numeric_grad(lambda: loss.value(p, y), p)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
