"""What the views of issue 9 cost training, how often they refresh, and the bytes they send.

For the default digits CNN and a six-layer MLP on the circle, a real server (`python -m neuroplay
serve`) trains a session flat out three ways in the same run: nobody watching, one watcher with
no view open (metric stream only), and one watcher with every view open that reads and decodes every
frame as the browser does. The bare engine (the same trainer's train_step in this process) is measured
in the same run too. Targets (issue 9): all views open keeps >= 85 % of the bare engine and the views
refresh at >= 20 Hz; unwatched >= 95 %; under 2 MB/s to the watcher. The per-epoch scoring (metric
points) is the same in every run, so "watched / unwatched" is the views' own cost.
Run: .venv/bin/python benchmarks/bench_views.py [rounds]
"""

from __future__ import annotations

import json
import pickle
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
from websockets.sync.client import connect

from common import mlp_spec, print_table, rate
from conftest import LiveServer
from neuroplay.data import DATASETS
from neuroplay.engine.allocator import keep_freed_memory
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs, TrainingArrays, build_data, build_trainer, new_network
from neuroplay.sessions.defaults import default_model
from neuroplay.sessions.engine_messages import Progress
from neuroplay.sessions.tensor_records import decode_tensor_message
from neuroplay.views import VIEW_NAMES
from neuroplay.views.compute import compute_engine_views
from neuroplay.views.context import Probe, ProbeNetwork, ViewContext
from neuroplay.views.series import GradNormCollector

SECONDS = 4.0
NETWORKS = {
    "digits CNN (default)": {"model": default_model(DATASETS["digits"]).model_dump(), "dataset": {"name": "digits"}},
    "six-layer MLP (circle, six hidden layers of 8)": {"model": mlp_spec([8] * 6), "dataset": {"name": "circle"}},
}


def bare_engine_steps_per_second(body: dict) -> float:
    specs = Specs(
        NetworkSpec.model_validate(body["model"]), DatasetSpec.model_validate(body["dataset"]), TrainingConfig()
    )
    trainer = build_trainer(specs, build_data(specs.dataset))
    return rate(trainer.train_step, seconds=SECONDS / 5)


class Watcher(threading.Thread):
    """A browser-like client: reads every message, decodes every tensor, counts bytes and frames."""

    def __init__(self, url: str, views: list[str]) -> None:
        super().__init__(daemon=True)
        self.url, self.views = url, views
        self.stop, self.ready = threading.Event(), threading.Event()
        self.bytes = 0
        self.steps_by_view: dict[str, set[int]] = defaultdict(set)  # distinct frames per view
        self.counting = False

    def run(self) -> None:
        with connect(self.url, compression=None, max_size=None) as ws:
            ws.send(json.dumps({"type": "subscribe", "views": self.views}))
            self.ready.set()
            while not self.stop.is_set():
                try:
                    frame = ws.recv(timeout=0.2)
                except TimeoutError:
                    continue
                if not self.counting:
                    continue
                self.bytes += len(frame)
                if isinstance(frame, bytes):
                    for header, _ in decode_tensor_message(frame):
                        self.steps_by_view[header.view].add(header.step)


def session_run(
    server: LiveServer, body: dict, views: list[str] | None, seconds: float = SECONDS, warmup: float = 1.0
) -> dict[str, object]:
    """Steps/s of a session playing flat out; with `views` (a list), one watcher has them open."""
    client = httpx.Client(base_url=server.url, timeout=10)
    created = client.post("/api/sessions", json=body).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    watcher = None
    if views is not None:
        watcher = Watcher(f"{server.ws_url}/api/sessions/{sid}/stream", views)
        watcher.start()
        watcher.ready.wait(5)
    client.post(f"/api/sessions/{sid}/commands", json={"action": "play"}, headers=auth).raise_for_status()
    time.sleep(warmup)
    if watcher:
        watcher.counting = True
    s0, t0 = client.get(f"/api/sessions/{sid}?history=false").json()["step"], time.perf_counter()
    time.sleep(seconds)
    end = client.get(f"/api/sessions/{sid}?history=false").json()
    s1, t1 = end["step"], time.perf_counter()
    if end["status"] != "running":
        raise RuntimeError(f"the session stopped: {end['status']} {end.get('error') or end.get('divergence')}")
    if watcher:
        watcher.counting = False
    client.post(f"/api/sessions/{sid}/commands", json={"action": "pause"}, headers=auth)
    client.close()
    out: dict[str, object] = {"steps/s": (s1 - s0) / (t1 - t0)}
    if watcher:
        watcher.stop.set()
        watcher.join()
        elapsed = t1 - t0
        out["bytes/s"] = watcher.bytes / elapsed
        out["Hz"] = {view: len(steps) / elapsed for view, steps in watcher.steps_by_view.items()}
    return out


