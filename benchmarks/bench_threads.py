"""How many BLAS threads an engine process should use: 1 against OpenBLAS's default, alone and with
the machine's other core busy.

Run from the repository root:  .venv/bin/python benchmarks/bench_threads.py [--seconds 4] [--repeats 2]

Each measurement is a fresh `python` process that trains one workload with the Trainer (as an engine
process does) for `--seconds` and prints its steps per second; its threads are set in the
environment before NumPy loads (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS), exactly as
sessions/engine_pool.py can set them at spawn. "Busy" runs the same workload in a second process at
the same time, with the same thread setting: two sessions training at once, the case a server with
several learners is in. The reference is the default-threads run of the same repeat. Rows alternate
between settings so that the other users of a shared machine weigh on all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import print_table

ROOT = Path(__file__).resolve().parents[1]
WORKLOADS = {
    "784-128-10 ReLU MLP, batch 64": (
        {
            "input_shape": [784],
            "layers": [{"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}],
        },
        64,
    ),
    "28x28 CNN (conv 16, pool, conv 32, pool, dense 10), batch 32": (
        {
            "input_shape": [1, 28, 28],
            "layers": [
                {"type": "conv2d", "filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"},
                {"type": "max_pool2d", "pool_size": 2},
                {"type": "conv2d", "filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"},
                {"type": "max_pool2d", "pool_size": 2},
                {"type": "flatten"},
                {"type": "dense", "units": 10},
            ],
        },
        32,
    ),
}
THREAD_SETTINGS = {"1 thread": "1", "default (OpenBLAS: one per core)": None}


def worker(name: str, seconds: float) -> None:
    import numpy as np

    from neuroplay.engine import Trainer, build_network, get_loss, make_optimizer

    spec, batch = WORKLOADS[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch * 4, *spec["input_shape"])).astype(np.float32)
    y = rng.integers(0, 10, (batch * 4, 1)).astype(np.float32)
    trainer = Trainer(
        build_network(spec, seed=0, init="he"), get_loss("cross_entropy"), make_optimizer("sgd", 0.01), x, y, batch, 0
    )
    for _ in range(20):
        trainer.train_step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.train_step()
        steps += 1
    print(json.dumps({"steps_per_second": steps / (time.perf_counter() - start)}))


def spawn(name: str, threads: str | None, seconds: float) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if threads is not None:
        env |= {"OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", name, "--seconds", str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def result(process: subprocess.Popen[str]) -> float:
    out, _ = process.communicate()
    return float(json.loads(out.strip().splitlines()[-1])["steps_per_second"])


def run(name: str, threads: str | None, seconds: float, busy: bool) -> float:
    """Steps/s of one process (with a twin training beside it when `busy`: the mean of the two)."""
    processes = [spawn(name, threads, seconds) for _ in range(2 if busy else 1)]
    return statistics.mean(result(p) for p in processes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.seconds)
        return
    rows = []
    for name in WORKLOADS:
        for busy in (False, True):
            measured: dict[str, list[float]] = {label: [] for label in THREAD_SETTINGS}
            for _ in range(args.repeats):
                for label, threads in THREAD_SETTINGS.items():
                    measured[label].append(run(name, threads, args.seconds, busy))
            default = statistics.median(measured["default (OpenBLAS: one per core)"])
            for label, values in measured.items():
                rows.append(
                    [
                        name,
                        "two sessions at once (per process)" if busy else "alone",
                        label,
                        f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})",
                        f"{statistics.median(values) / default:.2f}",
                    ]
                )
    print_table(
        f"engine process steps/s by BLAS threads (median and range of {args.repeats}, {os.cpu_count()} cores)",
        ["workload", "machine", "threads", "steps/s", "vs default"],
        rows,
    )


if __name__ == "__main__":
    main()
