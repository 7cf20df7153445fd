"""Many servers on one machine (issue 15): what being a node of several costs.

1. Commands through Redis: a session held by node a, `step` commands sent to a itself and to node b
   (which runs them on a through Redis, cluster/requests.py): median and p99 round trip of each, and
   a pause of a training session sent to b (the issue's "answer within 100 ms").
2. The classroom load of bench_load.py (`--watchers` x `--sessions`, the watchers spread over the
   nodes in turn) on the single server (no Redis: the reference), then on one, two and three nodes
   sharing PostgreSQL and Redis. All nodes share this machine's two cores, so more nodes bring no
   capacity here: the figure is what each node adds (health p99, frames, CPU).
What Redis adds per metric point and per tensor frame is benchmarks/bench_relay.py.
Run: .venv/bin/python benchmarks/bench_cluster.py [--watchers 30 --sessions 16 --seconds 30]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench_load import Round, measure, print_round, verdict
from common import ROOT, print_table
from conftest import LiveServer

sys.path.insert(0, str(ROOT))
from tests.postgres import fresh_database, postgres_server
from tests.redis_server import key_prefix, redis_server

MLP = {"dataset": {"name": "circle"}, "training": {"batch_size": 10}}


@contextlib.contextmanager
def nodes(count: int, tmp: Path, admin_url: str, redis_url: str, env: dict[str, str]) -> Iterator[list[LiveServer]]:
    """`count` nodes on a fresh database and key prefix (0: the single server, on SQLite, no Redis)."""
    if count == 0:
        (tmp / "single").mkdir()
        server = LiveServer(tmp / "single", env=env)
        try:
            yield [server]
        finally:
            server.stop()
        return
    with fresh_database(admin_url) as database_url, key_prefix(redis_url) as prefix:
        started: list[LiveServer] = []
        try:
            for i in range(count):
                folder = tmp / f"node{i}"
                folder.mkdir()
                cluster = {
                    "NEUROPLAY_DATABASE_URL": database_url,
                    "NEUROPLAY_REDIS_URL": redis_url,
                    "NEUROPLAY_REDIS_PREFIX": prefix,
                    "NEUROPLAY_NODE_ID": f"node{i}",
                }
                started.append(LiveServer(folder, env={**env, **cluster}))
            yield started
        finally:
            for server in started:
                server.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def command_latency(servers: list[LiveServer], repeats: int) -> list[list[str]]:
    """Round trips of commands to the holder and through another node."""
    a, b = (httpx.Client(base_url=s.url, timeout=30) for s in servers[:2])
    created = a.post("/api/sessions", json=MLP).raise_for_status().json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    url = f"/api/sessions/{sid}/commands"
    rows = []
    for name, client in (("step, sent to the holder", a), ("step, sent to another node", b)):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.post(url, json={"action": "step", "unit": "batch"}, headers=auth).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        rows.append([name, f"{statistics.median(times):.1f}", f"{percentile(times, 0.99):.1f}"])
    pauses = []
    for _ in range(max(3, repeats // 10)):
        a.post(url, json={"action": "play"}, headers=auth).raise_for_status()
        time.sleep(0.3)  # training for a moment: the pause has a runner to stop
        started = time.perf_counter()
        answer = b.post(url, json={"action": "pause"}, headers=auth).raise_for_status().json()
        pauses.append((time.perf_counter() - started) * 1000)
        assert answer["status"] == "paused"
    rows.append(
        [
            "pause of a training session, sent to another node",
            f"{statistics.median(pauses):.1f}",
            f"{max(pauses):.1f} (max)",
        ]
    )
    a.close()
    b.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watchers", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--nodes", default="0,1,2,3", help="rounds: 0 is the single server without Redis")
    parser.add_argument("--repeats", type=int, default=100, help="commands timed per kind")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: does it run")
    args = parser.parse_args()
    counts = [int(n) for n in args.nodes.split(",")]
    if args.smoke:
        args.watchers, args.sessions, args.seconds, args.warmup, args.repeats, counts = 3, 2, 2.0, 1.0, 5, [0, 2]
    env = {"NEUROPLAY_MAX_TRAINING_SESSIONS": str(args.sessions + 1)}
    with postgres_server() as admin_url, redis_server() as redis_url, tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "latency").mkdir()
        with nodes(2, Path(tmp) / "latency", admin_url, redis_url, env) as pair:
            print_table("commands", ["command", "median ms", "p99 ms"], command_latency(pair, args.repeats))
        summary = []
        for count in counts:
            folder = Path(tmp) / f"round{count}"
            folder.mkdir()
            r = Round(args.watchers, args.sessions, args.seconds, args.warmup)
            with nodes(count, folder, admin_url, redis_url, env) as servers:
                result = measure(servers, r)
            label = "single server (no Redis)" if count == 0 else f"{count} node{'s' if count > 1 else ''}"
            print(f"\n== {label}")
            print_round(result)
            failed = verdict(result)
            hz = result["frames Hz (median, worst)"] or (0.0, 0.0)
            cpu = result["CPU cores: server, engines, load generator"]
            summary.append(
                [
                    label,
                    f"{result['health p50/p99/max ms'][1]:.0f}",
                    f"{hz[0]:.1f} / {hz[1]:.1f}",
                    f"{cpu[0]:.2f}",
                    f"{cpu[1]:.2f}",
                    f"{result['server MB per session']:.1f}",
                    "held" if not failed else ", ".join(failed),
                ]
            )
        print()
        header = ["servers", "health p99 ms", "frames Hz median / worst", "servers' CPU", "engines' CPU", "MB/session"]
        print_table(f"{args.watchers}x{args.sessions} on one, two and three nodes", [*header, "verdict"], summary)


if __name__ == "__main__":
    main()