def engine_side_ratio(body: dict, rounds: int, seconds: float = 0.5) -> list[float]:
    """In this process, steps per CPU-second of the trainer with every engine view computed as the
    engine process does (per-step gradient norms, the views and the pickled Progress at 30 Hz)
    against the bare trainer, rounds interleaved. CPU time: on a shared machine the wall clock
    counts other processes' turns."""
    specs = Specs(
        NetworkSpec.model_validate(body["model"]), DatasetSpec.model_validate(body["dataset"]), TrainingConfig()
    )
    data = build_data(specs.dataset)
    trainer = build_trainer(specs, data)
    arrays = TrainingArrays.of(data)
    probe = Probe.of(("validation", 0), (arrays.x_train, arrays.y_train), (arrays.x_val, arrays.y_val))
    probe_network, norms = ProbeNetwork(lambda: new_network(specs)), GradNormCollector()

    def run(watched: bool) -> float:
        n, start, cpu, due = 0, time.perf_counter(), time.process_time(), 0.0
        while time.perf_counter() - start < seconds:
            result = trainer.train_step()
            n += 1
            if watched:
                norms.add(n, trainer, result)
                now = time.perf_counter()
                if now >= due:
                    ctx = ViewContext(trainer, n, probe, probe_network, norms.take(), True)
                    records, computed = compute_engine_views(VIEW_NAMES, ctx)
                    pickle.dumps(Progress(n, 0, [], trainer.network.get_weights(), records, tuple(computed), []))
                    due = now + 1 / 30
        return n / (time.process_time() - cpu)

    run(False)
    return [run(True) / run(False) for _ in range(rounds)]


def span(values: list[float], fmt: str) -> str:
    """Range and median: the machine is shared, so one number would say little."""
    lo, hi, mid = min(values), max(values), sorted(values)[len(values) // 2]
    if f"{lo:{fmt}}" == f"{hi:{fmt}}":
        return format(lo, fmt)
    return f"{lo:{fmt}} to {hi:{fmt}} (median {mid:{fmt}})"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    keep_freed_memory()  # the bare loop here gets the engine processes' allocator setting
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        try:
            for name, body in NETWORKS.items():
                runs: dict[str, list[dict[str, object]]] = defaultdict(list)
                bares = []
                for _ in range(rounds):
                    bares.append(bare_engine_steps_per_second(body))
                    runs["nobody watching"].append(session_run(server, body, None))
                    runs["watcher, no view open"].append(session_run(server, body, []))
                    runs["watcher, every view open"].append(session_run(server, body, list(VIEW_NAMES)))
                rows = [["bare engine", span(bares, ",.0f"), "100 %", "", "", ""]]
                quiet = [r["steps/s"] for r in runs["watcher, no view open"]]
                for label, results in runs.items():
                    sps = [float(r["steps/s"]) for r in results]  # type: ignore[arg-type]
                    ratios = [s / b for s, b in zip(sps, bares, strict=True)]
                    own = [s / q for s, q in zip(sps, quiet, strict=True)]  # type: ignore[operator]
                    hz = [min(r["Hz"].values()) for r in results if r.get("Hz")]  # type: ignore[union-attr]
                    mb = [float(r["bytes/s"]) / 1e6 for r in results if "bytes/s" in r]  # type: ignore[arg-type]
                    rows.append(
                        [
                            label,
                            span(sps, ",.0f"),
                            span([100 * r for r in ratios], ".0f") + " %",
                            span([100 * r for r in own], ".0f") + " %",
                            span(hz, ".0f") if hz else "",
                            span(mb, ".2f") if mb else "",
                        ]
                    )
                print_table(
                    f"{name}: {rounds} rounds (ranges), one server",
                    ["run", "steps/s", "vs bare", "vs watcher with no view", "slowest view Hz", "MB/s to watcher"],
                    rows,
                )
                ratios = engine_side_ratio(body, 2 * rounds)
                print(
                    "  engine side alone (in this process, CPU time, every view at 30 Hz / bare): "
                    + span([100 * r for r in ratios], ".0f")
                    + " %"
                )
                last = runs["watcher, every view open"][-1].get("Hz", {})
                print(
                    "  frames/s per view (last round): " + ", ".join(f"{v} {hz:.0f}" for v, hz in sorted(last.items()))
                )  # type: ignore[union-attr]
        finally:
            server.stop()


if __name__ == "__main__":
    main()
