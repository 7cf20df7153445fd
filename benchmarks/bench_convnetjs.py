"""ConvNetJS's MNIST demo network against the same network in NeuroPlay, as a learner sees it.

Run from the repository root:  .venv/bin/python benchmarks/bench_convnetjs.py [--seconds 8]

The reference: ConvNetJS 0.3.0 (npm; installed by this script into benchmarks/.convnetjs/ on first
run) trains its MNIST demo layout (conv 5×5×8 pad 2 relu, pool 2, conv 5×5×16 pad 2 relu, pool 3,
softmax) in node on 28×28 single-channel images, batch 20, for the measurement window; its examples
per second is the reference. NeuroPlay: the same layers (and batch size) on the 28×28 shapes set, in a
real server, opened in headless Chromium with the feature maps' tab open and the page's other
views live, playing; examples per second is
the step counter the page shows times the batch size, over the same window. The ratio (target 20×,
issue 14) is printed; both are measured in this run. A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser import CHROMIUM, CHROMIUM_ARGS, LiveServer  # the tests' live server, as bench_browser uses

ROOT = Path(__file__).resolve().parents[1]
CONVNETJS_DIR = ROOT / "benchmarks" / ".convnetjs"
CONVNETJS_VERSION = "0.3.0"
BATCH = 20
TARGET = 20.0

NODE_SCRIPT = r"""
const convnetjs = require("convnetjs");
const seconds = Number(process.argv[2]);
const layers = [
  {type: "input", out_sx: 28, out_sy: 28, out_depth: 1},
  {type: "conv", sx: 5, filters: 8, stride: 1, pad: 2, activation: "relu"},
  {type: "pool", sx: 2, stride: 2},
  {type: "conv", sx: 5, filters: 16, stride: 1, pad: 2, activation: "relu"},
  {type: "pool", sx: 3, stride: 3},
  {type: "softmax", num_classes: 4},
];
const net = new convnetjs.Net();
net.makeLayers(layers);
const trainer = new convnetjs.SGDTrainer(net, {method: "adadelta", batch_size: 20, l2_decay: 0.001});
const samples = Array.from({length: 256}, () => {
  const v = new convnetjs.Vol(28, 28, 1, 0.0);
  for (let i = 0; i < v.w.length; i++) v.w[i] = Math.random();
  return [v, Math.floor(Math.random() * 4)];
});
for (let i = 0; i < 200; i++) trainer.train(...samples[i % samples.length]);  // warm up the JIT
let n = 0;
const start = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < seconds) {
  for (let k = 0; k < 20; k++, n++) trainer.train(...samples[n % samples.length]);
  elapsed = Number(process.hrtime.bigint() - start) / 1e9;
}
console.log(JSON.stringify({examples_per_s: n / elapsed}));
"""

MODEL = {
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
SESSION = {
    "model": MODEL,
    "dataset": {"name": "shapes", "points": 2000, "validation_share": 0.2},
    "training": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": BATCH, "l2": 0.001},
}


def convnetjs_examples_per_second(seconds: float) -> float:
    if not (CONVNETJS_DIR / "node_modules" / "convnetjs").is_dir():
        CONVNETJS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                str(CONVNETJS_DIR),
                f"convnetjs@{CONVNETJS_VERSION}",
            ],
            check=True,
        )
    with tempfile.NamedTemporaryFile("w", suffix=".js", dir=CONVNETJS_DIR, delete=False) as script:
        script.write(NODE_SCRIPT)
    try:
        out = subprocess.run(
            ["node", script.name, str(seconds)], capture_output=True, text=True, check=True, cwd=CONVNETJS_DIR
        )
    finally:
        Path(script.name).unlink()
    return float(json.loads(out.stdout.strip().splitlines()[-1])["examples_per_s"])


def step_on_page(page) -> tuple[float, int]:
    t, text = page.evaluate(
        "() => [performance.now() / 1000, document.querySelector('[data-testid=step-counter]').textContent]"
    )
    return t, int(re.sub(r"\D", "", text))


def neuroplay_examples_per_second(seconds: float) -> tuple[float, list[str]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        try:
            created = httpx.post(server.url + "/api/sessions", json=SESSION, timeout=30).json()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # bypass_csp: wait_for_function evaluates its predicate with eval(), which the CSP forbids
                ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US", bypass_csp=True)
                tokens = json.dumps({created["id"]: created["owner_token"]})
                ctx.add_init_script(f"localStorage.setItem('neuroplay.tokens', {json.dumps(tokens)});")
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{server.url}/s/{created['id']}")
                # The feature maps' tab open (the probe's maps of every filter: a CNN's heaviest
                # view); the gradient strip and the loss curve are on screen beside it anyway.
                page.get_by_test_id("tab-probe").click()
                page.get_by_test_id("play-pause").click()
                page.wait_for_function("document.querySelector('[data-testid=status]').textContent === 'running'")
                page.wait_for_timeout(1500)  # past the first epoch's start-up
                t0, s0 = step_on_page(page)
                page.wait_for_timeout(seconds * 1000)
                t1, s1 = step_on_page(page)
                page.get_by_test_id("play-pause").click()
                browser.close()
        finally:
            server.stop()
    return (s1 - s0) * BATCH / (t1 - t0), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="measurement window of each side")
    args = parser.parse_args()
    started = time.perf_counter()
    print("ConvNetJS 0.3.0 in node ...", flush=True)
    reference = convnetjs_examples_per_second(args.seconds)
    print("NeuroPlay in Chromium ...", flush=True)
    ours, errors = neuroplay_examples_per_second(args.seconds)
    ratio = ours / reference
    print(f"\nConvNetJS MNIST demo layout on 28×28, batch {BATCH}")
    print(f"  ConvNetJS (node):            {reference:9.0f} examples/s")
    print(f"  NeuroPlay (Chromium, live):  {ours:9.0f} examples/s")
    print(f"  ratio: {ratio:.1f}x  (target {TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'})")
    if errors:
        print("  page errors:", *errors, sep="\n    ")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
