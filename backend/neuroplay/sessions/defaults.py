"""The network a new session starts with, and the loss and output layer a dataset's task implies."""
from __future__ import annotations

from ..data import DatasetInfo
from ..schemas.model import DenseSpec, NetworkSpec

TASK_OUTPUT = {
    # task: (output activation, natural loss)
    "binary": ("sigmoid", "binary_cross_entropy"),
    "multiclass": ("softmax", "cross_entropy"),
    "regression": ("linear", "mse"),
}


def output_units(info: DatasetInfo) -> int:
    return 1 if info.task == "binary" else info.classes if info.task == "multiclass" else 1


def default_loss(info: DatasetInfo) -> str:
    return TASK_OUTPUT[info.task][1]


def default_model(info: DatasetInfo) -> NetworkSpec:
    """TensorFlow Playground's familiar start: hidden layers of 4 and 2 tanh units."""
    activation, _ = TASK_OUTPUT[info.task]
    return NetworkSpec(
        input_shape=list(info.input_shape),
        layers=[
            DenseSpec(units=4, activation="tanh"),
            DenseSpec(units=2, activation="tanh"),
            DenseSpec(units=output_units(info), activation=activation),
        ],
    )
