"""A small session's specs and settings, shared by the session tests."""

from __future__ import annotations

from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs

BASE_SETTINGS = dict(grid_size=8, display_hz=30.0, max_history_points=1000, max_neuron_maps=64)

SPECS = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 8, "activation": "tanh"},
                {"type": "dropout", "rate": 0.3},
                {"type": "batch_norm"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
        }
    ),
    DatasetSpec(name="xor", points=200),
    TrainingConfig(optimizer="adam", learning_rate=0.01, batch_size=16),
)
