"""A checkpoint with every kind of content, built by hand so store tests need no session."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.session import Divergence, MetricPoint
from neuroplay.schemas.training import TrainingConfig
from neuroplay.store import Checkpoint


def make_checkpoint(**changes: Any) -> Checkpoint:
    rng = np.random.default_rng(3)
    generator = np.random.default_rng(11)
    generator.random(5)  # a state that is not the seed's
    cp = Checkpoint(
        id="sess-" + "a" * 22,
        owner_token_hash="f" * 64,
        status="running",
        step=1234,
        epoch=49,
        generation=3,
        model=NetworkSpec.model_validate(
            {
                "input_shape": [2],
                "layers": [
                    {"type": "dense", "units": 4},
                    {"type": "batch_norm"},
                    {"type": "dense", "units": 1, "activation": "sigmoid"},
                ],
            }
        ),
        dataset=DatasetSpec(name="xor", points=300, seed=5),
        training=TrainingConfig(optimizer="adam", learning_rate=0.01, clip_norm=1.5),
        history=[
            MetricPoint(step=0, epoch=0, loss=0.7, val_loss=0.71, accuracy=0.5, val_accuracy=None),
            MetricPoint(
                step=25,
                epoch=1,
                loss=None,
                val_loss=0.6,
                accuracy=0.75,
                val_accuracy=0.7,
                train_samples=256,
                val_samples=150,
            ),
        ],
        weights={
            "layer0.W": rng.standard_normal((2, 4)).astype(np.float32),
            "layer0.b": np.zeros(4, np.float32),
            "layer1.gamma": np.ones(4, np.float32),
            "layer1.beta": np.zeros(4, np.float32),
            "layer1.running_mean": rng.standard_normal(4).astype(np.float32),
            "layer1.running_var": rng.random(4).astype(np.float32),
        },
        optimizer={
            "layer0.W.m": rng.standard_normal((2, 4)).astype(np.float32),
            "layer0.W.v": rng.random((2, 4)).astype(np.float32),
            "layer0.W.t": np.asarray(1234),
        },
        trainer_state={
            "step_count": 1234,
            "position": 40,
            "epoch": 49,
            "generators": {"batches.rng": generator.bit_generator.state},
        },
        trainer_arrays={"order": rng.permutation(150)},
        divergence=Divergence(step=1200, where="loss", message="training diverged at step 1200"),
        error=None,
        forked_from=None,
    )
    return replace(cp, **changes)


def assert_same(a: Checkpoint, b: Checkpoint) -> None:
    for name in (
        "id",
        "owner_token_hash",
        "status",
        "step",
        "epoch",
        "generation",
        "model",
        "dataset",
        "training",
        "history",
        "divergence",
        "error",
        "forked_from",
        "trainer_state",
    ):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("weights", "optimizer", "trainer_arrays"):
        left, right = getattr(a, name), getattr(b, name)
        assert sorted(left) == sorted(right), name
        for key in left:
            assert np.asarray(left[key]).dtype == np.asarray(right[key]).dtype, (name, key)
            np.testing.assert_array_equal(left[key], right[key], err_msg=f"{name}[{key}]")
    assert abs((a.created_at - b.created_at).total_seconds()) < 1e-3
