"""Writes the PyTorch 2.13 golden values for dense and activation layers, losses and optimizers.

Run once with torch installed (`make bench` installs it): .venv/bin/python tests/engine/golden/make_core_golden.py
The tests only read the .npz files this writes; torch is never needed to run them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
ACTS = {
    "linear": lambda u: u,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda u: F.leaky_relu(u, 0.01),
    "softmax": lambda u: torch.softmax(u, dim=-1),
}


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float32, requires_grad=grad)


def dense_and_activation(rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    for name, act in ACTS.items():
        x, w, b = rng.standard_normal((4, 5)), rng.standard_normal((5, 3)) * 0.7, rng.standard_normal(3) * 0.3
        r = rng.standard_normal((4, 3))
        xt, wt, bt = t(x, True), t(w, True), t(b, True)
        y = act(xt @ wt + bt)
        y.backward(t(r))
        for k, v in dict(x=x, W=w, b=b, r=r, y=y.detach(), dx=xt.grad, dW=wt.grad, db=bt.grad).items():
            out[f"dense.{name}.{k}"] = np.asarray(v, dtype=np.float32)
        z = rng.standard_normal((3, 7)) * 2
        rz = rng.standard_normal((3, 7))
        zt = t(z, True)
        yz = act(zt)
        yz.backward(t(rz))
        for k, v in dict(x=z, r=rz, y=yz.detach(), dx=zt.grad).items():
            out[f"activation.{name}.{k}"] = np.asarray(v, dtype=np.float32)
    return out


def dropout(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """PyTorch draws its masks from its own generator, so the mask is fixed here and PyTorch applies
    it the way its inverted dropout does (x * mask / (1 - p)), gradient by autograd."""
    x, r = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
    mask = rng.random((4, 6)) >= 0.3
    xt = t(x, True)
    y = xt * torch.tensor(mask, dtype=torch.float32) / (1 - 0.3)
    y.backward(t(r))
    return {
        "dropout.x": x,
        "dropout.r": r,
        "dropout.mask": mask.astype(np.float32),
        "dropout.y": y.detach().numpy(),
        "dropout.dx": xt.grad.numpy(),
    }


def losses(rng: np.random.Generator) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}

    def record(name: str, inp: np.ndarray, target: np.ndarray, fn) -> None:
        it = t(inp, True)
        value = fn(it)
        value.backward()
        out.update(
            {
                f"loss.{name}.input": inp.astype(np.float32),
                f"loss.{name}.target": target.astype(np.float32),
                f"loss.{name}.value": np.float32(value.item()),
                f"loss.{name}.grad": it.grad.numpy(),
            }
        )

    pred, target = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    record("mse", pred, target, lambda p: F.mse_loss(p, t(target)))
    u, yb = rng.standard_normal((6, 1)) * 2, rng.integers(0, 2, (6, 1)).astype(np.float64)
    p = 1 / (1 + np.exp(-u))
    record("binary_cross_entropy", p, yb, lambda q: F.binary_cross_entropy(q, t(yb)))
    record("binary_cross_entropy_with_logits", u, yb, lambda z: F.binary_cross_entropy_with_logits(z, t(yb)))
    record("bce_fused", u, yb, lambda z: F.binary_cross_entropy(torch.sigmoid(z), t(yb)))
    logits, labels = rng.standard_normal((6, 4)) * 2, rng.integers(0, 4, (6, 1))
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    lab = torch.tensor(labels.ravel(), dtype=torch.long)
    record("cross_entropy", probs, labels, lambda q: F.nll_loss(torch.log(q), lab))
    record("ce_fused", logits, labels, lambda z: F.cross_entropy(z, lab))
    return out


OPTIMIZERS = {
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.01),
    "momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    "nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adam": lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.01),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01),
}


def optimizers(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Five full-batch steps of a 3-4-2 tanh/linear MLP under MSE, for every optimizer."""
    out = {}
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    w1, b1 = rng.standard_normal((3, 4)) * 0.5, rng.standard_normal(4) * 0.1
    w2, b2 = rng.standard_normal((4, 2)) * 0.5, rng.standard_normal(2) * 0.1
    out.update({"opt.x": x, "opt.y": y, "opt.W1": w1, "opt.b1": b1, "opt.W2": w2, "opt.b2": b2})
    for name, make in OPTIMIZERS.items():
        params = [t(w1, True), t(b1, True), t(w2, True), t(b2, True)]
        opt = make(params)
        losses_seen = []
        for _ in range(5):
            opt.zero_grad()
            loss = F.mse_loss(torch.tanh(t(x) @ params[0] + params[1]) @ params[2] + params[3], t(y))
            loss.backward()
            opt.step()
            losses_seen.append(loss.item())
        for k, p in zip(("W1", "b1", "W2", "b2"), params):
            out[f"opt.{name}.{k}"] = p.detach().numpy()
        out[f"opt.{name}.losses"] = np.array(losses_seen)
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def main() -> None:
    rng = np.random.default_rng(2026)
    arrays = {**dense_and_activation(rng), **losses(rng), **optimizers(rng)}
    arrays.update({k: np.asarray(v, dtype=np.float32) for k, v in dropout(np.random.default_rng(7)).items()})
    np.savez(HERE / "core.npz", **arrays)
    print(f"wrote {HERE / 'core.npz'} ({len(arrays)} arrays) with torch {torch.__version__}")


if __name__ == "__main__":
    main()
