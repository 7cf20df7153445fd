"""What the first page load costs: bytes over the wire, requests, and time to an interactive network.

Run from the repository root:  .venv/bin/python benchmarks/bench_page.py [--repeats 3]

A real server (`python -m neuroplay serve`) and headless Chromium. Each repeat opens the page in a
fresh browser context (empty cache), counts every response's bytes as they arrived (the Chrome
DevTools protocol's encodedDataLength: headers plus the body as sent, compressed when it was) and
its decoded size, and times navigation to "interactive": the layer cards are on screen and the
decision boundary has drawn its first frame from the live stream. It then reloads in the same
context (the browser's cache warm) and counts again. The reference in the same run is the same page
fetched without compression (the browser told `Accept-Encoding: identity`). Target: at most 250 KB
transferred on the first load. A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import print_table
from conftest import LiveServer

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
INTERACTIVE = "document.querySelector('[data-testid=boundary-canvas]')?.dataset.frames > 0"


@dataclass
class Load:
    seconds: float = 0.0
    transferred: int = 0  # bytes on the wire, headers included
    decoded: int = 0  # bytes of the bodies once decompressed
    requests: int = 0
    cached: int = 0  # answered from the browser's cache or with 304
    by_kind: dict[str, int] = field(default_factory=dict)


def measure(page, cdp, url: str, reload: bool) -> Load:
    load, urls = Load(), {}

    def on_response(event: dict) -> None:
        response = event["response"]
        urls[event["requestId"]] = response["url"]
        if response.get("fromDiskCache") or response.get("fromMemoryCache") or response["status"] == 304:
            load.cached += 1

    def on_data(event: dict) -> None:
        load.decoded += event["dataLength"]

    def on_finished(event: dict) -> None:
        load.requests += 1
        load.transferred += int(event["encodedDataLength"])
        path = urls.get(event["requestId"], "")
        kind = "api" if "/api/" in path else "library" if "/node_modules/" in path else "own"
        load.by_kind[kind] = load.by_kind.get(kind, 0) + int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    started = time.perf_counter()
    if reload:
        page.reload()
    else:
        page.goto(url)
    page.get_by_test_id("layer-card").first.wait_for()
    page.wait_for_function(INTERACTIVE)
    load.seconds = time.perf_counter() - started
    page.wait_for_timeout(300)  # late responses (the first stream frames are websocket, not counted)
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.dataReceived", on_data)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    return load


def first_and_second(browser, url: str, compressed: bool) -> tuple[Load, Load]:
    # bypass_csp: wait_for_function evaluates its predicate with eval(), which the page's CSP forbids
    # (it changes no byte of what is transferred)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(60000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if not compressed:
            cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "identity"}})
        first = measure(page, cdp, url, reload=False)
        second = measure(page, cdp, url, reload=True)
        return first, second
    finally:
        context.close()


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[tuple[Load, Load]]] = {"compressed": [], "identity": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = LiveServer(Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(args.repeats):  # alternate, so both see the same machine
                runs["identity"].append(first_and_second(browser, server.url, compressed=False))
                runs["compressed"].append(first_and_second(browser, server.url, compressed=True))
        finally:
            browser.close()
            server.stop()
    rows = []
    for name, pairs in runs.items():
        first, second = pairs[-1]
        times = [f.seconds for f, _ in pairs]
        rows.append(
            [
                name,
                kb(first.transferred),
                kb(first.decoded),
                first.requests,
                ", ".join(f"{k} {kb(v)}" for k, v in sorted(first.by_kind.items())),
                f"{statistics.median(times) * 1000:.0f} ms ({min(times) * 1000:.0f}-{max(times) * 1000:.0f})",
                f"{kb(second.transferred)}, {second.cached}/{second.requests} cached",
                "<= 250 KB" if name == "compressed" else "reference",
            ]
        )
    print_table(
        f"first page load (fresh context) and a reload, {args.repeats} repeats (bytes of the last)",
        ["run", "transferred", "decoded", "requests", "by kind", "to interactive (median)", "reload", "target"],
        rows,
    )
    compressed, identity = runs["compressed"][-1][0], runs["identity"][-1][0]
    print(f"compressed / uncompressed transfer: {compressed.transferred / identity.transferred:.2f}")


if __name__ == "__main__":
    sys.exit(main())
