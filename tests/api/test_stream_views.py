"""The views of issue 9 over a real server and engine process: each view's records arrive for the
layers it applies to and only when subscribed, and their values are the engine's own numbers,
recomputed here by stepping an identical trainer (same specs, same seed: bit-identical training)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import numpy as np
from websockets.sync.client import connect

from neuroplay.engine import build_network
from neuroplay.engine.inspect import inspect_sample
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs, build_data, build_trainer

from .helpers import StreamReader, command, create

CNN = {
    "input_shape": [1, 8, 8],
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
        {"type": "batch_norm"},
        {"type": "max_pool2d", "pool_size": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.5},
        {"type": "dense", "units": 10, "activation": "softmax"},
    ],
}
EVERY_VIEW = [
    "boundary",
    "neurons",
    "weights",
    "probe",
    "grad_norms",
    "histograms",
    "dropout_mask",
    "bn_stats",
    "rnn_states",
    "batch",
]


def open_stream(server, sid: str):
    return connect(f"{server.ws_url}/api/sessions/{sid}/stream", compression=None, max_size=None)


def read_for(reader: StreamReader, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        reader.read(timeout=0.05)


def specs_of(client: httpx.Client, sid: str) -> Specs:
    spec = client.get(f"/api/sessions/{sid}/spec").json()
    return Specs(
        NetworkSpec.model_validate(spec["model"]),
        DatasetSpec.model_validate(spec["dataset"]),
        TrainingConfig.model_validate(spec["training"]),
    )


class Reference:
    """An identical trainer, stepped here; remembers what each step left for comparison."""

    def __init__(self, specs: Specs) -> None:
        self.specs = specs
        self.data = build_data(specs.dataset)
        self.trainer = build_trainer(specs, self.data)
        self.step = 0
        self.at: dict[int, dict[str, Any]] = {}

    def run_to(self, step: int) -> None:
        t = self.trainer
        while self.step < step:
            b = t.batches  # the batch the step will take, as BatchIterator.next_batch picks it
            batch = b.order[b.position : b.position + min(b.batch_size, b.n)].copy()
            result = t.train_step()
            self.step += 1
            layers = t.network.layers
            self.at[self.step] = {
                "loss": result.loss,
                "norms": t.layer_grad_norms(),
                "global": result.grad_norm,
                "masks": {
                    i: layer.observe()["mask"][0].copy()
                    for i, layer in enumerate(layers)
                    if layer.type_tag == "dropout"
                },
                "bn": {
                    i: (layer.observe()["batch_mean"].copy(), layer.observe()["batch_var"].copy())
                    for i, layer in enumerate(layers)
                    if layer.type_tag == "batch_norm"
                },
                "weights": t.network.get_weights(),
                "batch": batch,
            }


def layers_of(reader: StreamReader, name: str) -> set[int | None]:
    return {h.layer for h, _ in reader.records if h.name == name}


def test_every_view_of_a_cnn_arrives_for_its_layers_with_the_engines_numbers(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"model": CNN, "dataset": {"name": "digits"}, "training": {"steps_per_second": 60}})
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": EVERY_VIEW, "probe": {"split": "validation", "index": 3}})
        command(client, sid, auth, "play")
        read_for(reader, 2.0)
        command(client, sid, auth, "pause")
        read_for(reader, 0.3)
    names = {h.name for h, _ in reader.records}
    assert not names & {"boundary", "neurons", "batch_indices", "hidden_states", "hidden_grad_norms"}  # 2-D, RNN
    assert layers_of(reader, "activation") == layers_of(reader, "activation_grad") == set(range(6))
    assert layers_of(reader, "grad_norm") == layers_of(reader, "weight_percentiles") == {0, 1, 5}
    assert layers_of(reader, "output_percentiles") == set(range(6))
    assert layers_of(reader, "dropout_mask") == {4}
    for name in ("bn_batch_mean", "bn_batch_var", "bn_running_mean", "bn_gamma", "bn_beta", "bn_input_histogram"):
        assert layers_of(reader, name) == {1}, name
    params = {(h.layer, h.param): tuple(h.shape) for h, _ in reader.records if h.view == "weights"}
    assert params == {
        (0, "W"): (4, 1, 3, 3),
        (0, "b"): (4,),
        (1, "gamma"): (4,),
        (1, "beta"): (4,),
        (5, "W"): (64, 10),
        (5, "b"): (10,),
    }

    ref = Reference(specs_of(client, sid))
    last = max(h.step for h, _ in reader.records)
    ref.run_to(last)
    checked = {"grad_norm": 0, "dropout_mask": 0, "bn_batch_mean": 0, "activation": 0, "grad_norm_global": 0}
    for header, data in reader.records:
        s = header.step
        if header.name == "grad_norm":
            assert header.stride == 1  # 60 steps/s: a few steps a frame, none thinned
            want = [ref.at[header.first_step + j]["norms"][header.layer] for j in range(len(data))]
            np.testing.assert_allclose(data, want, rtol=1e-5)
        elif header.name == "grad_norm_global":
            want = [ref.at[header.first_step + j]["global"] for j in range(len(data))]
            np.testing.assert_allclose(data, want, rtol=1e-5)
        elif header.name == "dropout_mask":
            np.testing.assert_array_equal(data, ref.at[s]["masks"][header.layer].astype(np.float32))
        elif header.name == "bn_batch_mean":
            np.testing.assert_allclose(data, ref.at[s]["bn"][header.layer][0], rtol=1e-6)
        elif header.name == "activation" and header.layer == 0:
            assert header.probe is not None and (header.probe.split, header.probe.index) == ("validation", 3)
            net = build_network(ref.specs.model)
            net.set_weights(ref.at[s]["weights"])
            x, y = ref.data.x_val[3:4], ref.data.y_val[3:4]
            inspection = inspect_sample(net, ref.trainer.loss, x, y)
            np.testing.assert_allclose(data, inspection.layers[0].output, rtol=1e-5, atol=1e-6)
        else:
            continue
        checked[header.name] += 1
    assert all(checked.values()), checked
    # Every step from the first piece of the meter to the last is there once: no gap, no overlap.
    pieces = sorted((h.first_step, len(d)) for h, d in reader.records if h.name == "grad_norm" and h.layer == 0)
    covered = [first + j for first, n in pieces for j in range(n)]
    assert covered == list(range(covered[0], covered[-1] + 1))


def test_views_arrive_only_when_subscribed_and_change_mid_run(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"model": CNN, "dataset": {"name": "digits"}, "training": {"steps_per_second": 200}})
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["weights"]})
        command(client, sid, auth, "play")
        read_for(reader, 1.0)
        assert {h.view for h, _ in reader.records} == {"weights"}
        reader.records.clear()
        reader.send({"type": "subscribe", "views": ["grad_norms", "dropout_mask"]})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and {"grad_norm", "dropout_mask"} - {h.name for h, _ in reader.records}:
            reader.read(timeout=0.05)
        status = client.get(f"/api/sessions/{sid}?history=false").json()["status"]
        assert status == "running"
        read_for(reader, 0.3)
        recent = {h.view for h, _ in reader.records[-20:]}
        assert recent <= {"grad_norms", "dropout_mask"} and recent, recent
        command(client, sid, auth, "pause")


def test_batch_losses_are_every_steps_loss(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"training": {"steps_per_second": 100, "batch_size": 16}})
    pairs: list[list[float]] = []
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": []})
        command(client, sid, auth, "play")
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            msg = reader.read(timeout=0.05)
            if msg and msg["type"] == "metrics":
                pairs += msg["batch_losses"]
        command(client, sid, auth, "pause")
    steps = [int(s) for s, _ in pairs]
    assert len(steps) > 50 and steps == sorted(set(steps))
    assert steps == list(range(steps[0], steps[0] + len(steps)))  # under 256 a frame: every batch
    ref = Reference(specs_of(client, sid))
    ref.run_to(steps[-1])
    np.testing.assert_allclose([loss for _, loss in pairs], [ref.at[s]["loss"] for s in steps], rtol=1e-6)


def test_rnn_states_for_the_probe_and_a_probe_out_of_range(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"dataset": {"name": "sine"}})
    command(client, sid, auth, "step", "batch")
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["rnn_states"], "probe": {"split": "train", "index": 100000}})
        error = reader.read_until(lambda m: m["type"] == "error")
        assert error["code"] == "bad_message" and "train split has" in error["message"]
        reader.send({"type": "subscribe", "views": ["rnn_states"], "probe": {"split": "train", "index": 2}})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not layers_of(reader, "hidden_states"):
            reader.read(timeout=0.05)
        command(client, sid, auth, "step", "batch")  # a step taken here: the BPTT norms of that step
        while time.monotonic() < deadline and not layers_of(reader, "hidden_grad_norms"):
            reader.read(timeout=0.05)
    header, states = next((h, d) for h, d in reversed(reader.records) if h.name == "hidden_states")
    assert header.layer == 0 and states.shape == (16, 20) and header.probe.index == 2
    ref = Reference(specs_of(client, sid))
    ref.run_to(header.step)
    net = build_network(ref.specs.model)
    net.set_weights(ref.trainer.network.get_weights())
    inspect_sample(net, ref.trainer.loss, ref.data.x_train[2:3], ref.data.y_train[2:3])
    np.testing.assert_allclose(states, net.layers[0].observe()["hidden_states"][0].T, rtol=1e-5, atol=1e-6)
    norms_header, norms = next((h, d) for h, d in reversed(reader.records) if h.name == "hidden_grad_norms")
    ref.run_to(norms_header.step)
    np.testing.assert_allclose(norms, ref.trainer.network.layers[0].observe()["grad_norms_per_step"], rtol=1e-5)


def test_the_catalog_lists_every_view_of_the_registry_and_subscribe_accepts_exactly_those(
    server, client: httpx.Client
) -> None:
    views = client.get("/api/catalog").json()["views"]
    assert [v["name"] for v in views] == EVERY_VIEW
    by_name = {v["name"]: v for v in views}
    assert by_name["dropout_mask"]["layer_types"] == ["dropout"] and by_name["dropout_mask"]["computed_in"] == "engine"
    assert by_name["boundary"]["data_kinds"] == ["points"] and by_name["boundary"]["computed_in"] == "server"
    assert by_name["probe"]["needs_probe"] and by_name["grad_norms"]["per_step"]
    assert {r["name"] for r in by_name["bn_stats"]["records"]} >= {"bn_batch_mean", "bn_running_var", "bn_gamma"}
    sid, _ = create(client)
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["grad_norm"]})  # a record's name, not a view's
        error = reader.read_until(lambda m: m["type"] == "error")
        assert error["code"] == "bad_message" and "views" in error["message"]


def test_the_batch_of_each_step_for_the_2d_plane(server, client: httpx.Client) -> None:
    sid, auth = create(client, {"training": {"steps_per_second": 40, "batch_size": 10}})
    with open_stream(server, sid) as ws:
        reader = StreamReader(ws)
        reader.send({"type": "subscribe", "views": ["batch"]})
        command(client, sid, auth, "play")
        read_for(reader, 1.5)
        command(client, sid, auth, "pause")
    records = [(h, d) for h, d in reader.records if h.name == "batch_indices"]
    assert len(records) > 10
    ref = Reference(specs_of(client, sid))
    ref.run_to(max(h.step for h, _ in records))
    for header, data in records:
        np.testing.assert_array_equal(data, ref.at[header.step]["batch"])
