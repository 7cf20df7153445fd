"""The tables the browser used to copy, served by a real server from the engine's own: the f/f′
curves and flat counts with the pre-activation histograms, each unit's f′(u) and dL/du in the
inspection, the layers' parameter lists and the datasets' preview samples in the catalog."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from neuroplay.data import DATASETS
from neuroplay.engine import ACTIVATIONS, LAYER_CLASSES
from neuroplay.schemas.dataset import DatasetSpec

from .helpers import CNN, command, create, weights_of

EVERY_F = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": name}
        for name in ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
    ]
    + [{"type": "dense", "units": 1, "activation": "sigmoid"}],
}


def sigmoid(u: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-u))


# f′ written out here, independently of engine/activations.py, and where it is flat (a tenth of its top).
SLOPES = {
    "sigmoid": lambda u: sigmoid(u) * (1 - sigmoid(u)),
    "tanh": lambda u: 1 - np.tanh(u) ** 2,
    "relu": lambda u: (u > 0).astype(float),
    "leaky_relu": lambda u: np.where(u > 0, 1.0, 0.01),
    "linear": lambda u: np.ones_like(u),
}
FLAT_BELOW = {"sigmoid": 0.025, "tanh": 0.1, "relu": 0.1}


def test_the_histograms_carry_the_engines_curves_and_flat_counts(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": EVERY_F, "dataset": {"name": "circle", "points": 300}})
    command(client, sid, auth, "step", "batch")
    got = client.get(f"/api/sessions/{sid}/preactivations", params={"split": "train", "samples": 120}).json()
    w = weights_of(client, sid)
    a = np.array(client.get(f"/api/sessions/{sid}/data").json()["train"]["x"][:120], dtype=np.float64)
    assert [h["activation"] for h in got["layers"]] == [layer["activation"] for layer in EVERY_F["layers"]]
    for i, hist in enumerate(got["layers"]):
        name = hist["activation"]
        u_units = a @ w[f"layer{i}.W"] + w[f"layer{i}.b"]
        curve = hist["curve"]
        u = np.array(curve["u"])
        # The axis covers the histogram and at least [-4, 4], in 73 equal steps (one per pixel column).
        assert len(u) == 73 and u[0] == pytest.approx(min(-4, hist["edges"][0]))
        assert u[-1] == pytest.approx(max(4, hist["edges"][-1]))
        np.testing.assert_allclose(np.diff(u), (u[-1] - u[0]) / 72, rtol=1e-9)
        np.testing.assert_allclose(curve["f"], ACTIVATIONS[name].forward(u), rtol=1e-12)
        kink = np.abs(u) > 1e-9  # ReLU's f′ at 0 is the engine's choice ([y > 0]: 0)
        np.testing.assert_allclose(np.array(curve["slope"])[kink], SLOPES[name](u)[kink], rtol=1e-9, atol=1e-12)
        if name in FLAT_BELOW:
            flat = int(np.count_nonzero(SLOPES[name](u_units) < FLAT_BELOW[name]))
            assert abs(hist["flat_values"] - flat) <= 1, (name, hist["flat_values"], flat)  # float32 rounding
        else:
            assert hist["flat_values"] is None, name
        a = ACTIVATIONS[name].forward(u_units)


def test_softmax_has_no_curve_or_flat_count(client: httpx.Client) -> None:
    sid, _ = create(client, {"model": CNN, "dataset": {"name": "digits"}})
    got = client.get(f"/api/sessions/{sid}/preactivations", params={"split": "validation", "samples": 5}).json()
    conv, dense = got["layers"]
    assert conv["curve"] is not None and conv["flat_values"] is not None
    assert dense["activation"] == "softmax" and dense["curve"] is None and dense["flat_values"] is None


def test_inspect_gives_each_units_slope_and_gradient_before_its_activation(client: httpx.Client) -> None:
    sid, auth = create(client, {"model": EVERY_F, "dataset": {"name": "circle"}})
    command(client, sid, auth, "step", "batch")
    got = client.get(f"/api/sessions/{sid}/inspect", params={"split": "validation", "index": 1}).json()
    for spec, layer in zip(EVERY_F["layers"][:-1], got["layers"], strict=False):
        u = np.array(layer["preactivation"])
        slope = np.array(layer["slope"])
        kink = np.abs(u) > 1e-9
        np.testing.assert_allclose(slope[kink], SLOPES[spec["activation"]](u)[kink], rtol=1e-5, atol=1e-7)
        du = np.array(layer["preactivation_grad"])
        np.testing.assert_allclose(du, np.array(layer["output_grad"]) * slope, rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose(du, layer["param_grads"]["b"], rtol=1e-5, atol=1e-9)  # one sample: dL/db = dL/du
    # The output sigmoid with binary cross-entropy is entered from dL/du = p − y (the fused loss).
    out = got["layers"][-1]
    assert out["preactivation_grad"] == pytest.approx([got["prediction"][0] - got["target"][0]], abs=1e-6)


def test_a_softmax_and_a_recurrent_layer_in_the_inspection(client: httpx.Client) -> None:
    sid, _ = create(client, {"model": CNN, "dataset": {"name": "digits"}, "training": {"loss": "mse"}})
    got = client.get(f"/api/sessions/{sid}/inspect", params={"split": "train", "index": 0}).json()
    conv, pool, _, dense = got["layers"]
    assert pool["slope"] is None and pool["preactivation_grad"] is None
    assert np.array(conv["slope"]).shape == (3, 8, 8)
    y, dy = np.array(dense["output"]), np.array(dense["output_grad"])
    assert dense["slope"] is None  # softmax: no scalar f′; dL/du is its Jacobian-vector product
    np.testing.assert_allclose(dense["preactivation_grad"], y * (dy - (dy * y).sum()), rtol=1e-5, atol=1e-8)
    sid, _ = create(client, {"dataset": {"name": "sine"}})
    rnn = client.get(f"/api/sessions/{sid}/inspect", params={"split": "validation", "index": 2}).json()["layers"][0]
    states = np.array(rnn["recurrence"]["states"])
    np.testing.assert_allclose(rnn["slope"], 1 - states**2, rtol=1e-5, atol=1e-7)  # f′(u_t) per step
    assert rnn["preactivation_grad"] is None  # per step in its recurrence


def test_the_catalog_lists_each_layers_parameters_as_its_class_does(client: httpx.Client) -> None:
    layers = {info["type"]: info for info in client.get("/api/catalog").json()["layers"]}
    assert set(layers) == set(LAYER_CLASSES)
    for tag, cls in LAYER_CLASSES.items():
        assert layers[tag]["params"] == list(cls.param_names), tag
        assert layers[tag]["painted_params"] == list(cls.painted_params), tag
    assert layers["simple_rnn"]["params"] == ["W_x", "W_h", "b"]
    assert layers["batch_norm"]["painted_params"] == ["gamma", "beta"]


def test_the_catalogs_activations_carry_the_inspectors_formulas(client: httpx.Client) -> None:
    acts = {a["name"]: a for a in client.get("/api/catalog").json()["activations"]}
    assert set(acts) == set(ACTIVATIONS)
    assert acts["sigmoid"]["slope_formula"] == "y (1 − y)" and acts["tanh"]["slope_formula"] == "1 − y²"
    assert acts["softmax"]["slope_formula"] is None and "⟨dL/dy, y⟩" in acts["softmax"]["grad_formula"]


def test_every_datasets_preview_is_made_by_its_own_generator(client: httpx.Client) -> None:
    entries = {e["name"]: e for e in client.get("/api/catalog").json()["datasets"]}
    assert set(entries) == set(DATASETS)
    for name, entry in entries.items():
        preview, info = entry["preview"], DATASETS[name]
        filled = [key for key in ("points", "images", "sequence") if preview[key]]
        assert filled == [{"points": "points", "image": "images", "sequence": "sequence"}[info.kind]], name
        spec = DatasetSpec.model_validate({"name": name})
        count = len(preview["points"]) or len(preview["images"]) or 1
        x, y = info.generate(spec.model_copy(update={"points": count}), np.random.default_rng(7))
        if info.kind == "points":
            assert count == 90
            np.testing.assert_allclose(np.array(preview["points"])[:, :2], x[:, :2], atol=6e-4)
            np.testing.assert_allclose(np.array(preview["points"])[:, 2], y.reshape(count), atol=6e-4)
        elif info.kind == "image":
            assert np.array(preview["images"]).shape == (4, *entry["input_shape"][1:])
            np.testing.assert_allclose(preview["images"], x[:, 0], atol=6e-4)
        else:
            assert np.array(preview["sequence"]).shape == tuple(entry["input_shape"])
            np.testing.assert_allclose(preview["sequence"], x[0], atol=6e-4)
            target = y[0].reshape(-1)
            assert preview["sequence_target"] == ([] if target.size == 1 else pytest.approx(target, abs=6e-4))
    # Two 2-D sets draw two different pictures (the spiral is no longer the picture of every unknown name).
    assert entries["spiral"]["preview"]["points"] != entries["moons"]["preview"]["points"]
