"""Steps per second of a live session with one browser-style watcher, against the bare engine.

The session runs in a real server process (`python -m neuroplay serve`), trains at full speed while
one websocket client subscribed to every view reads and decodes every frame as the browser does.
The bare engine is the same network, data and training settings (read back from the session) in a
Trainer.train_step loop in this process, measured in the same run. Workloads: the default circle
MLP (2-4-2-1 tanh, batch 10), the ConvNetJS MNIST demo's layout on the 28x28 shapes, the default
digits CNN and the default RNN on the sine data. Target for each: >= 85 %.
Run: .venv/bin/python benchmarks/bench_session.py [--seconds 5] [--only shapes]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import get_args

import httpx
from websockets.sync.client import connect

from common import print_table, rate
from conftest import LiveServer
from neuroplay.engine.allocator import keep_freed_memory
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.stream import ViewName
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs, build_data, build_trainer
from neuroplay.sessions.engine_pool import ENGINE_THREADS
from neuroplay.sessions.tensor_records import decode_tensor_message

SECONDS = 5.0
VIEWS = list(get_args(ViewName))  # every view there is (the server computes those that apply)

# The network of ConvNetJS's MNIST demo (conv 5x5x8, pool 2, conv 5x5x16, pool 3, softmax), on
# NeuroPlay's 28x28 shapes instead of its 24x24 MNIST crops, with its batch of 20.
CONVNETJS_MNIST = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"type": "conv2d", "filters": 8, "kernel_size": 5, "padding": "same", "activation": "relu"},
        {"type": "max_pool2d", "pool_size": 2},
        {"type": "conv2d", "filters": 16, "kernel_size": 5, "padding": "same", "activation": "relu"},
        {"type": "max_pool2d", "pool_size": 3, "stride": 3},
        {"type": "flatten"},
        {"type": "dense", "units": 4, "activation": "softmax"},
    ],
}
WORKLOADS = {  # name: the create body (what is left out is the server's default for the data)
    "circle": {},
    "shapes": {"dataset": {"name": "shapes"}, "model": CONVNETJS_MNIST, "training": {"batch_size": 20}},
    "digits": {"dataset": {"name": "digits"}},
    "sine": {"dataset": {"name": "sine"}},
}


def session_specs(client: httpx.Client, sid: str) -> Specs:
    view = client.get(f"/api/sessions/{sid}").json()
    return Specs(
        NetworkSpec.model_validate(view["model"]),
        DatasetSpec.model_validate(view["dataset"]),
        TrainingConfig.model_validate(view["training"]),
    )


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes so far (those that have ended count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def bare_steps_per_cpu_second(specs: Specs, seconds: float, threads: int = ENGINE_THREADS) -> float:
    """Steps per CPU second of the bare loop: unlike steps per second, hardly moved by other work on
    a shared machine, and comparable with the engine process's own CPU time."""
    from threadpoolctl import threadpool_limits

    trainer = build_trainer(specs, build_data(specs.dataset))
    with threadpool_limits(limits=threads):
        for _ in range(20):
            trainer.train_step()
        steps, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
        while time.perf_counter() - wall0 < seconds:
            trainer.train_step()
            steps += 1
        return steps / (time.process_time() - cpu0)


def session_specs_of(server: LiveServer, body: dict) -> Specs:
    """The specs the server makes of a create body (its defaults filled in)."""
    client = httpx.Client(base_url=server.url, timeout=10)
    return session_specs(client, client.post("/api/sessions", json=body).raise_for_status().json()["id"])


def bare_engine_steps_per_second(specs: Specs, seconds: float, threads: int | None = ENGINE_THREADS) -> float:
    """Trainer.train_step in this process with `threads` BLAS threads (the engine processes' setting
    by default, so the ratio is what the session costs; None: OpenBLAS's default)."""
    from threadpoolctl import threadpool_limits

    trainer = build_trainer(specs, build_data(specs.dataset))
    with threadpool_limits(limits=threads) if threads else contextlib.nullcontext():
        return rate(trainer.train_step, seconds=seconds / 5, warmup=20)


