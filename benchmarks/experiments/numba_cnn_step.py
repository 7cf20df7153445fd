"""Experiment (issue 14), not a benchmark of the product: how fast could the 28×28 CNN step of
bench_workloads.py be with compiled, fused memory passes instead of NumPy's?

The engine's 28×28 CNN step is 0.6-1.1× PyTorch 2.13 (best of 1 and 2 threads each) against a 1.5×
target. Profiles put most of the gap in NumPy's separate memory passes (im2col, col2im, ReLU and its
gradient, pooling's strided copies and scatters). This script writes the same step as a hand-fused
prototype, to measure the ceiling of that idea before anyone changes the stack for it:
- im2col, col2im, and ReLU + 2×2 max pooling forward and backward as numba kernels (one pass
  each, parallel over channels or images), the bias and db folded in; the products stay in OpenBLAS;
- the network written out by hand (no layer objects, no observation caches, no phase stepping);
- "two half batches": the step's work split over two Python threads, 16 images each, the way a
  batch-parallel engine would use both cores (the two halves' gradients are not summed: that
  flatters the prototype slightly).
Its gradients equal PyTorch's (checked first, on the same weights, to 1e-6 relative).

Measured 2026-12-03 (docs/performance.md, "A compiled prototype of the 28×28 CNN step"): about 1.07×
PyTorch's best with numba's threads, 1.25× with two half batches: short of 1.5× even fused and
compiled. Each side is timed in a process of its own (numba's and PyTorch's thread pools slow each
other down when they share one).

Needs numba, which is not a dependency of NeuroPlay:
  .venv/bin/pip install numba torch==2.13.0 && .venv/bin/python benchmarks/experiments/numba_cnn_step.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parents[1]
BATCH = 32
HALF = BATCH // 2


def kernels() -> tuple:
    """The four numba kernels (numba is imported here, when the prototype runs)."""
    import numba as nb
    from numba import prange

    jit = nb.njit(parallel=True, cache=True, nogil=True)

    @jit
    def im2col(x, k, pad, oh, ow, cols):  # x (C, N, H, W) -> cols (C*k*k [+1 ones row], N*oh*ow)
        c_, n_, h_, w_ = x.shape
        for r in prange(c_ * k * k):
            c, i, j = r // (k * k), (r // k) % k, r % k
            for n in range(n_):
                for a in range(oh):
                    yy, off = a + i - pad, n * oh * ow + a * ow
                    for b in range(ow):
                        xx = b + j - pad
                        inside = 0 <= yy < h_ and 0 <= xx < w_
                        cols[r, off + b] = x[c, n, yy, xx] if inside else 0.0

    @jit
    def relu_pool(rows, n_, oh, ow, out, arg):  # rows (F, N*oh*ow) -> relu(max 2×2) (F, N, oh/2, ow/2)
        f_ = rows.shape[0]
        for fn in prange(f_ * n_):
            f, n = fn // n_, fn % n_
            for a in range(oh // 2):
                for b in range(ow // 2):
                    p = n * oh * ow + 2 * a * ow + 2 * b
                    best, won = rows[f, p], 0
                    for k, q in enumerate((p + 1, p + ow, p + ow + 1)):
                        if rows[f, q] > best:
                            best, won = rows[f, q], k + 1
                    out[f, n, a, b] = best if best > 0 else 0.0
                    arg[f, n, a, b] = won

    @jit
    def relu_pool_back(dout, out, arg, oh, ow, du, db):  # -> du (F, N*oh*ow), db (F,)
        f_, n_, ph, pw = dout.shape
        for f in prange(f_):
            total = 0.0
            for n in range(n_):
                for a in range(ph):
                    for b in range(pw):
                        p = n * oh * ow + 2 * a * ow + 2 * b
                        g = dout[f, n, a, b] if out[f, n, a, b] > 0 else 0.0
                        won = arg[f, n, a, b]
                        du[f, p] = g if won == 0 else 0.0
                        du[f, p + 1] = g if won == 1 else 0.0
                        du[f, p + ow] = g if won == 2 else 0.0
                        du[f, p + ow + 1] = g if won == 3 else 0.0
                        total += g
            db[f] = total

    @jit
    def col2im(dcols, k, pad, oh, ow, dx):  # dcols (C*k*k, N*oh*ow) -> dx (C, N, H, W)
        c_, n_, h_, w_ = dx.shape
        for cn in prange(c_ * n_):
            c, n = cn // n_, cn % n_
            dx[c, n] = 0.0
            for i in range(k):
                for j in range(k):
                    r = c * k * k + i * k + j
                    for a in range(oh):
                        yy = a + i - pad
                        if 0 <= yy < h_:
                            for b in range(ow):
                                xx = b + j - pad
                                if 0 <= xx < w_:
                                    dx[c, n, yy, xx] += dcols[r, n * oh * ow + a * ow + b]

    return im2col, relu_pool, relu_pool_back, col2im


class FusedCNN:
    """conv 3×3 same 16 + ReLU, max pool 2, conv 3×3 valid 32 + ReLU, max pool 2, dense 10, softmax
    cross-entropy, plain SGD: the 28×28 workload of bench_workloads.py, written out by hand."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.im2col, self.relu_pool, self.relu_pool_back, self.col2im = kernels()
        f32 = np.float32
        self.w1 = (rng.standard_normal((16, 9)) * np.sqrt(2 / 9)).astype(f32)
        self.w2 = (rng.standard_normal((32, 144)) * np.sqrt(2 / 144)).astype(f32)
        self.w3 = (rng.standard_normal((1152, 10)) * np.sqrt(2 / 1152)).astype(f32)
        self.b1, self.b2, self.b3 = np.zeros(16, f32), np.zeros(32, f32), np.zeros(10, f32)
        self.cols1, self.cols2 = np.ones((10, n * 784), f32), np.ones((145, n * 144), f32)
        self.p1, self.arg1 = np.empty((16, n, 14, 14), f32), np.empty((16, n, 14, 14), np.uint8)
        self.p2, self.arg2 = np.empty((32, n, 6, 6), f32), np.empty((32, n, 6, 6), np.uint8)
        self.du1, self.du2 = np.empty((16, n * 784), f32), np.empty((32, n * 144), f32)
        self.dx1 = np.empty((16, n, 14, 14), f32)
        self.db1, self.db2 = np.empty(16, f32), np.empty(32, f32)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        n, lr = len(x), np.float32(0.01)
        self.im2col(x.reshape(1, n, 28, 28), 3, 1, 28, 28, self.cols1)
        self.relu_pool(np.hstack([self.w1, self.b1[:, None]]) @ self.cols1, n, 28, 28, self.p1, self.arg1)
        self.im2col(self.p1, 3, 0, 12, 12, self.cols2)
        self.relu_pool(np.hstack([self.w2, self.b2[:, None]]) @ self.cols2, n, 12, 12, self.p2, self.arg2)
        flat = self.p2.transpose(1, 0, 2, 3).reshape(n, 1152)
        z = flat @ self.w3 + self.b3
        e = np.exp(z - z.max(1, keepdims=True))
        p = e / e.sum(1, keepdims=True)
        loss = float(-np.log(p[np.arange(n), y]).mean())
        dz = p
        dz[np.arange(n), y] -= 1
        dz /= n
        dw3, db3 = flat.T @ dz, dz.sum(0)
        dp2 = np.ascontiguousarray((dz @ self.w3.T).reshape(n, 32, 6, 6).transpose(1, 0, 2, 3))
        self.relu_pool_back(dp2, self.p2, self.arg2, 12, 12, self.du2, self.db2)
        dw2 = self.du2 @ self.cols2[:144].T
        self.col2im(self.w2.T @ self.du2, 3, 0, 12, 12, self.dx1)
        self.relu_pool_back(self.dx1, self.p1, self.arg1, 28, 28, self.du1, self.db1)
        dw1 = self.du1 @ self.cols1[:9].T
        for param, grad in ((self.w1, dw1), (self.b1, self.db1), (self.w2, dw2), (self.b2, self.db2)):
            param -= lr * grad
        self.w3 -= lr * dw3
        self.b3 -= lr * db3
        return loss


def batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, BATCH)


def check_against_torch() -> float:
    """Three SGD steps of the prototype and of PyTorch from the same weights: the largest relative
    difference of any parameter afterwards."""
    import torch
    import torch.nn as nn

    x, y = batch()
    proto = FusedCNN(np.random.default_rng(1), BATCH)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1152, 10),
    )  # fmt: skip
    pairs = ((proto.w1, model[0].weight), (proto.b1, model[0].bias), (proto.w2, model[3].weight))
    pairs += ((proto.b2, model[3].bias), (proto.w3, model[7].weight), (proto.b3, model[7].bias))
    with torch.no_grad():
        for ours, theirs in pairs:
            theirs.copy_(torch.from_numpy(ours.T if ours is proto.w3 else ours).reshape(theirs.shape))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(3):
        proto.step(x, y)
        opt.zero_grad()
        nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        opt.step()
    worst = 0.0
    for ours, theirs in pairs:
        t = theirs.detach().numpy().reshape(ours.T.shape if ours is proto.w3 else ours.shape)
        t = t.T if ours is proto.w3 else t
        worst = max(worst, float(np.abs(ours - t).max() / np.abs(t).max()))
    return worst


def best_ms(fn: Callable[[], object], seconds: float = 1.0, windows: int = 5) -> float:
    for _ in range(20):
        fn()
    best = float("inf")
    for _ in range(windows):
        start, calls = time.perf_counter(), 0
        while time.perf_counter() - start < seconds / windows:
            fn()
            calls += 1
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e3


