"""The one table of layer types: spec type tag -> layer class.

Every layer class takes `(input_shape, *, init, rng, **settings)`, where settings are exactly the
spec entry's fields other than "type". The same tags name layers in the JSON spec, the pydantic
schema, the catalog and the palette (tests check they agree).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from .init import Initialiser
from .layers import Activation, AvgPool2D, BatchNorm, Conv2D, Dense, Dropout, Flatten, Layer, MaxPool2D, SimpleRNN


@dataclass(frozen=True)
class BuildContext:
    """What every layer may need besides its own settings."""

    init: str | Initialiser
    rng: np.random.Generator


LAYER_CLASSES: Mapping[str, type[Layer]] = MappingProxyType(
    {
        cls.type_tag: cls
        for cls in (Dense, Activation, Conv2D, MaxPool2D, AvgPool2D, Flatten, Dropout, BatchNorm, SimpleRNN)
    }
)


def build_layer(tag: str, settings: dict[str, Any], input_shape: tuple[int, ...], ctx: BuildContext) -> Layer:
    # Every layer class takes (input_shape, *, init, rng, **settings); the base class does not say so.
    make: Callable[..., Layer] = LAYER_CLASSES[tag]
    return make(input_shape, init=ctx.init, rng=ctx.rng, **settings)