def watch(ws_url: str, stop: threading.Event, counts: dict[str, int]) -> None:
    with connect(ws_url, compression=None, max_size=None) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": VIEWS}))
        while not stop.is_set():
            try:
                frame = ws.recv(timeout=0.2)
            except TimeoutError:
                continue
            if isinstance(frame, bytes):
                counts["tensors"] += len(decode_tensor_message(frame))
                counts["binary messages"] += 1
            else:
                counts["texts"] += 1


class PlayWindows:
    """One session measured in windows: play, warm up, count steps for `seconds`, pause. The
    interleaved mode alternates these with windows of the bare engine, so that both see the same
    machine: on this shared VM the same loop's speed drifts by a fifth within a minute."""

    def __init__(self, server: LiveServer, body: dict, watched: bool) -> None:
        self.server = server
        self.client = httpx.Client(base_url=server.url, timeout=10)
        created = self.client.post("/api/sessions", json=body).raise_for_status().json()
        self.sid, self.auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
        self.stop, self.counts = threading.Event(), {"tensors": 0, "binary messages": 0, "texts": 0}
        self.watcher = None
        if watched:
            url = f"{server.ws_url}/api/sessions/{self.sid}/stream"
            self.watcher = threading.Thread(target=watch, args=(url, self.stop, self.counts))
            self.watcher.start()
            time.sleep(0.5)

    def steps_per_second(self, seconds: float) -> float:
        """Play, warm up, count; `counts["steps per engine cpu second"]` is the window's too."""
        self.client.post(f"/api/sessions/{self.sid}/commands", json={"action": "play"}, headers=self.auth)
        time.sleep(1.0)  # warm-up
        pids = self.server.engine_pids()
        s0, t0, c0 = self.step(), time.perf_counter(), cpu_seconds(pids)
        time.sleep(seconds)
        s1, t1, c1 = self.step(), time.perf_counter(), cpu_seconds(pids)
        self.counts["steps per engine cpu second"] = int((s1 - s0) / max(c1 - c0, 1e-9))
        self.client.post(f"/api/sessions/{self.sid}/commands", json={"action": "pause"}, headers=self.auth)
        return (s1 - s0) / (t1 - t0)

    def step(self) -> int:
        step: int = self.client.get(f"/api/sessions/{self.sid}").json()["step"]
        return step

    def close(self) -> None:
        self.stop.set()
        if self.watcher:
            self.watcher.join()


def live_session_steps_per_second(
    server: LiveServer, body: dict, watched: bool, seconds: float = SECONDS
) -> tuple[float, dict[str, int], Specs]:
    """One window of a fresh session: its steps/s, the watcher's counts (with the engine process's
    steps per CPU second and the history's points), and its specs."""
    windows = PlayWindows(server, body, watched)
    steps = windows.steps_per_second(seconds)
    windows.close()
    counts = windows.counts | {"points": len(windows.client.get(f"/api/sessions/{windows.sid}").json()["history"])}
    return steps, counts, session_specs(windows.client, windows.sid)


def interleaved(server: LiveServer, body: dict, rounds: int, seconds: float) -> list[list[str]]:
    """`rounds` rounds of: bare engine, the unwatched session, the watched one, bare engine again;
    each session window against the mean of its round's two bare windows; the median of the rounds."""
    from threadpoolctl import threadpool_limits

    specs = session_specs_of(server, body)
    trainer = build_trainer(specs, build_data(specs.dataset))
    sessions = {"session, nobody watching": PlayWindows(server, body, False)}
    sessions["session, one watcher, all views"] = PlayWindows(server, body, True)
    ratios: dict[str, list[float]] = {name: [] for name in sessions}
    bares: list[float] = []
    with threadpool_limits(limits=ENGINE_THREADS):
        bare = rate(trainer.train_step, seconds=seconds / 5, warmup=20)
        for _ in range(rounds):
            rates = {name: windows.steps_per_second(seconds) for name, windows in sessions.items()}
            after = rate(trainer.train_step, seconds=seconds / 5, warmup=5)
            for name, steps in rates.items():
                ratios[name].append(steps / ((bare + after) / 2))
            bares.append(after)
            bare = after
    for windows in sessions.values():
        windows.close()
    rows = [["bare engine (median window)", f"{statistics.median(bares):,.0f}", "100 %", ""]]
    for name, values in ratios.items():
        spread = f"{min(values):.0%}-{max(values):.0%}"
        rows.append(
            [name, f"median {statistics.median(values):.0%}", spread, ">= 85 %" if "watcher" in name else ">= 95 %"]
        )
    return rows


