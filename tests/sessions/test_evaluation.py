"""Scoring a split in chunks gives the same metric point as scoring it whole."""

from __future__ import annotations

import numpy as np

from neuroplay.engine import build_network, get_loss
from neuroplay.sessions import chunks, evaluation
from neuroplay.sessions.build import TrainingArrays


def test_chunked_scoring_matches_one_pass(monkeypatch) -> None:
    rng = np.random.default_rng(0)
    net = build_network(
        {
            "input_shape": [1, 6, 6],
            "layers": [
                {"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
                {"type": "flatten"},
                {"type": "dense", "units": 4, "activation": "softmax"},
            ],
        },
        seed=1,
    )
    x = rng.normal(size=(50, 1, 6, 6)).astype(np.float32)
    y = rng.integers(0, 4, size=(50, 1)).astype(np.float32)
    data = TrainingArrays("multiclass", x[:30], y[:30], x[30:], y[30:], None)
    loss = get_loss("cross_entropy")
    whole = evaluation.evaluate(net, loss, data, 1, 1)
    monkeypatch.setattr(chunks, "MIN_CHUNK", 1)
    monkeypatch.setattr(chunks, "CHUNK_VALUES", 7 * 3 * 6 * 6)  # the conv layer's output is the widest
    assert evaluation.chunk_size(net) == 7
    chunked = evaluation.evaluate(net, loss, data, 1, 1)
    assert chunked.accuracy == whole.accuracy and chunked.val_accuracy == whole.val_accuracy
    assert np.isclose(chunked.loss, whole.loss, rtol=1e-6) and np.isclose(chunked.val_loss, whole.val_loss, rtol=1e-6)


def test_chunks_are_sized_by_the_widest_activation() -> None:
    mlp = build_network({"input_shape": [2], "layers": [{"type": "dense", "units": 4}, {"type": "dense", "units": 1}]})
    assert evaluation.chunk_size(mlp) == chunks.MAX_CHUNK  # a 2-D split goes in one pass
    convnet = build_network(
        {
            "input_shape": [1, 28, 28],
            "layers": [
                {"type": "conv2d", "filters": 8, "kernel_size": 5, "padding": "same", "activation": "relu"},
                {"type": "flatten"},
                {"type": "dense", "units": 4, "activation": "softmax"},
            ],
        }
    )
    assert evaluation.chunk_size(convnet) == chunks.CHUNK_VALUES // (8 * 28 * 28)
