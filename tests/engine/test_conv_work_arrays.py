"""The conv layer's speed paths: work arrays reused from pass to pass (layers/scratch.py) and the
allocator setting (engine/allocator.py). Their numbers are checked by test_conv_pool.py (gradients
and PyTorch goldens); these tests check what the paths promise besides the numbers."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine import Trainer, build_network, get_loss, make_optimizer
from neuroplay.engine.allocator import keep_freed_memory
from neuroplay.engine.layers.conv import Conv2D
from neuroplay.engine.layers.scratch import KEPT_PER_NAME, Scratch


@pytest.mark.parametrize("case", [((16, 14, 14), "valid"), ((1, 28, 28), "same"), ((3, 9, 9), "same")])
def test_outputs_and_gradients_are_fresh_arrays(case: tuple) -> None:
    """What a pass returns or shows must not change when the next pass reuses the work arrays."""
    shape, padding = case
    rng = np.random.default_rng(3)
    layer = Conv2D(shape, filters=4, padding=padding, rng=rng)
    x1, x2 = (rng.standard_normal((3, *shape)).astype(np.float32) for _ in range(2))
    dy1, dy2 = (rng.standard_normal((3, *layer.output_shape)).astype(np.float32) for _ in range(2))
    y1 = layer.forward(x1, True)
    seen1 = {name: value.copy() for name, value in layer.observe().items()}
    dx1 = layer.backward(dy1)
    kept = (y1.copy(), dx1.copy(), layer.grads["W"].copy())
    grads_w1 = layer.grads["W"]
    layer.forward(x2, True)
    layer.backward(dy2)
    np.testing.assert_array_equal(y1, kept[0])
    np.testing.assert_array_equal(dx1, kept[1])
    np.testing.assert_array_equal(grads_w1, kept[2])
    assert not np.array_equal(layer.grads["W"], kept[2])
    # and the first pass's numbers were those of a layer that never ran before
    fresh = Conv2D(shape, filters=4, padding=padding, rng=np.random.default_rng(3))
    np.testing.assert_allclose(fresh.forward(x1, True), seen1["output"], rtol=1e-6)
    np.testing.assert_allclose(fresh.backward(dy1), kept[1], rtol=1e-5, atol=1e-6)


def test_scratch_keeps_a_few_shapes_per_name() -> None:
    scratch = Scratch()
    first = scratch.zeros("cols", (2, 3), np.dtype(np.float32))
    first[0, 0] = 5  # the caller's writes stay: the same array comes back
    assert scratch.zeros("cols", (2, 3), np.dtype(np.float32)) is first
    for n in range(3, 3 + KEPT_PER_NAME):
        scratch.zeros("cols", (n, 3), np.dtype(np.float32))
    again = scratch.zeros("cols", (2, 3), np.dtype(np.float32))
    assert again is not first and not again.any()  # the oldest shape was dropped, a new one made


def test_keep_freed_memory_on_glibc_and_training_goes_on() -> None:
    assert keep_freed_memory()  # the test machines run glibc (Linux)
    spec = {
        "input_shape": [1, 12, 12],
        "layers": [
            {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same"},
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "flatten"},
            {"type": "dense", "units": 3, "activation": "softmax"},
        ],
    }
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 1, 12, 12)).astype(np.float32)
    top, bottom = x[:, 0, :6].sum(axis=(1, 2)) > 0, x[:, 0, 6:].sum(axis=(1, 2)) > 0
    y = (top.astype(np.float32) + bottom).reshape(-1, 1)  # classes 0, 1, 2
    trainer = Trainer(
        build_network(spec, seed=0, init="he"), get_loss("cross_entropy"), make_optimizer("sgd", 0.1), x, y, 8, 0
    )
    losses = [trainer.train_step().loss for _ in range(60)]
    assert np.mean(losses[-10:]) < np.mean(losses[:10])
