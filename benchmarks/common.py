"""Shared bits of the benchmarks: timing, the reference workloads, a server process."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # reuse LiveServer from the test fixtures


def rate(fn: Callable[[], object], seconds: float = 1.0, repeats: int = 5, warmup: int = 200) -> float:
    """Calls per second of fn: the median over `repeats` windows of about `seconds` each."""
    for _ in range(warmup):
        fn()
    rates = []
    for _ in range(repeats):
        n, start = 0, time.perf_counter()
        while True:
            for _ in range(100):
                fn()
            n += 100
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        rates.append(n / elapsed)
    return statistics.median(rates)


def mlp_spec(hidden: list[int], inputs: int = 2, activation: str = "tanh") -> dict:
    layers = [{"type": "dense", "units": h, "activation": activation} for h in hidden]
    layers.append({"type": "dense", "units": 1, "activation": "sigmoid"})
    return {"input_shape": [inputs], "layers": layers}


def print_table(title: str, header: list[str], rows: list[list[object]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
