"""Every layer type's `estimate` (the size check run before anything is allocated) agrees with the
layer it builds: same output shape, same parameter count. A new layer type without a case fails."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import LAYER_CLASSES
from neuroplay.schemas.model import NetworkSpec
from neuroplay.sessions.build import MAX_PARAMS, estimate_params

CASES = [
    ("dense", (5,), {"units": 7}),
    ("dense", (4, 3), {"units": 2, "use_bias": False}),
    ("activation", (6,), {"activation": "softmax"}),
    ("conv2d", (3, 9, 7), {"filters": 4, "kernel_size": 3, "stride": 2, "padding": "same"}),
    ("conv2d", (2, 8, 8), {"filters": 5, "kernel_size": 4, "padding": "valid", "use_bias": False}),
    ("max_pool2d", (3, 9, 8), {"pool_size": 2}),
    ("max_pool2d", (3, 9, 8), {"pool_size": 3, "stride": 1}),
    ("avg_pool2d", (2, 7, 7), {"pool_size": 2, "stride": 3}),
    ("flatten", (3, 4, 5), {}),
    ("dropout", (10,), {"rate": 0.3}),
    ("batch_norm", (6,), {}),
    ("batch_norm", (4, 5, 5), {}),
    ("simple_rnn", (7, 3), {"units": 5}),
    ("simple_rnn", (7, 3), {"units": 4, "return_sequences": True}),
]


@pytest.mark.parametrize("tag, shape, settings", CASES, ids=[f"{t}{s}" for t, s, _ in CASES])
def test_the_estimate_is_what_building_gives(tag: str, shape: tuple[int, ...], settings: dict) -> None:
    cls = LAYER_CLASSES[tag]
    layer = cls(shape, rng=np.random.default_rng(0), **settings)
    assert cls.estimate(shape, **settings) == (tuple(layer.output_shape), layer.param_count())


def test_every_layer_type_has_a_case() -> None:
    assert {tag for tag, _, _ in CASES} == set(LAYER_CLASSES)


def test_a_spec_past_the_limit_is_caught_at_the_layer_that_passes_it() -> None:
    spec = NetworkSpec.model_validate(
        {
            "input_shape": [1, 28, 28],
            "layers": [
                {"type": "conv2d", "filters": 64, "kernel_size": 3, "padding": "same"},
                {"type": "flatten"},
                {"type": "dense", "units": 64, "activation": "relu"},  # 50,176 * 64 weights: past the limit
                {"type": "dense", "units": 10, "activation": "softmax"},
            ],
        }
    )
    total, at = estimate_params(spec)
    assert at == 2 and total > MAX_PARAMS
