"""inspect_sample against PyTorch 2.13 goldens (tests/engine/golden/make_inspect_golden.py): every layer
kind, dense with every activation, both conv paddings, fused and unfused losses; and against the
trainer's own gradients for one sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from neuroplay.engine import ACTIVATIONS, LAYER_CLASSES, Trainer, build_network, get_loss, make_optimizer
from neuroplay.engine.inspect import inspect_sample

GOLDEN = np.load(Path(__file__).parent / "golden" / "inspect_golden.npz")
CASES = sorted({key.split(".")[0] for key in GOLDEN.files})
RTOL, ATOL = 1e-5, 1e-6


def _case(case: str) -> dict[str, np.ndarray]:
    return {key.split(".", 1)[1]: GOLDEN[key] for key in GOLDEN.files if key.startswith(case + ".")}


def _spec(case: str) -> dict:
    return json.loads(str(GOLDEN[f"{case}.spec"]))


def _network(case: str, a: dict[str, np.ndarray]):
    net = build_network(_spec(case), seed=0)
    net.set_weights({k.split("/", 1)[1]: v for k, v in a.items() if k.startswith("weights/")})
    return net


def test_goldens_cover_every_layer_kind_and_activation() -> None:
    layers = [entry for case in CASES for entry in _spec(case)["layers"]]
    assert {entry["type"] for entry in layers} == set(LAYER_CLASSES)
    assert {e["activation"] for e in layers if e["type"] == "dense"} == set(ACTIVATIONS)
    assert {e["padding"] for e in layers if e["type"] == "conv2d"} == {"same", "valid"}
    losses = {str(GOLDEN[f"{case}.loss"]) for case in CASES}
    assert losses == {"cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits", "mse"}


@pytest.mark.parametrize("case", CASES)
def test_matches_pytorch(case: str) -> None:
    a = _case(case)
    net = _network(case, a)
    result = inspect_sample(net, get_loss(str(a["loss"])), a["x"], a["y"])
    np.testing.assert_allclose(result.loss, a["expect/loss"], rtol=RTOL, err_msg="loss")
    np.testing.assert_allclose(result.prediction, a["expect/prediction"][0], rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(result.target, a["y"][0])
    assert [entry.type for entry in result.layers] == [e["type"] for e in _spec(case)["layers"]]
    for i, entry in enumerate(result.layers):
        where = f"{case} layer {i} ({entry.type})"
        for name in ("input", "output", "output_grad"):
            got = getattr(entry, name)
            assert got.dtype == np.float32, f"{where} {name}"
            np.testing.assert_allclose(got, a[f"layer{i}/{name}"][0], rtol=RTOL, atol=ATOL, err_msg=f"{where} {name}")
        expected_pre = a.get(f"layer{i}/preactivation")
        assert (entry.preactivation is None) == (expected_pre is None), f"{where}: preactivation presence"
        if expected_pre is not None:
            np.testing.assert_allclose(entry.preactivation, expected_pre[0], rtol=RTOL, atol=ATOL, err_msg=where)
        expected_grads = {k.split("grad_", 1)[1] for k in a if k.startswith(f"layer{i}/grad_")}
        assert set(entry.param_grads) == expected_grads, where
        for name, grad in entry.param_grads.items():
            np.testing.assert_allclose(
                grad, a[f"layer{i}/grad_{name}"], rtol=RTOL, atol=ATOL, err_msg=f"{where} {name}"
            )


def test_param_grads_are_the_trainers_for_that_sample() -> None:
    """Without dropout or batch norm, inference and training passes agree: inspect's gradients are
    exactly those a training step on the one sample computes (fused softmax/cross-entropy)."""
    spec = {
        "input_shape": [3],
        "layers": [
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dense", "units": 3, "activation": "softmax"},
        ],
    }
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 3)).astype(np.float32)
    y = np.array([[2.0]], dtype=np.float32)
    loss = get_loss("cross_entropy")
    result = inspect_sample(build_network(spec, seed=1), loss, x, y)
    trained = build_network(spec, seed=1)
    Trainer(trained, loss, make_optimizer("sgd", 0.1), x, y, batch_size=1, seed=0).train_step()
    for i, layer in enumerate(trained.layers):
        for name, grad in layer.grads.items():
            np.testing.assert_array_equal(result.layers[i].param_grads[name], grad)


def test_leaves_the_weights_alone_and_wants_one_sample() -> None:
    a = _case("mlp_binary_cross_entropy")
    net = _network("mlp_binary_cross_entropy", a)
    before = net.get_weights()
    inspect_sample(net, get_loss("binary_cross_entropy"), a["x"], a["y"])
    for key, value in net.get_weights().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)
    two = np.concatenate([a["x"], a["x"]])
    with pytest.raises(ValueError, match="batch axis of 1"):
        inspect_sample(net, get_loss("binary_cross_entropy"), two, np.concatenate([a["y"], a["y"]]))
