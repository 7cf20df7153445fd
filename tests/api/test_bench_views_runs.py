"""benchmarks/bench_views.py keeps working against a real server (no timing is asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_views


def test_the_views_benchmark_runs_against_a_real_server(server) -> None:
    body = bench_views.NETWORKS["digits CNN (default)"]
    # a window long enough for frames to arrive on a busy machine (a smoke test, not a measurement)
    result = bench_views.session_run(server, body, list(bench_views.VIEW_NAMES), seconds=3.0, warmup=1.0)
    assert result["steps/s"] > 0 and result["bytes/s"] > 0
    assert {"probe", "grad_norms", "histograms", "weights"} <= set(result["Hz"])
    assert len(bench_views.engine_side_ratio(body, rounds=1, seconds=0.05)) == 1
