"""Layer families, one file each."""
from .activation import Activation
from .base import Layer, ShapeError
from .batch_norm import BatchNorm
from .dense import Dense
from .dropout import Dropout
from .rnn import SimpleRNN

__all__ = ["Activation", "BatchNorm", "Dense", "Dropout", "Layer", "ShapeError", "SimpleRNN"]
