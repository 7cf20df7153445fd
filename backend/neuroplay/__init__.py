"""NeuroPlay: a browser neural-network playground on a real NumPy engine."""

__version__ = "0.1.0"
