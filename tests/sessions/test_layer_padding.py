"""A conv layer's zero padding is published with the session's layer summaries (SessionState.layers),
so the browser's probe and unit inspector draw the border the engine really adds instead of working
it out again: "same" pads one side more when the total is odd (as TensorFlow and PyTorch do)."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplay.engine.layers import Conv2D, Dense
from neuroplay.sessions.session_state import conv_padding


@pytest.mark.parametrize(
    ("shape", "kernel", "stride", "padding", "want"),
    [
        ((1, 8, 8), 3, 1, "same", [1, 1, 1, 1]),
        ((1, 7, 7), 2, 1, "same", [0, 1, 0, 1]),  # odd total: the extra row and column at the end
        ((2, 8, 6), 4, 2, "same", [1, 1, 1, 1]),
        ((1, 7, 5), 3, 2, "same", [1, 1, 1, 1]),
        ((1, 8, 8), 3, 1, "valid", [0, 0, 0, 0]),
    ],
)
def test_the_published_padding_is_the_one_the_forward_pass_uses(shape, kernel, stride, padding, want) -> None:
    rng = np.random.default_rng(0)
    layer = Conv2D(shape, filters=2, kernel_size=kernel, stride=stride, padding=padding, activation="linear", rng=rng)
    assert conv_padding(layer) == want
    # The same layer without padding, on the input padded by the published border, gives the same output.
    top, bottom, left, right = want
    padded_shape = (shape[0], shape[1] + top + bottom, shape[2] + left + right)
    valid = Conv2D(padded_shape, filters=2, kernel_size=kernel, stride=stride, activation="linear", rng=rng)
    for name, value in layer.params.items():
        valid.params[name][...] = value
    x = rng.normal(size=(3, *shape)).astype(np.float32)
    padded = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    np.testing.assert_allclose(valid.forward(padded, False), layer.forward(x, False), rtol=1e-5, atol=1e-6)


def test_other_layers_have_no_padding() -> None:
    assert conv_padding(Dense((4,), units=3)) is None
