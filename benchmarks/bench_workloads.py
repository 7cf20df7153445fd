"""The engine against PyTorch 2.13 CPU on the workloads of issue 3, float32, measured in the same run.

Each row times one full training step (forward, loss, backward, optimizer update) on a fixed
random batch, engine and PyTorch alike, and prints the ratio PyTorch time / engine time against its
target. The last row compares the engine's tiny-MLP step with a hand-fused NumPy step of the same maths.
Run: .venv/bin/python benchmarks/bench_workloads.py   (make bench installs torch==2.13.0)
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from common import print_table, rate
from neuroplay.engine import Trainer, build_network, get_loss, make_optimizer


@dataclass
class Workload:
    name: str
    spec: dict
    loss: str
    batch: int
    x_shape: tuple[int, ...]
    classes: int | None  # None: regression/binary target of shape (batch, 1)
    torch_model: Callable[[], nn.Module]
    target: float


def dense(units: int, activation: str) -> dict:
    return {"type": "dense", "units": units, "activation": activation}


def conv(filters: int, padding: str) -> dict:
    return {"type": "conv2d", "filters": filters, "kernel_size": 3, "padding": padding, "activation": "relu"}


POOL = {"type": "max_pool2d", "pool_size": 2}
FLATTEN = {"type": "flatten"}

WORKLOADS = [
    Workload(
        "2-8-8-1 tanh MLP, batch 10",
        {"input_shape": [2], "layers": [dense(8, "tanh"), dense(8, "tanh"), dense(1, "sigmoid")]},
        "binary_cross_entropy",
        10,
        (2,),
        None,
        lambda: nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1)),
        4.0,
    ),
    Workload(
        "784-128-10 ReLU MLP, batch 64",
        {"input_shape": [784], "layers": [dense(128, "relu"), dense(10, "softmax")]},
        "cross_entropy",
        64,
        (784,),
        10,
        lambda: nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)),
        0.7,
    ),
    Workload(
        "8x8 digits CNN, batch 32",
        {"input_shape": [1, 8, 8], "layers": [conv(8, "same"), POOL, conv(16, "valid"), FLATTEN, dense(10, "softmax")]},
        "cross_entropy",
        32,
        (1, 8, 8),
        10,
        lambda: nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64, 10),
        ),
        1.0,
    ),
    Workload(
        "28x28 CNN, batch 32",
        {
            "input_shape": [1, 28, 28],
            "layers": [conv(16, "same"), POOL, conv(32, "valid"), POOL, FLATTEN, dense(10, "softmax")],
        },
        "cross_entropy",
        32,
        (1, 28, 28),
        10,
        lambda: nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 6 * 6, 10),
        ),
        0.5,
    ),
    Workload(
        "simple RNN, seq 20, hidden 32, batch 16, BPTT",
        {
            "input_shape": [20, 8],
            "layers": [{"type": "simple_rnn", "units": 32, "activation": "tanh"}, dense(1, "linear")],
        },
        "mse",
        16,
        (20, 8),
        None,
        lambda: TorchRNN(),
        1.0,
    ),
]


class TorchRNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.RNN(8, 32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.rnn(x)
        return self.out(h[0])


def batch_for(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((w.batch, *w.x_shape)).astype(np.float32)
    if w.classes:
        y = rng.integers(0, w.classes, (w.batch, 1)).astype(np.float32)
    elif w.loss == "mse":
        y = rng.standard_normal((w.batch, 1)).astype(np.float32)
    else:
        y = rng.integers(0, 2, (w.batch, 1)).astype(np.float32)
    return x, y


def engine_step(w: Workload) -> Callable[[], object]:
    x, y = batch_for(w)
    net = build_network(w.spec, seed=0, init="he" if w.classes else "xavier")
    trainer = Trainer(net, get_loss(w.loss), make_optimizer("sgd", 0.01), x, y, w.batch, 0)
    return trainer.train_step


def torch_step(w: Workload, threads: int) -> Callable[[], object]:
    x, y = batch_for(w)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = w.torch_model()
    xt = torch.from_numpy(x)
    if w.classes:
        yt, loss_fn = torch.from_numpy(y.ravel().astype(np.int64)), nn.CrossEntropyLoss()
    elif w.loss == "mse":
        yt, loss_fn = torch.from_numpy(y), nn.MSELoss()
    else:
        yt, loss_fn = torch.from_numpy(y), nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xt), yt).backward()
        opt.step()

    return step


def fused_tiny_mlp_step() -> Callable[[], object]:
    """The 2-8-8-1 step written out by hand: the floor for any NumPy engine."""
    x, y = batch_for(WORKLOADS[0])
    rng = np.random.default_rng(0)
    shapes = [(2, 8), (8, 8), (8, 1)]
    ws = [rng.uniform(-0.5, 0.5, s).astype(np.float32) for s in shapes]
    bs = [np.zeros(s[1], np.float32) for s in shapes]
    lr, floor = np.float32(0.01), np.float32(np.exp(-100))
    n = np.float32(1.0 / len(x))
    data_x, data_y = x, y

    def step() -> None:
        order = rng.permutation(len(data_x))  # the same batch selection the engine does
        x, y = data_x[order], data_y[order]
        h1 = np.tanh(x @ ws[0] + bs[0])
        h2 = np.tanh(h1 @ ws[1] + bs[1])
        p = 0.5 * (1 + np.tanh(0.5 * (h2 @ ws[2] + bs[2])))
        lp, lq = np.log(np.maximum(p, floor)), np.log(np.maximum(1 - p, floor))
        -float(np.add.reduce(lq + y * (lp - lq), axis=None)) * n
        d3 = (p - y) * n
        d2 = (d3 @ ws[2].T) * (1 - h2 * h2)
        d1 = (d2 @ ws[1].T) * (1 - h1 * h1)
        for w_, b_, inp, d in ((ws[2], bs[2], h2, d3), (ws[1], bs[1], h1, d2), (ws[0], bs[0], x, d1)):
            w_ -= lr * (inp.T @ d)
            b_ -= lr * np.add.reduce(d, axis=0)

    return step


def main() -> None:
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"numpy {np.__version__}, torch {torch.__version__} (best of 1 and 2 threads per workload)"
    )
    # Every NumPy measurement runs before PyTorch computes anything: once PyTorch has run, its
    # OpenMP threads spin-wait between calls and steal the second core from OpenBLAS (seen here:
    # the 784-128-10 step went from 0.4 ms to 30 ms).
    seconds = {w.name: 0.5 if w.batch <= 16 and len(w.x_shape) == 1 else 1.0 for w in WORKLOADS}
    engine = {w.name: rate(engine_step(w), seconds=seconds[w.name], repeats=5, warmup=20) for w in WORKLOADS}
    tiny = engine[WORKLOADS[0].name]
    floor = rate(fused_tiny_mlp_step(), seconds=0.5)
    rows = []
    for w in WORKLOADS:
        # PyTorch's best: one thread is faster for small tensors, two for the larger convolutions
        reference = max(
            rate(torch_step(w, threads), seconds=seconds[w.name], repeats=5, warmup=20) for threads in (1, 2)
        )
        ratio = engine[w.name] / reference
        rows.append(
            [
                w.name,
                f"{1e3 / engine[w.name]:.3f}",
                f"{1e3 / reference:.3f}",
                f"{ratio:.2f}",
                f">= {w.target:g}",
                "ok" if ratio >= w.target else "BELOW",
            ]
        )
    print_table(
        "training step time, engine vs PyTorch 2.13 CPU (ms, median of 5 windows)",
        ["workload", "engine ms", "torch ms", "torch/engine", "target", ""],
        rows,
    )
    print(
        f"\ntiny MLP engine step {1e6 / tiny:.1f} us vs hand-fused NumPy {1e6 / floor:.1f} us: "
        f"{floor / tiny:.2f}x its time (target <= 1.5x) {'ok' if floor / tiny <= 1.5 else 'ABOVE'}"
    )


if __name__ == "__main__":
    main()
