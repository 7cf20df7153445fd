"""Does a built network fit the dataset and the loss? Errors name the layer to change."""

from __future__ import annotations

from collections.abc import Sequence

from ..data import Dataset
from ..engine import ModelError, Network
from ..schemas.error_codes import coded


def check_input(input_shape: Sequence[int], data: Dataset) -> None:
    """The model's input shape must be the shape of the data's samples (checked before building)."""
    if tuple(input_shape) != tuple(data.input_shape):
        message = (
            f"input_shape {list(input_shape)} does not match dataset '{data.info.name}', "
            f"whose samples have shape {list(data.input_shape)}"
        )
        params = {"input_shape": list(input_shape), "dataset": data.info.name, "data_shape": list(data.input_shape)}
        raise coded(ModelError(message), "model_input_mismatch", **params)


def check_fits(network: Network, data: Dataset, loss: str) -> None:
    """Raise ModelError (with the layer index where one is to blame) when network, data and loss clash."""
    info = data.info
    check_input(network.input_shape, data)
    last = len(network.layers) - 1
    want = tuple(data.output_shape)
    at = {"layer": last, "type": network.layers[last].type_tag if network.layers else None}
    if tuple(network.output_shape) != want:
        message = (
            f"layer {last} (output) gives shape {list(network.output_shape)} but dataset "
            f"'{info.name}' ({info.task}) needs {list(want)}"
        )
        shapes = {"shape": list(network.output_shape), "needed": list(want)}
        raise coded(
            ModelError(message, last), "model_output_mismatch", **at, **shapes, dataset=info.name, task=info.task
        )
    act = getattr(network.layers[last], "activation", None)
    act_name = act.name if act is not None else "linear"
    if loss == "binary_cross_entropy" and act_name != "sigmoid":
        message = (
            f"layer {last} (output): binary_cross_entropy needs outputs between 0 and 1, "
            f"so the last activation must be sigmoid, not {act_name}"
        )
        raise coded(ModelError(message, last), "model_bce_needs_sigmoid", **at, activation=act_name)
    if loss == "binary_cross_entropy_with_logits" and act_name != "linear":
        message = (
            f"layer {last} (output): binary_cross_entropy_with_logits takes raw scores, so the last "
            f"activation must be linear, not {act_name} (or use binary_cross_entropy with sigmoid)"
        )
        raise coded(ModelError(message, last), "model_logits_need_linear", **at, activation=act_name)
    if loss == "cross_entropy" and (act_name != "softmax" or info.task != "multiclass"):
        message = (
            f"layer {last} (output): cross_entropy needs one softmax output per class; "
            f"dataset '{info.name}' is {info.task}: use binary_cross_entropy or mse"
        )
        raise coded(ModelError(message, last), "model_ce_needs_softmax", **at, dataset=info.name, task=info.task)