def measure(side: str, threads: int) -> float:
    """ms per step of one side at `threads`, in this (fresh) process."""
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(BENCHMARKS))
    import bench_workloads as bw

    workload = next(w for w in bw.WORKLOADS if w.name.startswith("28x28"))
    x, y = batch()
    if side == "torch":
        return best_ms(bw.torch_step(workload, threads))
    if side == "engine":
        with threadpool_limits(threads):
            return best_ms(bw.engine_step(workload))
    import numba

    if side == "fused":  # numba's own threads over channels and images, BLAS at one thread
        numba.set_num_threads(threads)
        proto = FusedCNN(np.random.default_rng(1), BATCH)
        with threadpool_limits(1):
            return best_ms(lambda: proto.step(x, y))
    # "halves": two Python threads, each a half batch with single-threaded kernels and BLAS
    numba.set_num_threads(1)
    halves = [FusedCNN(np.random.default_rng(1), HALF) for _ in range(2)]
    pool = ThreadPoolExecutor(2)

    def both() -> None:
        runs = [
            pool.submit(h.step, x[i * HALF : (i + 1) * HALF], y[i * HALF : (i + 1) * HALF])
            for i, h in enumerate(halves)
        ]
        for run in runs:
            run.result()

    with threadpool_limits(1):
        return best_ms(both)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--side", help=argparse.SUPPRESS)  # internal: one measurement, printed
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(measure(args.side, args.threads))
        return
    print(f"prototype against PyTorch after 3 SGD steps: largest relative difference {check_against_torch():.1e}")
    cases = [("torch", 1), ("torch", 2), ("engine", 1), ("engine", 2), ("fused", 1), ("fused", 2), ("halves", 2)]
    for round_ in range(args.rounds):
        ms = {}
        for side, threads in cases:
            command = [sys.executable, __file__, "--side", side, "--threads", str(threads)]
            ms[side, threads] = float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        torch_best = min(ms["torch", 1], ms["torch", 2])
        print(f"round {round_ + 1} (ms per step; ratio = PyTorch's best / this)")
        for (side, threads), value in ms.items():
            print(f"  {side:6s} {threads} thr  {value:6.3f} ms  {torch_best / value:5.2f}x")


if __name__ == "__main__":
    main()
