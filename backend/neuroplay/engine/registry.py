"""The one table of layer types: spec type tag -> builder.

A builder takes the spec entry (minus "type"), the input shape, and the build context (init name and
seeded Generator) and returns a layer. The same tags name layers in the JSON spec, the pydantic
schema, the catalog and the palette (a test checks they agree).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from .layers import Activation, Dense, Layer


@dataclass(frozen=True)
class BuildContext:
    """What every builder may need besides its own settings."""

    init: str
    rng: np.random.Generator


LayerBuilder = Callable[[dict[str, Any], tuple[int, ...], BuildContext], Layer]


def _dense(settings: dict[str, Any], input_shape: tuple[int, ...], ctx: BuildContext) -> Layer:
    return Dense(input_shape, init=ctx.init, rng=ctx.rng, **settings)


def _activation(settings: dict[str, Any], input_shape: tuple[int, ...], ctx: BuildContext) -> Layer:
    return Activation(input_shape, **settings)


LAYER_BUILDERS: Mapping[str, LayerBuilder] = MappingProxyType(
    {"dense": _dense, "activation": _activation}
)
