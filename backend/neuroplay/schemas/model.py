"""The network spec the browser sends: versioned, Keras-like, one entry per layer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import WireModel

ActivationName = Literal["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]

MAX_UNITS = 1024  # a wider dense layer is refused: the views could not draw it and nobody learns from it
MAX_LAYERS = 32
MAX_INPUT_SIZE = 4096


class DenseSpec(WireModel):
    """Fully connected layer: y = f(x·W + b)."""

    type: Literal["dense"] = "dense"
    units: int = Field(4, ge=1, le=MAX_UNITS, description="Number of neurons.")
    activation: ActivationName = Field("tanh", description="f applied to each neuron's sum.")
    use_bias: bool = Field(True, description="Add a learned offset b to every neuron.")


class ActivationSpec(WireModel):
    """A stand-alone activation, e.g. softmax after a linear dense layer."""

    type: Literal["activation"] = "activation"
    activation: ActivationName = Field("relu", description="The function applied element-wise.")


class Conv2DSpec(WireModel):
    """2-D convolution over (channels, height, width) images: every filter slides over the input."""

    type: Literal["conv2d"] = "conv2d"
    filters: int = Field(8, ge=1, le=256, description="Number of filters (output channels).")
    kernel_size: int = Field(3, ge=1, le=15, description="Side of each square filter.")
    stride: int = Field(1, ge=1, le=8, description="Step between filter positions.")
    padding: Literal["valid", "same"] = Field(
        "valid", description="valid: no border, the map shrinks; same: zero border, size kept (stride 1)."
    )
    use_bias: bool = Field(True, description="Add a learned offset per filter.")
    activation: Literal["linear", "sigmoid", "tanh", "relu", "leaky_relu"] = Field(
        "relu", description="f applied to each output value."
    )


class MaxPool2DSpec(WireModel):
    """Keeps the largest value of each window; the gradient goes to that winner only."""

    type: Literal["max_pool2d"] = "max_pool2d"
    pool_size: int = Field(2, ge=1, le=8, description="Side of each square window.")
    stride: int | None = Field(None, ge=1, le=8, description="Step between windows (default: pool_size).")


class AvgPool2DSpec(WireModel):
    """Averages each window; the gradient is shared evenly."""

    type: Literal["avg_pool2d"] = "avg_pool2d"
    pool_size: int = Field(2, ge=1, le=8, description="Side of each square window.")
    stride: int | None = Field(None, ge=1, le=8, description="Step between windows (default: pool_size).")


class FlattenSpec(WireModel):
    """Lays a (channels, height, width) map out as one vector for dense layers."""

    type: Literal["flatten"] = "flatten"


class DropoutSpec(WireModel):
    """Inverted dropout: while training, zeroes each value with probability `rate` and scales the rest."""

    type: Literal["dropout"] = "dropout"
    rate: float = Field(0.5, ge=0.0, lt=1.0, description="Share of values dropped in each training step.")


class BatchNormSpec(WireModel):
    """Normalises each feature (or conv channel) over the batch, then scales by gamma and shifts by beta."""

    type: Literal["batch_norm"] = "batch_norm"
    momentum: float = Field(0.1, ge=0.0, le=1.0, description="Weight of each batch in the running statistics.")
    eps: float = Field(1e-5, gt=0.0, le=1.0, description="Added to the variance before the square root.")


class SimpleRNNSpec(WireModel):
    """Elman recurrent layer over (time, features) sequences: h_t = f(x_t·W_x + h_{t-1}·W_h + b)."""

    type: Literal["simple_rnn"] = "simple_rnn"
    units: int = Field(16, ge=1, le=MAX_UNITS, description="Size of the hidden state h_t.")
    activation: Literal["tanh", "relu", "sigmoid"] = Field("tanh", description="f applied to each step's sum.")
    return_sequences: bool = Field(
        False, description="Output every h_t (time, units) instead of only the last (units,)."
    )


LayerSpec = Annotated[
    DenseSpec
    | ActivationSpec
    | Conv2DSpec
    | MaxPool2DSpec
    | AvgPool2DSpec
    | FlattenSpec
    | DropoutSpec
    | BatchNormSpec
    | SimpleRNNSpec,
    Field(discriminator="type"),
]


class NetworkSpec(WireModel):
    """Input shape (without the batch axis) and the layers in order."""

    version: Literal[1] = 1
    input_shape: list[Annotated[int, Field(ge=1, le=MAX_INPUT_SIZE)]] = Field(
        default_factory=lambda: [2], min_length=1, max_length=3
    )
    layers: list[LayerSpec] = Field(min_length=1, max_length=MAX_LAYERS)
