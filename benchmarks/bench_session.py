"""Steps per second of a live session with one browser-style watcher, against the bare engine.

The session runs in a real server process (`python -m neuroplay serve`), trains the default network
(circle, 2-4-2-1 tanh, batch 10) at full speed while one websocket client subscribed to every view
(boundary, neurons, weights) reads and decodes every frame as the browser does. The bare engine is
the same Trainer.train_step loop in this process, measured in the same run. Target: >= 85 %.
Run: .venv/bin/python benchmarks/bench_session.py
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from common import mlp_spec, print_table, rate
from conftest import LiveServer
from neuroplay.data import make_dataset
from neuroplay.engine import Trainer, build_network, get_loss, make_optimizer
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.sessions.frames import decode_tensor_message

SECONDS = 5.0
VIEWS = ["boundary", "neurons", "weights"]  # every view the browser shows


def bare_engine_steps_per_second() -> float:
    data = make_dataset(DatasetSpec())  # circle, 500 points, noise 0.1, half for validation
    net = build_network(mlp_spec([4, 2]), seed=0)
    trainer = Trainer(
        net, get_loss("binary_cross_entropy"), make_optimizer("sgd", 0.03), data.x_train, data.y_train, 10, 0
    )
    return rate(trainer.train_step, seconds=SECONDS / 5)


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


def live_session_steps_per_second(
    server: LiveServer, watched: bool, seconds: float = SECONDS
) -> tuple[float, dict[str, int]]:
    client = httpx.Client(base_url=server.url, timeout=10)
    created = client.post("/api/sessions", json={}).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    stop, counts = threading.Event(), {"tensors": 0, "binary messages": 0, "texts": 0}
    watcher = None
    if watched:
        watcher = threading.Thread(target=watch, args=(f"{server.ws_url}/api/sessions/{sid}/stream", stop, counts))
        watcher.start()
        time.sleep(0.5)
    client.post(f"/api/sessions/{sid}/commands", json={"action": "play"}, headers=auth)
    time.sleep(1.0)  # warm-up
    s0, t0 = client.get(f"/api/sessions/{sid}").json()["step"], time.perf_counter()
    time.sleep(seconds)
    s1, t1 = client.get(f"/api/sessions/{sid}").json()["step"], time.perf_counter()
    client.post(f"/api/sessions/{sid}/commands", json={"action": "pause"}, headers=auth)
    stop.set()
    if watcher:
        watcher.join()
    return (s1 - s0) / (t1 - t0), counts


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
    bare = bare_engine_steps_per_second()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        try:
            unwatched, _ = live_session_steps_per_second(server, watched=False)
            watched, counts = live_session_steps_per_second(server, watched=True)
            latency = control_latency_ms(server)
        finally:
            server.stop()
    print_table(
        "live session vs bare engine: 2-4-2-1 tanh, circle, batch 10",
        ["run", "steps/s", "epochs/s", "vs bare engine", "target"],
        [
            ["bare engine (Trainer.train_step)", f"{bare:,.0f}", f"{bare / 25:,.0f}", "100 %", ""],
            ["session, nobody watching", f"{unwatched:,.0f}", f"{unwatched / 25:,.0f}", f"{unwatched / bare:.0%}", ""],
            [
                "session, one watcher, all views",
                f"{watched:,.0f}",
                f"{watched / 25:,.0f}",
                f"{watched / bare:.0%}",
                ">= 85 %",
            ],
        ],
    )
    print(
        "command round trip over HTTP (median of 15, target < 100 ms): "
        + ", ".join(f"{action} {ms:.1f} ms" for action, ms in latency.items())
    )
    print(
        f"watcher received {counts['tensors'] / SECONDS:.0f} tensors/s in {counts['binary messages'] / SECONDS:.0f} "
        f"binary messages/s and {counts['texts'] / SECONDS:.0f} text messages/s (counted over the warm-up too)"
    )


if __name__ == "__main__":
    main()
