"""The NumPy engine: layers, losses, optimizers and training. Imports numpy and nothing of ours above it.

Entry point: `build_network(spec, seed=...)`; see docs/engine.md.
"""

from .activations import ACTIVATIONS, get_activation
from .init import INITIALISERS
from .losses import LOSSES, get_loss
from .network import ModelError, Network, build_network
from .observe import Histogram, LayerReport, histogram, layer_report, network_report
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer
from .registry import LAYER_CLASSES
from .stepping import Phase, PhaseStepper
from .training import BatchIterator, StepResult, Trainer

__all__ = [
    "ACTIVATIONS",
    "INITIALISERS",
    "LAYER_CLASSES",
    "LOSSES",
    "OPTIMIZERS",
    "Optimizer",
    "Phase",
    "PhaseStepper",
    "BatchIterator",
    "ModelError",
    "Network",
    "StepResult",
    "Trainer",
    "Histogram",
    "LayerReport",
    "histogram",
    "layer_report",
    "network_report",
    "build_network",
    "get_activation",
    "get_loss",
    "make_optimizer",
]
