"""A classroom on one server: many watchers of one run, many students training, health answering.

Issue 12's load: `--watchers` websocket watchers of one running session (the teacher's, projected)
plus `--sessions` more sessions training at once with one watcher each (the students), for
`--seconds` after a warm-up, on this machine with the load generator beside the server. Every
session is the default (circle MLP); every watcher subscribes to the views the default page opens.
Checked and reported:
- every watcher received every metric point of its session (its point steps against the session's
  history read over HTTP after the pause: no gap, none out of order, no history re-sent);
- tensor views keep refreshing: per watcher, binary frames a second that brought a newer tensor, and
  the slowest of its views' refresh rates (median and worst watcher);
- `GET /api/health` every 50 ms throughout (connecting, playing, pausing): p50, p99, max, timeouts,
  and the worst p99 of any 10-s stretch; any 5xx from any request the benchmark makes;
- server memory per session (the server's RSS growth over its idle size, per session) and each
  engine process's proportional set size; CPU shares of the server process (its threads grouped),
  the engine processes and the load generator; the load average before and after.
`--rounds 15x8,30x16,60x32` runs one round per "watchers x sessions" pair, each on a fresh server,
to find where the health p99 passes 50 ms. `--smoke` is a few seconds (tests/test_benchmarks_run.py).
Run: .venv/bin/python benchmarks/bench_load.py [--watchers 60 --sessions 32 --seconds 60]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from common import print_table
from conftest import LiveServer
from load_clients import Shared, run_health_poller, run_watchers

DEFAULT_VIEWS = ["boundary", "neurons", "weights", "grad_norms", "batch"]  # the default page's subscribe
HEALTH_PERIOD = 0.05
HEALTH_TARGET_MS = 50.0
STRETCH_SECONDS = 10.0


@dataclass
class Round:
    watchers: int
    sessions: int
    seconds: float
    warmup: float
    views: list[str] = field(default_factory=lambda: list(DEFAULT_VIEWS))
    client_processes: int = 2
    engine_nice: int | None = None  # None: the server's default
    profile: Path | None = None  # py-spy's flame graph of the server during the window, if py-spy is there


def ticks(pid: int) -> int:
    """User plus system CPU ticks of a process (all its threads) so far; 0 once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: shared library pages split among the processes that map them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


class Requests:
    """The benchmark's own HTTP calls, with every status counted (a 5xx anywhere is a failure)."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=60)
        self.statuses: dict[int, int] = defaultdict(int)

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        self.statuses[response.status_code] += 1
        return response

    def commands(self, action: str, ids: list[str], auth: dict[str, dict[str, str]]) -> list[float | None]:
        """`action` for every session at once, as a class would press it: each one's seconds, None
        for one that failed or took longer than the client's timeout (counted, not raised)."""

        def one(sid: str) -> float | None:
            started = time.monotonic()
            try:
                response = self.call(
                    "POST", f"/api/sessions/{sid}/commands", json={"action": action}, headers=auth[sid]
                )
            except httpx.HTTPError:
                self.statuses[0] += 1  # 0: no answer in time
                return None
            return time.monotonic() - started if response.status_code == 200 else None

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, ids))