def control_latency_ms(server: LiveServer, rounds: int = 15) -> dict[str, float]:
    """Median round-trip time of play, pause and step commands over HTTP while training."""
    client = httpx.Client(base_url=server.url, timeout=10)
    created = client.post("/api/sessions", json={}).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    times: dict[str, list[float]] = {"play": [], "pause": [], "step": []}
    for _ in range(rounds):
        for action in ("play", "pause", "step"):
            start = time.perf_counter()
            client.post(f"/api/sessions/{sid}/commands", json={"action": action}, headers=auth).raise_for_status()
            times[action].append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
    return {action: sorted(values)[len(values) // 2] for action, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--only", nargs="*", choices=list(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument(
        "--interleave", type=int, default=0, help="N rounds of bare and session windows alternated (noisy machines)"
    )
    args = parser.parse_args()
    keep_freed_memory()  # the bare loop here gets the engine processes' allocator setting
    if args.interleave:
        with tempfile.TemporaryDirectory() as tmp:
            server = LiveServer(Path(tmp))
            try:
                for name in args.only:
                    rows = interleaved(server, WORKLOADS[name], args.interleave, args.seconds)
                    print_table(
                        f"{name}: live session / bare engine, {args.interleave} interleaved rounds of {args.seconds:g} s",
                        ["run", "steps/s or ratio", "range", "target"],
                        rows,
                    )
            finally:
                server.stop()
        return
    rows, notes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        try:
            for name in args.only:
                body = WORKLOADS[name]
                # The bare engine before and after the sessions (the server idles meanwhile): the
                # machine is shared, and its mean is the fairest reference for both.
                specs = session_specs_of(server, body)
                before = bare_engine_steps_per_second(specs, args.seconds)
                unwatched, quiet, _ = live_session_steps_per_second(server, body, False, args.seconds)
                watched, counts, _ = live_session_steps_per_second(server, body, True, args.seconds)
                bare = (before + bare_engine_steps_per_second(specs, args.seconds)) / 2
                default = bare_engine_steps_per_second(specs, args.seconds, threads=None)
                per_cpu = bare_steps_per_cpu_second(specs, args.seconds / 2)
                rows.append([name, "bare engine, OpenBLAS's default threads", f"{default:,.0f}", "", "", "", ""])
                rows.append([name, "bare engine", f"{bare:,.0f}", "100 %", f"{per_cpu:,.0f}", "100 %", ""])
                for run, steps, cpu, target in (
                    ("session, nobody watching", unwatched, quiet["steps per engine cpu second"], ""),
                    ("session, one watcher, all views", watched, counts["steps per engine cpu second"], ">= 85 %"),
                ):
                    cells = [f"{steps:,.0f}", f"{steps / bare:.0%}", f"{cpu:,}", f"{cpu / per_cpu:.0%}"]
                    rows.append([name, run, *cells, target])
                notes.append(
                    f"{name}: the watcher got {counts['tensors'] / args.seconds:.0f} tensors/s in "
                    f"{counts['binary messages'] / args.seconds:.0f} binary and {counts['texts'] / args.seconds:.0f} "
                    f"text messages/s (warm-up included); {counts['points']} curve points in the history"
                )
            latency = control_latency_ms(server)
        finally:
            server.stop()
    print_table(
        f"live session vs bare engine (steps/s; {ENGINE_THREADS} BLAS thread(s) both; views {', '.join(VIEWS)})",
        ["workload", "run", "steps/s", "vs bare engine", "steps per CPU s", "vs bare engine", "target"],
        rows,
    )
    print(
        "command round trip over HTTP (median of 15, target < 100 ms): "
        + ", ".join(f"{action} {ms:.1f} ms" for action, ms in latency.items())
    )
    for note in notes:
        print(note)
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
