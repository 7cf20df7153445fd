"""How often a watcher's views refresh for a CNN session, alone and while 4 other sessions train.

Run from the repository root:  .venv/bin/python benchmarks/bench_view_refresh.py [--seconds 6] [--others 4]

A real server (`python -m neuroplay serve`). The watched session is the default CNN on the 28x28
shapes (conv 3x3x8 same, max-pool 2, flatten, dense 4), playing flat out; one websocket client
subscribes to every view and counts the tensor messages whose step moved on (each message is one
display frame's bundle of every view's tensors: what the page redraws from). It is measured alone,
then with `--others` more sessions of the same network training at the same time (unwatched, each
in its own engine process). The reference is the server's display rate (display_hz) in the same
run; target: >= 20 Hz under load.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import get_args

import httpx
from websockets.sync.client import connect

from common import print_table
from conftest import LiveServer
from neuroplay.config import Settings
from neuroplay.schemas.stream import ViewName
from neuroplay.sessions.tensor_records import decode_tensor_message

VIEWS = list(get_args(ViewName))
BODY = {"dataset": {"name": "shapes"}}  # the default network for images


def create(client: httpx.Client) -> tuple[str, dict[str, str]]:
    created = client.post("/api/sessions", json=BODY).raise_for_status().json()
    return created["id"], {"Authorization": f"Bearer {created['owner_token']}"}


def command(client: httpx.Client, sid: str, auth: dict[str, str], action: str) -> None:
    client.post(f"/api/sessions/{sid}/commands", json={"action": action}, headers=auth).raise_for_status()


def count_frames(ws_url: str, seconds: float) -> tuple[float, float, int]:
    """(fresh frames/s, steps/s seen, bytes/s) over `seconds` after a second of warm-up."""
    with connect(ws_url, compression=None, max_size=None) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": VIEWS}))
        warm_until = time.perf_counter() + 1.0
        frames, size, steps, last_step = 0, 0, [], -1
        started = None
        while True:
            now = time.perf_counter()
            if started is not None and now - started >= seconds:
                break
            try:
                message = ws.recv(timeout=0.5)
            except TimeoutError:
                continue
            if not isinstance(message, bytes):
                continue
            step = max(header.step for header, _ in decode_tensor_message(message))
            if now < warm_until:
                continue
            if started is None:
                started = now
            size += len(message)
            if step > last_step:
                frames += 1
                last_step = step
                steps.append((now, step))
        elapsed = time.perf_counter() - started
        steps_per_second = (steps[-1][1] - steps[0][1]) / (steps[-1][0] - steps[0][0]) if len(steps) > 1 else 0.0
        return frames / elapsed, steps_per_second, int(size / elapsed)


def measure(server: LiveServer, others: int, seconds: float) -> tuple[float, float, int]:
    client = httpx.Client(base_url=server.url, timeout=30)
    background = [create(client) for _ in range(others)]
    sid, auth = create(client)
    result: dict[str, tuple[float, float, int]] = {}
    watcher = threading.Thread(
        target=lambda: result.__setitem__("r", count_frames(f"{server.ws_url}/api/sessions/{sid}/stream", seconds))
    )
    try:
        for other_sid, other_auth in background:
            command(client, other_sid, other_auth, "play")
        command(client, sid, auth, "play")
        watcher.start()
        watcher.join()
    finally:
        for other_sid, other_auth in [*background, (sid, auth)]:
            command(client, other_sid, other_auth, "pause")
    return result["r"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--others", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    display_hz = Settings().display_hz
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        try:
            for _ in range(args.repeats):
                for others in (0, args.others):
                    hz, steps, size = measure(server, others, args.seconds)
                    rows.append(
                        [
                            "alone" if others == 0 else f"{others} other sessions training",
                            f"{hz:.1f} Hz",
                            f"{hz / display_hz:.0%}",
                            f"{steps:,.0f}",
                            f"{size / 1000:,.1f} KB/s",
                            ">= 20 Hz" if others else "",
                        ]
                    )
        finally:
            server.stop()
    print_table(
        f"view refresh of a watched CNN session (default shapes CNN, views {', '.join(VIEWS)}; "
        f"the server's display rate is {display_hz:g} Hz)",
        ["machine", "fresh frames", "of display rate", "steps/s seen", "to the watcher", "target"],
        rows,
    )


if __name__ == "__main__":
    main()
