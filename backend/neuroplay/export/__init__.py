"""Downloads of a session: the weights as .npz, and a PyTorch script that rebuilds the model."""

from .pytorch import WRITERS, ExportError, pytorch_script
from .weights import weights_npz

__all__ = ["WRITERS", "ExportError", "pytorch_script", "weights_npz"]
