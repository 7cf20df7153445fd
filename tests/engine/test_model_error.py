"""A ModelError about one layer keeps its reason apart from the "layer i (tag): " start, so a client
can name the layer its own way (the browser counts cards from 1)."""

from __future__ import annotations

import pytest

from neuroplay.engine import ModelError, build_network


def test_the_reason_is_the_message_without_the_layer_it_names() -> None:
    with pytest.raises(ModelError) as caught:
        build_network({"input_shape": [4], "layers": [{"type": "dense", "units": 3}, {"type": "conv2d"}]})
    error = caught.value
    assert error.layer == 1 and error.message.startswith("layer 1 (conv2d): conv2d needs an image input")
    assert error.reason.startswith("conv2d needs an image input") and error.message.endswith(error.reason)


def test_a_message_that_names_another_layer_or_none_is_its_own_reason() -> None:
    assert ModelError("layer 2 (dense): too big", 3).reason == "layer 2 (dense): too big"
    assert ModelError("input_shape must be a list of positive integers").reason.startswith("input_shape")
