"""The benchmarks are not timed tests, but their code must keep working: build every workload and
run a few steps of each, engine and PyTorch reference alike (no timing is asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_engine
import bench_session
import bench_workloads


@pytest.mark.parametrize("workload", bench_workloads.WORKLOADS, ids=lambda w: w.name)
def test_every_workload_steps_in_the_engine_and_in_pytorch(workload) -> None:
    engine, reference = bench_workloads.engine_step(workload), bench_workloads.torch_step(workload, 1)
    for _ in range(2):
        assert engine().diverged is None
        reference()


def test_the_hand_fused_floor_and_the_issue_2_benchmark_steps_run() -> None:
    bench_workloads.fused_tiny_mlp_step()()
    from neuroplay.data import make_dataset
    from neuroplay.schemas.dataset import DatasetSpec

    data = make_dataset(DatasetSpec())
    for make in (bench_engine.engine_step, bench_engine.fused_numpy_step):
        make(data.x_train, data.y_train)()
    bench_engine.torch_step(data.x_train, data.y_train, 1)()


@pytest.mark.parametrize("workload", ["circle", "shapes"])
def test_the_live_session_benchmark_runs_against_a_real_server(server, workload: str) -> None:
    body = bench_session.WORKLOADS[workload]
    # A CNN's snapshots (and so its step counter) may pause for a scoring pass on a busy machine: a
    # window of a few of them.
    seconds = 0.5 if workload == "circle" else 2.0
    steps_per_second, counts, specs = bench_session.live_session_steps_per_second(server, body, True, seconds)
    assert steps_per_second > 0 and counts["points"] > 0
    assert counts["binary messages"] > 0 and counts["tensors"] >= counts["binary messages"]
    assert bench_session.bare_engine_steps_per_second(specs, seconds=0.05) > 0
    latency = bench_session.control_latency_ms(server, rounds=2)
    assert sorted(latency) == ["pause", "play", "step"] and all(ms > 0 for ms in latency.values())


def test_the_load_benchmark_runs_a_small_classroom_and_checks_every_point(tmp_path) -> None:
    import bench_load

    # engine_nice 0: nicer engines may barely run while other tests load the machine, and this checks
    # the benchmark's machinery, not the server's speed.
    small = bench_load.Round(watchers=3, sessions=2, seconds=2.0, warmup=0.5, engine_nice=0)
    result = bench_load.run_round(small, tmp_path)
    assert result["watchers"] == 5 and result["refused or dropped"] == 0
    assert result["with a gap"] == 0 and result["out of order"] == 0, "every watcher got every point, in order"
    assert result["5xx"] == 0 and result["health polls"] > 10
    assert result["tensor messages received, all watchers, whole run"] >= 5, "every watcher got tensors"
    assert result["engines"] >= 3 and result["server MB per session"] > 0


def test_the_fanout_benchmark_runs_both_ways() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import bench_fanout

    # In a thread of its own: a browser test's Playwright may have left an event loop running on
    # this one, and asyncio.run refuses to start inside it.
    with ThreadPoolExecutor(1) as pool:
        for share in (False, True):
            run = pool.submit(asyncio.run, bench_fanout.fan_out(watchers=3, frames=5, share=share))
            assert run.result(timeout=120) > 0


def test_the_relay_benchmark_runs_through_a_real_redis(redis_url: str) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import bench_relay

    with ThreadPoolExecutor(1) as pool:  # its own loop: a browser test's Playwright may hold this thread's
        rows = pool.submit(asyncio.run, bench_relay.measure(redis_url, frames=3)).result()
    assert [row[0] for row in rows] == ["metric point (+25 losses)", "tensor frame (~80 KB)"]


def test_the_cluster_benchmark_runs_on_two_real_nodes(tmp_path, postgres_admin_url: str, redis_url: str) -> None:
    import bench_cluster
    from bench_load import Round, measure

    with bench_cluster.nodes(2, tmp_path, postgres_admin_url, redis_url, {}) as servers:
        rows = bench_cluster.command_latency(servers, repeats=3)
        assert [row[0] for row in rows] == [
            "step, sent to the holder",
            "step, sent to another node",
            "pause of a training session, sent to another node",
        ]
        result = measure(servers, Round(3, 2, seconds=2.0, warmup=1.0))
    assert result["watchers"] == 5 and result["with a gap"] == 0 and result["out of order"] == 0
    assert result["5xx"] == 0 and result["tensor messages received, all watchers, whole run"] >= 5


def test_the_convnetjs_benchmark_imports_and_its_network_trains_here() -> None:
    """The ConvNetJS comparison needs node, npm and Chromium to run whole; its own code must at least
    import (it broke once when a sibling benchmark's server class was renamed) and its network and
    session body must be what the server builds and trains."""
    import bench_convnetjs
    from neuroplay.schemas.session import CreateSessionRequest
    from neuroplay.sessions.build import Specs, build_data, build_trainer

    request = CreateSessionRequest.model_validate(bench_convnetjs.SESSION)
    assert request.model is not None
    specs = Specs(request.model, request.dataset, request.training)
    trainer = build_trainer(specs, build_data(specs.dataset))
    for _ in range(2):
        assert trainer.train_step().diverged is None
