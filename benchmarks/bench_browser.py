"""What a learner sees: epochs per second and view refresh rate in the browser, against the bare engine.

Run from the repository root:  .venv/bin/python benchmarks/bench_browser.py [--seconds 6]

For each configuration it starts a session over REST, opens the page in headless Chromium with every
view live (boundary, neuron maps, weights, loss chart), presses play, and reads what the page shows:
the epoch counter at the start and the end of the window gives epochs/s, the boundary canvas's
data-frames counter (bumped on each redraw from a new tensor) gives the view refresh rate. The same
network is then trained by the bare engine (neuroplay.engine + neuroplay.data, no server, no
telemetry) in this process, so the ratio says what the server, streaming and drawing cost.

Targets are the project's; the TensorFlow Playground figures are its own epochs/s for the same
networks, measured once in Chromium on this machine class; (c) uses all seven input features (x1, x2,
x1², x2², x1·x2, sin x1, sin x2) as TF Playground's run did. This is a report, not a test: it always
exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from common import ROOT
from conftest import LiveServer

sys.path.insert(0, str(ROOT / "backend"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def dense(units: int, activation: str = "tanh") -> dict:
    return {"type": "dense", "units": units, "activation": activation}


@dataclass
class Config:
    name: str
    dataset: dict
    hidden: list[int]
    target: float
    tf_playground: float

    def model(self) -> dict:
        inputs = len(self.dataset.get("features", ["x1", "x2"]))
        return {"input_shape": [inputs], "layers": [dense(u) for u in self.hidden] + [dense(1, "sigmoid")]}


DATASET = {"points": 500, "noise": 0.1, "validation_share": 0.5}
ALL_FEATURES = ["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]
CONFIGS = [
    Config("(a) circle 2-4-2-1 tanh", {"name": "circle", **DATASET}, [4, 2], 120.0, 59.5),
    Config("(b) circle 6 x 8 tanh", {"name": "circle", **DATASET}, [8] * 6, 52.0, 17.4),
    Config(
        "(c) spiral 8-8-8 tanh, 7 features",
        {"name": "spiral", "features": ALL_FEATURES, **DATASET},
        [8, 8, 8],
        75.0,
        25.2,
    ),
]
TRAINING = {"learning_rate": 0.03, "batch_size": 10}


def bare_engine_epochs_per_second(config: Config, seconds: float) -> float:
    """Epochs/s of Trainer.train_step alone for the same network, data and batch size."""
    from neuroplay.schemas.dataset import DatasetSpec
    from neuroplay.schemas.model import NetworkSpec
    from neuroplay.schemas.training import TrainingConfig
    from neuroplay.sessions.build import Specs, build_data, build_trainer

    specs = Specs(
        NetworkSpec.model_validate(config.model()),
        DatasetSpec.model_validate(config.dataset),
        TrainingConfig.model_validate(TRAINING),
    )
    trainer = build_trainer(specs, build_data(specs.dataset))
    for _ in range(200):  # warm up
        trainer.train_step()
    epochs = 0
    start = time.perf_counter()
    while True:
        if trainer.train_step().epoch_ended:
            epochs += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return epochs / elapsed


def read_counters(page) -> tuple[float, int, int, int, int]:
    """(time, displayed epoch, boundary frames, graph frames, chart points) as the page shows them."""
    values = page.evaluate(
        """() => [
            performance.now() / 1000,
            document.querySelector('[data-testid=epoch-counter]').textContent,
            document.querySelector('[data-testid=boundary-canvas]').dataset.frames,
            document.querySelector('[data-testid=network-graph]').dataset.frames,
            document.querySelector('[data-testid=loss-chart]').dataset.points,
        ]"""
    )
    t, epoch, frames, graph, points = values
    return t, int("".join(ch for ch in epoch if ch.isdigit())), int(frames), int(graph or 0), int(points)


def browser_run(browser, server: LiveServer, config: Config, seconds: float) -> dict:
    r = httpx.post(
        server.url + "/api/sessions",
        json={
            "model": config.model(),
            "dataset": config.dataset,
            "training": TRAINING,
        },
    )
    r.raise_for_status()
    created = r.json()
    # bypass_csp: wait_for_function evaluates its predicate with eval(), which the page's CSP forbids
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US", bypass_csp=True)
    tokens = json.dumps({created["id"]: created["owner_token"]})
    ctx.add_init_script(f"localStorage.setItem('neuroplay.tokens', {json.dumps(tokens)});")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    ws_frames = {"binary": 0}

    def on_ws(ws) -> None:
        ws.on(
            "framereceived",
            lambda payload: ws_frames.__setitem__(
                "binary", ws_frames["binary"] + (0 if isinstance(payload, str) else 1)
            ),
        )

    page.on("websocket", on_ws)
    page.goto(f"{server.url}/s/{created['id']}")
    page.wait_for_function("document.querySelector('[data-testid=boundary-canvas]')?.dataset.frames > 0", timeout=20000)
    page.get_by_test_id("play-pause").click()
    page.wait_for_function("document.querySelector('[data-testid=status]').textContent === 'running'")
    page.wait_for_timeout(1000)  # let it reach its pace
    t0, e0, f0, g0, _ = read_counters(page)
    b0 = ws_frames["binary"]
    page.wait_for_timeout(seconds * 1000)
    t1, e1, f1, g1, points = read_counters(page)
    b1 = ws_frames["binary"]
    page.get_by_test_id("play-pause").click()
    ctx.close()
    dt = t1 - t0
    return {
        "epochs_per_s": (e1 - e0) / dt,
        "view_hz": (f1 - f0) / dt,
        "graph_hz": (g1 - g0) / dt,
        # One binary message carries all the tensors of one telemetry tick.
        "stream_hz": (b1 - b0) / dt,
        "chart_points": points,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="measurement window per configuration")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for config in CONFIGS:
                    print(f"browser: {config.name} ...", flush=True)
                    rows.append((config, browser_run(browser, server, config, args.seconds)))
                browser.close()
        finally:
            server.stop()
    engine = {}
    for config, _ in rows:
        print(f"engine:  {config.name} ...", flush=True)
        engine[config.name] = bare_engine_epochs_per_second(config, min(args.seconds, 4.0))

    header = (
        "config",
        "browser ep/s",
        "target",
        "TF Playground",
        "bare engine ep/s",
        "browser/engine",
        "view Hz (>=20)",
        "graph Hz",
        "stream Hz",
    )
    table = [header]
    for config, run in rows:
        bare = engine[config.name]
        table.append(
            (
                config.name,
                f"{run['epochs_per_s']:.1f}",
                f"{config.target:.0f}",
                f"{config.tf_playground:.1f}",
                f"{bare:.1f}",
                f"{run['epochs_per_s'] / bare:.2f}",
                f"{run['view_hz']:.1f}",
                f"{run['graph_hz']:.1f}",
                f"{run['stream_hz']:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print()
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for config, run in rows:
        if run["errors"]:
            print(f"page errors in {config.name}: {run['errors']}")
    print("\nbrowser ep/s: epochs per second read off the page's epoch counter while playing with every view open;")
    print(
        "view Hz: boundary-canvas redraws from new tensors per second; stream Hz: telemetry ticks received per second;"
    )
    print("graph Hz: network-graph repaints per second (one tick's frames of a deep network may land in two frames).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
