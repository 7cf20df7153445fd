"""Dense and activation layers, losses and optimizers against PyTorch 2.13 golden values.

The values were written by golden/make_core_golden.py; this test only reads them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuroplay.engine import ACTIVATIONS, Trainer, build_network, get_loss, make_optimizer
from neuroplay.engine.layers import Activation, Dense

GOLDEN = np.load(Path(__file__).parent / "golden" / "core.npz", allow_pickle=False)
RTOL, ATOL = 1e-5, 1e-6


def close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=what)


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_dense_matches_pytorch(act: str) -> None:
    g = {k.split(".")[-1]: GOLDEN[k] for k in GOLDEN.files if k.startswith(f"dense.{act}.")}
    layer = Dense((5,), units=3, activation=act)
    layer.params["W"][...] = g["W"]
    layer.params["b"][...] = g["b"]
    close(layer.forward(g["x"], training=True), g["y"], "y")
    close(layer.backward(g["r"]), g["dx"], "dx")
    close(layer.grads["W"], g["dW"], "dW")
    close(layer.grads["b"], g["db"], "db")


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_activation_layer_matches_pytorch(act: str) -> None:
    g = {k.split(".")[-1]: GOLDEN[k] for k in GOLDEN.files if k.startswith(f"activation.{act}.")}
    layer = Activation((7,), act)
    close(layer.forward(g["x"], training=True), g["y"], "y")
    close(layer.backward(g["r"]), g["dx"], "dx")


def _loss_case(name: str) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    pre = f"loss.{name}."
    return GOLDEN[pre + "input"], GOLDEN[pre + "target"], float(GOLDEN[pre + "value"]), GOLDEN[pre + "grad"]


@pytest.mark.parametrize("name", ["mse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy"])
def test_loss_value_and_gradient_match_pytorch(name: str) -> None:
    inp, target, value, grad = _loss_case(name)
    loss = get_loss(name)
    assert loss.value(inp, target) == pytest.approx(value, rel=RTOL)
    close(loss.grad(inp, target), grad, "grad")


@pytest.mark.parametrize(("case", "name"), [("bce_fused", "binary_cross_entropy"), ("ce_fused", "cross_entropy")])
def test_fused_losses_match_pytorch_from_logits(case: str, name: str) -> None:
    logits, target, value, grad = _loss_case(case)
    loss = get_loss(name)
    probs = ACTIVATIONS[loss.fused_activation].forward(logits)
    assert loss.value(probs, target) == pytest.approx(value, rel=RTOL)
    close(loss.grad_wrt_logits(probs, target), grad, "dL/dlogits")


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adam", "rmsprop"])
def test_five_optimizer_steps_match_pytorch(name: str) -> None:
    spec = {
        "input_shape": [3],
        "layers": [
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dense", "units": 2, "activation": "linear"},
        ],
    }
    net = build_network(spec)
    for i, (w, b) in enumerate((("W1", "b1"), ("W2", "b2"))):
        net.layers[i].params["W"][...] = GOLDEN[f"opt.{w}"]
        net.layers[i].params["b"][...] = GOLDEN[f"opt.{b}"]
    lr = 0.1 if name in ("sgd", "momentum", "nesterov") else 0.01
    extra = {"momentum": 0.9} if name in ("momentum", "nesterov") else {}
    trainer = Trainer(
        net,
        get_loss("mse"),
        make_optimizer(name, lr, l2=0.01, **extra),
        GOLDEN["opt.x"],
        GOLDEN["opt.y"],
        batch_size=8,
        seed=0,
    )
    losses = [trainer.train_step().loss for _ in range(5)]
    np.testing.assert_allclose(losses, GOLDEN[f"opt.{name}.losses"], rtol=RTOL)
    for i, (w, b) in enumerate((("W1", "b1"), ("W2", "b2"))):
        close(net.layers[i].params["W"], GOLDEN[f"opt.{name}.{w}"], f"{name} {w}")
        close(net.layers[i].params["b"], GOLDEN[f"opt.{name}.{b}"], f"{name} {b}")


def test_dropout_with_a_fixed_mask_matches_pytorch() -> None:
    from neuroplay.engine.layers import Dropout

    layer = Dropout((6,), rate=0.3)
    layer.set_fixed_mask(GOLDEN["dropout.mask"].astype(bool))
    close(layer.forward(GOLDEN["dropout.x"], training=True), GOLDEN["dropout.y"], "y")
    close(layer.backward(GOLDEN["dropout.r"]), GOLDEN["dropout.dx"], "dx")