def start_profile(pid: int, seconds: float, out: Path | None) -> subprocess.Popen | None:
    """py-spy (a sampling profiler, if installed) on the server for `seconds`: every thread, idle
    ones left out, as a speedscope file."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if out is None or not Path(spy).exists():
        return None
    command = [spy, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "50", "-f", "raw", "-o", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_round(r: Round, tmp: Path) -> dict:
    engines_needed = r.sessions + 1
    env = {"NEUROPLAY_MAX_TRAINING_SESSIONS": str(engines_needed)}
    if r.engine_nice is not None:
        env["NEUROPLAY_ENGINE_NICE"] = str(r.engine_nice)
    server = LiveServer(tmp, env=env)
    try:
        return measure([server], r)
    finally:
        server.stop()


def measure(servers: list[LiveServer], r: Round) -> dict:
    """One round against these servers: one, or the nodes of a classroom (benchmarks/bench_cluster.py),
    whose watchers are spread over them in turn; sessions are created and commanded through the first
    (a node of several sends each command on to the session's holder), whose health is polled."""
    server = servers[0]
    http = Requests(server.url)
    idle_rss = sum(rss_mb(s.process.pid) for s in servers)
    created = [http.call("POST", "/api/sessions", json={}).raise_for_status().json() for _ in range(r.sessions + 1)]
    ids = [c["id"] for c in created]
    auth = {c["id"]: {"Authorization": f"Bearer {c['owner_token']}"} for c in created}
    teacher = ids[0]
    watched = [teacher] * r.watchers + ids[1:]  # the teacher's projected run, then one watcher per student
    jobs = [(i, f"{servers[i % len(servers)].ws_url}/api/sessions/{sid}/stream", sid) for i, sid in enumerate(watched)]

    ctx = mp.get_context("spawn")  # clean processes: nothing of this one's state or threads
    load_before = os.getloadavg()
    shared = Shared(
        window=ctx.RawArray("d", [float("inf")] * 2),  # set once everything plays
        stop_at=ctx.RawValue("d", float("inf")),  # set once the last points are in
        connected=ctx.Value("i", 0),
        last_steps=ctx.RawArray("q", [-1] * len(jobs)),
    )
    out = ctx.Queue()
    poller = ctx.Process(target=run_health_poller, args=(server.url, HEALTH_PERIOD, shared, out), daemon=True)
    poller.start()
    clients = []
    for k in range(r.client_processes):
        share = jobs[k :: r.client_processes]
        clients.append(ctx.Process(target=run_watchers, args=(share, r.views, shared, out), daemon=True))
    for process in clients:
        process.start()
    deadline = time.monotonic() + 120
    while shared.connected.value < len(jobs) and time.monotonic() < deadline:
        time.sleep(0.1)

    play_started = time.monotonic()
    plays = http.commands("play", ids, auth)
    play_seconds = time.monotonic() - play_started
    shared.window[0] = time.monotonic() + r.warmup
    shared.window[1] = shared.window[0] + r.seconds
    load_samples = []
    time.sleep(r.warmup)
    engines = [pid for s in servers for pid in s.engine_pids()]
    generator = [p.pid for p in [poller, *clients]]
    pids = [s.process.pid for s in servers]
    cpu0 = (sum(ticks(p) for p in pids), sum(ticks(p) for p in engines), sum(ticks(p) for p in generator))
    spy = start_profile(server.process.pid, r.seconds, r.profile)
    t0 = time.monotonic()
    while time.monotonic() < shared.window[1]:
        time.sleep(min(STRETCH_SECONDS, max(0.0, shared.window[1] - time.monotonic())))
        load_samples.append(os.getloadavg()[0])
    elapsed = time.monotonic() - t0
    cpu1 = (sum(ticks(p) for p in pids), sum(ticks(p) for p in engines), sum(ticks(p) for p in generator))
    if spy is not None:
        spy.wait()
    server_rss = sum(rss_mb(p) for p in pids)
    engine_pss = [pss_mb(p) for p in engines]

    pauses = http.commands("pause", ids, auth)
    histories = {sid: [p["step"] for p in http.call("GET", f"/api/sessions/{sid}").json()["history"]] for sid in ids}
    # Until every watcher has its session's last point (the pause's own), or a minute has passed.
    final = [histories[sid][-1] if histories[sid] else -1 for _, _, sid in jobs]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(shared.last_steps[i] < step for i, step in enumerate(final)):
        time.sleep(0.1)
    tail_seconds = time.monotonic() - (deadline - 60)
    shared.stop_at.value = time.monotonic()
    results = [out.get(timeout=120) for _ in range(1 + len(clients))]
    for process in [poller, *clients]:
        process.join(timeout=30)
    health = next(x for x in results if x and isinstance(x[0], (list, tuple)))
    watchers = [w for x in results if x and isinstance(x[0], dict) for w in x]
    hz = os.sysconf("SC_CLK_TCK")
    return summarise(
        r,
        watchers,
        health,
        histories,
        teacher,
        http.statuses,
        cpu=[(b - a) / hz / elapsed for a, b in zip(cpu0, cpu1)],
        memory=(idle_rss, server_rss, engine_pss),
        play_seconds=play_seconds,
        commands=(plays, pauses),
        tail_seconds=tail_seconds,
        load=(load_before, load_samples, os.getloadavg()),
        log="".join(s.log_path.read_text() for s in servers),
    )


def summarise(
    r: Round,
    watchers,
    health,
    histories,
    teacher,
    statuses,
    cpu,
    memory,
    play_seconds,
    commands,
    tail_seconds,
    load,
    log,
) -> dict:
    gaps = out_of_order = refetched = refused = 0
    missing_counts, missing_last = [], 0
    frame_hz, slowest_hz = [], []
    steps_per_second: dict[str, list[float]] = {"teacher": [], "student": []}
    for w in watchers:
        if not w["connected"] or w["errors"]:
            refused += 1
        missing = set(histories[w["session"]]) - set(w["steps"])
        gaps += bool(missing)
        if missing:
            missing_counts.append(len(missing))
            missing_last += max(histories[w["session"]]) in missing
        out_of_order += w["out_of_order"] > 0
        refetched += w["histories"] > 1
        frame_hz.append(w["fresh_frames"] / r.seconds)
        slowest_hz.append(
            min((w["view_updates"].get(v, 0) for v in ("boundary", "neurons", "weights")), default=0) / r.seconds
        )
        if len(w["counters"]) == 2:
            (ta, sa), (tb, sb) = w["counters"]
            steps_per_second["teacher" if w["session"] == teacher else "student"].append((sb - sa) / max(tb - ta, 1e-9))
    times = [ms for _, ms, _ in health if ms is not None]
    start = health[0][0] if health else 0.0
    stretches: dict[int, list[float]] = defaultdict(list)
    for sent, ms, _ in health:
        stretches[int((sent - start) // STRETCH_SECONDS)].append(ms if ms is not None else 5000.0)
    idle_rss, server_rss, engine_pss = memory
    server_5xx = sum(n for status, n in statuses.items() if status >= 500)
    server_5xx += sum(1 for _, _, status in health if status is not None and status >= 500)
    return {
        "round": f"{r.watchers}x{r.sessions}",
        "watchers": len(watchers),
        "refused or dropped": refused,
        "watcher errors (most common)": Counter(e[:80] for w in watchers for e in w["errors"]).most_common(3),
        "with a gap": gaps,
        "points missing (median of those with a gap), last one missing": (
            statistics.median(missing_counts) if missing_counts else 0,
            missing_last,
        ),
        "out of order": out_of_order,
        "history re-sent": refetched,
        "tensor messages received, all watchers, whole run": sum(w["frames"] for w in watchers),
        "frames Hz (median, worst)": (statistics.median(frame_hz), min(frame_hz)) if frame_hz else None,
        "slowest view Hz (median, worst)": (statistics.median(slowest_hz), min(slowest_hz)) if slowest_hz else None,
        "steps/s teacher, student median": (
            statistics.median(steps_per_second["teacher"]) if steps_per_second["teacher"] else 0,
            statistics.median(steps_per_second["student"]) if steps_per_second["student"] else 0,
        ),
        "all sessions playing after s": play_seconds,
        "play, pause round trip median/max s; failed": tuple(
            round(f(done), 2) if done else None
            for times in commands
            for done in [[t for t in times if t is not None]]
            for f in (statistics.median, max)
        )
        + (sum(t is None for times in commands for t in times),),
        "last points reached every watcher after the pause, s": tail_seconds,
        "health polls": len(health),
        "health timeouts": sum(1 for _, ms, _ in health if ms is None),
        "health p50/p99/max ms": (percentile(times, 50), percentile(times, 99), max(times, default=float("nan"))),
        "worst 10-s p99 ms": max((percentile(v, 99) for v in stretches.values()), default=float("nan")),
        "5xx": server_5xx,
        "tracebacks in the server log": log.count("Traceback"),
        "server RSS MB idle, loaded": (idle_rss, server_rss),
        "server MB per session": (server_rss - idle_rss) / (r.sessions + 1),
        "engine PSS MB each (median)": statistics.median(engine_pss) if engine_pss else 0,
        "engines": len(engine_pss),
        "CPU cores: server, engines, load generator": tuple(cpu),
        "server CPU ms per tensor message delivered": 1000
        * cpu[0]
        * r.seconds
        / max(1, sum(w["fresh_frames"] for w in watchers)),
        "load average before, during (1 min), after": (load[0][0], load[1], load[2][0]),
    }


def print_round(result: dict) -> None:
    def show(value: object) -> str:
        if isinstance(value, float):
            return f"{value:.1f}"
        if isinstance(value, tuple | list):
            return ", ".join(show(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k} {show(v)}" for k, v in value.items())
        return str(value)

    print_table(
        f"round {result['round']} (watchers of the teacher's session x students)",
        ["measure", "value"],
        [[k, show(v)] for k, v in result.items()],
    )


def verdict(result: dict) -> list[str]:
    """What failed the issue's bar in this round (empty: all of it held)."""
    failed = []
    if result["health p50/p99/max ms"][1] > HEALTH_TARGET_MS or result["health timeouts"]:
        failed.append("health p99 over 50 ms")
    if result["play, pause round trip median/max s; failed"][-1]:
        failed.append("play or pause commands failed or timed out (60 s)")
    for key in ("refused or dropped", "with a gap", "out of order", "5xx"):
        if result[key]:
            failed.append(key)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watchers", type=int, default=60, help="watchers of the one teacher session")
    parser.add_argument("--sessions", type=int, default=32, help="more sessions training, one watcher each")
    parser.add_argument("--seconds", type=float, default=60.0, help="the measured stretch")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--rounds", default="", help="several rounds: 15x8,30x16,... (watchers x sessions)")
    parser.add_argument("--views", default=",".join(DEFAULT_VIEWS))
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="3 watchers, 2 sessions, 2 s: does it run")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--engine-nice", type=int, default=None, help="NEUROPLAY_ENGINE_NICE for the server")
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy's samples of the server (raw, folded stacks)"
    )
    args = parser.parse_args()
    pairs = [tuple(int(n) for n in pair.split("x")) for pair in args.rounds.split(",") if pair]
    if args.smoke:
        pairs, args.seconds, args.warmup = [(3, 2)], 2.0, 1.0
    pairs = pairs or [(args.watchers, args.sessions)]
    results = []
    for watchers, sessions in pairs:
        r = Round(
            watchers,
            sessions,
            args.seconds,
            args.warmup,
            args.views.split(","),
            args.client_processes,
            args.engine_nice,
            args.profile,
        )
        with tempfile.TemporaryDirectory() as tmp:
            result = run_round(r, Path(tmp))
        print_round(result)
        failed = verdict(result)
        print("held: every point, no 5xx, health p99 under 50 ms" if not failed else "FAILED: " + ", ".join(failed))
        results.append(result)
    print(f"\n{os.cpu_count()} cores; load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
