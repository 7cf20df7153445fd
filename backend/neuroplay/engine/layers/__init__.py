"""Layer families, one file each."""

from .activation import Activation
from .base import Layer, ShapeError
from .batch_norm import BatchNorm
from .conv import Conv2D
from .dense import Dense
from .dropout import Dropout
from .flatten import Flatten
from .pooling import AvgPool2D, MaxPool2D
from .rnn import SimpleRNN

__all__ = [
    "Activation",
    "AvgPool2D",
    "BatchNorm",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "ShapeError",
    "SimpleRNN",
]
