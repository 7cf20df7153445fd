"""Each layer type's declared `input_ranks` (what the catalog tells the palette) is what its
constructor accepts: built with the spec's default settings on inputs of rank 1 to 4, it builds
exactly for the declared ranks and refuses the others with a ShapeError."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from neuroplay.engine import LAYER_CLASSES
from neuroplay.engine.layers import ShapeError
from neuroplay.schemas.model import LayerSpec

SHAPES = {1: (6,), 2: (5, 3), 3: (2, 8, 8), 4: (2, 3, 8, 8)}
SPECS = typing.get_args(typing.get_args(LayerSpec)[0])  # the union inside Annotated[..., discriminator]
DEFAULTS = {spec.model_fields["type"].default: spec().model_dump(exclude={"type"}) for spec in SPECS}


def test_every_layer_type_has_its_defaults() -> None:
    assert set(DEFAULTS) == set(LAYER_CLASSES)


@pytest.mark.parametrize("tag", sorted(LAYER_CLASSES))
@pytest.mark.parametrize("rank", sorted(SHAPES))
def test_the_declared_input_ranks_are_what_the_constructor_takes(tag: str, rank: int) -> None:
    cls = LAYER_CLASSES[tag]
    declared = cls.input_ranks is None or rank in cls.input_ranks
    settings = DEFAULTS[tag]
    if declared:
        layer = cls(SHAPES[rank], rng=np.random.default_rng(0), **settings)
        assert layer.output_shape
    else:
        with pytest.raises(ShapeError):
            cls(SHAPES[rank], rng=np.random.default_rng(0), **settings)
