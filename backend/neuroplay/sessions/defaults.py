"""The network a new session starts with, and the loss and output layer a dataset's task implies."""

from __future__ import annotations

from typing import Any

from ..data import DATASETS, DatasetInfo
from ..schemas.dataset import DatasetSpec
from ..schemas.model import NetworkSpec

TASK_OUTPUT = {
    # task: (output activation, natural loss)
    "binary": ("sigmoid", "binary_cross_entropy"),
    "multiclass": ("softmax", "cross_entropy"),
    "regression": ("linear", "mse"),
    "sequence": ("linear", "mse"),
}


def output_units(info: DatasetInfo) -> int:
    return info.classes if info.task == "multiclass" else 1


def default_loss(info: DatasetInfo) -> str:
    return TASK_OUTPUT[info.task][1]


def task_of(spec: DatasetSpec) -> str:
    """The task of a dataset spec (uploads are always classification)."""
    return "multiclass" if spec.name == "upload" else DATASETS[spec.name].task


def default_model(
    info: DatasetInfo, spec: DatasetSpec | None = None, input_shape: tuple[int, ...] | None = None
) -> NetworkSpec:
    """The starting network for a dataset: TensorFlow Playground's hidden 4 and 2 tanh units on 2-D
    data, a small CNN on images, one recurrent layer on sequences, one hidden ReLU layer on tables."""
    spec = spec or DatasetSpec.model_validate({"name": info.name})
    shape = input_shape or info.input_shape(spec)
    activation = TASK_OUTPUT[info.task][0]
    out: dict[str, Any] = {"type": "dense", "units": output_units(info), "activation": activation}
    if info.kind == "image":
        layers = [
            {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "flatten"},
            out,
        ]
    elif info.kind == "table":
        layers = [{"type": "dense", "units": 16, "activation": "relu"}, out]
    elif info.kind == "sequence":
        layers = [
            {"type": "simple_rnn", "units": 16, "activation": "tanh", "return_sequences": info.task == "sequence"},
            out,
        ]
    else:
        layers = [
            {"type": "dense", "units": 4, "activation": "tanh"},
            {"type": "dense", "units": 2, "activation": "tanh"},
            out,
        ]
    return NetworkSpec.model_validate({"input_shape": list(shape), "layers": layers})
