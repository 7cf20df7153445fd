"""Engine training-step throughput against PyTorch 2.13 CPU on the same network, in the same run.

Workload (issue 2): 2-4-2-1 tanh MLP, sigmoid output, binary cross-entropy, SGD, batch 10, on the
default circle data (250 training points). Target: engine at least 4x PyTorch's steps/s. Also the
floor: a hand-fused NumPy step of exactly the same maths (target: engine within 1.5x of it).
Run: .venv/bin/python benchmarks/bench_engine.py   (needs `pip install torch==2.13.0`; make bench does it)
"""

from __future__ import annotations

import platform

import numpy as np
import torch

from common import mlp_spec, print_table, rate
from neuroplay.data import make_dataset
from neuroplay.engine import Trainer, build_network, get_loss, make_optimizer
from neuroplay.schemas.dataset import DatasetSpec

LR, BATCH = 0.03, 10


def engine_step(x: np.ndarray, y: np.ndarray):
    net = build_network(mlp_spec([4, 2]), seed=0)
    trainer = Trainer(net, get_loss("binary_cross_entropy"), make_optimizer("sgd", LR), x, y, BATCH, 0)
    return trainer.train_step


def torch_step(x: np.ndarray, y: np.ndarray, threads: int):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1)
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()  # PyTorch's fastest stable form of sigmoid + BCE
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    state = {"order": torch.randperm(len(x)), "pos": 0}

    def step() -> None:
        if state["pos"] >= len(x):
            state["order"], state["pos"] = torch.randperm(len(x)), 0
        idx = state["order"][state["pos"] : state["pos"] + BATCH]
        state["pos"] += BATCH
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()

    return step


def fused_numpy_step(x: np.ndarray, y: np.ndarray):
    """The same maths written out by hand: the floor for any NumPy engine."""
    rng = np.random.default_rng(0)
    w1 = rng.uniform(-1, 1, (2, 4)).astype(np.float32)
    b1 = np.zeros(4, np.float32)
    w2 = rng.uniform(-1, 1, (4, 2)).astype(np.float32)
    b2 = np.zeros(2, np.float32)
    w3 = rng.uniform(-1, 1, (2, 1)).astype(np.float32)
    b3 = np.zeros(1, np.float32)
    lr = np.float32(LR)
    state = {"order": rng.permutation(len(x)), "pos": 0}

    def step() -> None:
        nonlocal w1, b1, w2, b2, w3, b3
        if state["pos"] >= len(x):
            state["order"], state["pos"] = rng.permutation(len(x)), 0
        idx = state["order"][state["pos"] : state["pos"] + BATCH]
        state["pos"] += BATCH
        xb, yb = x[idx], y[idx]
        h1 = np.tanh(xb @ w1 + b1)
        h2 = np.tanh(h1 @ w2 + b2)
        p = 0.5 * (1 + np.tanh(0.5 * (h2 @ w3 + b3)))
        float(-np.mean(yb * np.log(p) + (1 - yb) * np.log(1 - p)))  # the loss value, as the engine reports it
        d3 = (p - yb) * (1.0 / len(idx))
        d2 = (d3 @ w3.T) * (1 - h2 * h2)
        d1 = (d2 @ w2.T) * (1 - h1 * h1)
        g3, g2, g1 = h2.T @ d3, h1.T @ d2, xb.T @ d1
        w3 -= lr * g3
        b3 -= lr * d3.sum(0)
        w2 -= lr * g2
        b2 -= lr * d2.sum(0)
        w1 -= lr * g1
        b1 -= lr * d1.sum(0)

    return step


def main() -> None:
    data = make_dataset(DatasetSpec())  # circle, 500 points, noise 0.1, half for validation
    x, y = data.x_train, data.y_train
    # NumPy first: after PyTorch has run, its OpenMP threads spin and steal a core from NumPy.
    engine = rate(engine_step(x, y))
    floor = rate(fused_numpy_step(x, y))
    reference = max(rate(torch_step(x, y, threads)) for threads in (1, 2))  # PyTorch at its best
    print(f"machine: {platform.machine()}, numpy {np.__version__}, torch {torch.__version__} (best of 1 and 2 threads)")
    print_table(
        "2-4-2-1 tanh MLP, batch 10, SGD step (steps/s, median of 5)",
        ["implementation", "steps/s", "us/step", "ratio", "target"],
        [
            ["neuroplay engine", f"{engine:,.0f}", f"{1e6 / engine:.1f}", "1.00", ""],
            [
                "PyTorch 2.13 CPU",
                f"{reference:,.0f}",
                f"{1e6 / reference:.1f}",
                f"engine {engine / reference:.2f}x faster",
                ">= 4x",
            ],
            [
                "hand-fused NumPy",
                f"{floor:,.0f}",
                f"{1e6 / floor:.1f}",
                f"engine takes {floor / engine:.2f}x its time",
                "<= 1.5x",
            ],
        ],
    )


if __name__ == "__main__":
    main()
