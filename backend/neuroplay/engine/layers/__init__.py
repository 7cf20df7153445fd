"""Layer families, one file each."""
from .activation import Activation
from .base import Layer, ShapeError
from .dense import Dense

__all__ = ["Activation", "Dense", "Layer", "ShapeError"]
