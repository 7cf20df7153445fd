"""The exported PyTorch script rebuilds the network: run with PyTorch (CPU) on the same inputs, it gives
the engine's inference outputs to 1e-5. Covers every layer type the engine registry has."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from neuroplay.engine import LAYER_CLASSES, Network, build_network
from neuroplay.engine.layers import Layer
from neuroplay.export import WRITERS, ExportError, pytorch_script
from neuroplay.store.codec import encode_arrays

# One network per input kind, using every registered layer type that fits it. Types registered later
# join the cases here through REGISTERED; the writer table must cover them (next test).
FLAT = {
    "input_shape": [3],
    "layers": [
        {"type": "dense", "units": 8, "activation": "relu"},
        {"type": "batch_norm", "momentum": 0.2, "eps": 1e-3},
        {"type": "dropout", "rate": 0.4},
        {"type": "dense", "units": 6, "activation": "leaky_relu"},
        {"type": "activation", "activation": "tanh"},
        {"type": "dense", "units": 5, "activation": "sigmoid", "use_bias": False},
        {"type": "dense", "units": 4, "activation": "linear"},
        {"type": "activation", "activation": "softmax"},
    ],
}
IMAGE = {
    "input_shape": [2, 11, 10],
    "layers": [
        {
            "type": "conv2d",
            "filters": 3,
            "kernel_size": 2,
            "padding": "same",
            "activation": "relu",
        },  # odd total padding
        {"type": "batch_norm"},
        {"type": "max_pool2d", "pool_size": 2},
        {"type": "max_pool2d", "pool_size": 3, "stride": 1},
        {"type": "conv2d", "filters": 4, "kernel_size": 2, "stride": 2, "padding": "same", "activation": "tanh"},
        {
            "type": "conv2d",
            "filters": 4,
            "kernel_size": 2,
            "padding": "valid",
            "activation": "linear",
            "use_bias": False,
        },
        {"type": "avg_pool2d", "pool_size": 1},
        {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "softmax"},
    ],
}
SEQUENCE = {
    "input_shape": [7, 3],
    "layers": [
        {"type": "simple_rnn", "units": 5, "activation": "tanh", "return_sequences": True},
        {"type": "simple_rnn", "units": 4, "activation": "sigmoid", "return_sequences": False},
        {"type": "dense", "units": 2, "activation": "linear"},
    ],
}
CASES = {
    name: spec
    for name, spec in {"flat": FLAT, "image": IMAGE, "sequence": SEQUENCE}.items()
    if all(layer["type"] in LAYER_CLASSES for layer in spec["layers"])
}


def test_every_registered_layer_type_has_a_writer() -> None:
    assert set(LAYER_CLASSES) <= set(WRITERS), set(LAYER_CLASSES) - set(WRITERS)


def test_the_cases_cover_every_registered_layer_type() -> None:
    covered = {layer["type"] for spec in CASES.values() for layer in spec["layers"]}
    assert set(LAYER_CLASSES) <= covered, set(LAYER_CLASSES) - covered


def _randomised(network: Network, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weights that are not the initial ones, and batch-norm statistics far from 0 and 1, so a mix-up
    of names or layouts cannot pass."""
    weights = {}
    for key, value in network.get_weights().items():
        new = rng.standard_normal(value.shape).astype(np.float32) * 0.7
        if key.endswith("running_var"):
            new = np.abs(new) + 0.5
        weights[key] = new
    network.set_weights(weights)
    return weights


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_script_reproduces_the_engine(tmp_path: Path, name: str) -> None:
    rng = np.random.default_rng(42)
    network = build_network(CASES[name], seed=1)
    weights = _randomised(network, rng)
    x = rng.standard_normal((11, *network.input_shape)).astype(np.float32)
    expected = network.forward(x, training=False)

    (tmp_path / "weights.npz").write_bytes(encode_arrays(weights))
    np.save(tmp_path / "inputs.npy", x)
    script = tmp_path / "model.py"
    script.write_text(pytorch_script(network), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), "weights.npz", "inputs.npy", "outputs.npy"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    got = np.load(tmp_path / "outputs.npy", allow_pickle=False)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_the_script_without_inputs_prints_the_model(tmp_path: Path) -> None:
    network = build_network(FLAT, seed=1)
    (tmp_path / "weights.npz").write_bytes(encode_arrays(network.get_weights()))
    (tmp_path / "model.py").write_text(pytorch_script(network), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "model.py", "weights.npz"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "Linear(in_features=3, out_features=8" in run.stdout and "BatchNorm1d(8" in run.stdout


def test_an_unknown_layer_type_is_named() -> None:
    class Mystery(Layer):
        type_tag = "mystery"

    network = build_network(FLAT)
    network.layers.insert(2, Mystery((8,)))
    with pytest.raises(ExportError, match=r"layer 2 \(mystery\).*no PyTorch equivalent"):
        pytorch_script(network)
