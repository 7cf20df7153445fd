"""Small helpers for talking to the live server in tests."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
from websockets.sync.client import ClientConnection

from neuroplay.sessions.tensor_records import decode_tensor_message


def create(client: httpx.Client, body: dict[str, Any] | None = None) -> tuple[str, dict[str, str]]:
    r = client.post("/api/sessions", json=body or {})
    assert r.status_code == 201, r.text
    created = r.json()
    return created["id"], {"Authorization": f"Bearer {created['owner_token']}"}


def command(client: httpx.Client, sid: str, auth: dict[str, str], action: str, unit: str = "batch") -> dict:
    r = client.post(f"/api/sessions/{sid}/commands", json={"action": action, "unit": unit}, headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class StreamReader:
    """Reads a websocket, keeping text messages by type and the latest tensor per (name, layer)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: list[dict[str, Any]] = []
        self.tensors: dict[tuple[str, int | None], Any] = {}
        self.tensor_headers: list[Any] = []
        self.records: list[tuple[Any, Any]] = []  # every (header, data), in arrival order
        self.binary_messages: list[int] = []  # records per binary message

    def read(self, timeout: float = 5.0) -> dict[str, Any] | None:
        """The next text message (binary frames on the way are recorded); None on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.ws.recv(timeout=max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                return None
            if isinstance(frame, bytes):
                records = decode_tensor_message(frame)
                self.binary_messages.append(len(records))
                for header, data in records:
                    self.tensors[(header.name, header.layer)] = (header, data)
                    self.tensor_headers.append(header)
                    self.records.append((header, data))
                continue
            msg = json.loads(frame)
            self.messages.append(msg)
            return msg
        return None

    def read_until(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.read(timeout=deadline - time.monotonic())
            if msg is not None and predicate(msg):
                return msg
        raise AssertionError(
            f"no matching message within {timeout} s; got types {[m['type'] for m in self.messages[-10:]]}"
        )

    def send(self, obj: Any) -> None:
        self.ws.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj))


# A small CNN on the 8x8 digits (inspect and pre-activation tests).
CNN = {
    "input_shape": [1, 8, 8],
    "layers": [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
        {"type": "max_pool2d", "pool_size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 10, "activation": "softmax"},
    ],
}


def weights_of(client: httpx.Client, sid: str) -> dict[str, np.ndarray]:
    r = client.get(f"/api/sessions/{sid}/weights")
    assert r.status_code == 200
    with np.load(io.BytesIO(r.content), allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def collect(reader: StreamReader, until_step: int, status: str = "paused") -> list[dict]:
    """Every point from history/metrics messages until the counters say (status, until_step)."""
    points: list[dict] = []
    while True:
        msg = reader.read_until(lambda m: m["type"] in ("history", "metrics"))
        if msg["type"] == "history":
            points = list(msg["points"])
            continue
        points += msg["points"]
        if msg["status"] == status and msg["step"] == until_step:
            return points


def raw_get(client: httpx.Client, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """The response and its body exactly as sent (httpx would otherwise decompress it)."""
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())
