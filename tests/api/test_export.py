"""Downloads over HTTP: weights (.npz without pickle, every layer's parameters and buffers), the specs
(a valid body for POST /api/sessions) and the PyTorch script, which reproduces the session's network."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import httpx
import numpy as np

from neuroplay.engine import build_network

from .helpers import command, create

MODEL = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 6, "activation": "relu"},
        {"type": "batch_norm"},
        {"type": "dropout", "rate": 0.3},
        {"type": "dense", "units": 3, "activation": "leaky_relu"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def trained_session(client: httpx.Client) -> str:
    sid, auth = create(client, {"model": MODEL, "training": {"optimizer": "adam", "learning_rate": 0.01}})
    for _ in range(2):
        command(client, sid, auth, "step", "epoch")
    return sid


def test_the_weights_download_has_every_parameter_and_buffer(client: httpx.Client) -> None:
    sid = trained_session(client)
    r = client.get(f"/api/sessions/{sid}/weights")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"] == f'attachment; filename="neuroplay-{sid}-weights.npz"'
    with np.load(io.BytesIO(r.content), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    expected = build_network(MODEL).get_weights()
    assert sorted(arrays) == sorted(expected)  # layer0.W, layer0.b, layer1.gamma ... layer1.running_var ...
    assert {"layer1.running_mean", "layer1.running_var"} <= set(arrays)
    for name, value in expected.items():
        assert arrays[name].shape == value.shape and arrays[name].dtype == np.float32, name
    assert not np.array_equal(arrays["layer0.W"], expected["layer0.W"])  # trained, not the initial ones


def test_the_spec_download_starts_an_equal_session(client: httpx.Client) -> None:
    sid = trained_session(client)
    r = client.get(f"/api/sessions/{sid}/spec")
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment;")
    spec = r.json()
    view = client.get(f"/api/sessions/{sid}").json()
    assert spec == {"model": view["model"], "dataset": view["dataset"], "training": view["training"]}
    again = client.post("/api/sessions", json=spec)
    assert again.status_code == 201
    copy = client.get(f"/api/sessions/{again.json()['id']}").json()
    assert (copy["model"], copy["dataset"], copy["training"]) == (view["model"], view["dataset"], view["training"])


def test_the_pytorch_script_reproduces_the_sessions_outputs(client: httpx.Client, tmp_path: Path) -> None:
    sid = trained_session(client)
    r = client.get(f"/api/sessions/{sid}/pytorch")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/x-python")
    assert r.headers["content-disposition"] == f'attachment; filename="neuroplay-{sid}.py"'
    (tmp_path / "model.py").write_bytes(r.content)
    weights = client.get(f"/api/sessions/{sid}/weights").content
    (tmp_path / "weights.npz").write_bytes(weights)
    x = np.random.default_rng(0).uniform(-6, 6, (64, 2)).astype(np.float32)
    np.save(tmp_path / "inputs.npy", x)
    run = subprocess.run(
        [sys.executable, "model.py", "weights.npz", "inputs.npy", "outputs.npy"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr

    network = build_network(client.get(f"/api/sessions/{sid}").json()["model"])
    with np.load(io.BytesIO(weights), allow_pickle=False) as npz:
        network.set_weights({name: npz[name] for name in npz.files})
    expected = network.forward(x, training=False)
    np.testing.assert_allclose(np.load(tmp_path / "outputs.npy"), expected, rtol=1e-5, atol=1e-5)


def test_downloads_of_an_unknown_session_are_404(client: httpx.Client) -> None:
    for path in ("weights", "spec", "pytorch"):
        assert client.get(f"/api/sessions/nope/{path}").status_code == 404
