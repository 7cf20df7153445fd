"""The network follows the data: what a dataset change that names no network does to the network.

The policy lives here only (the browser sends the dataset change and shows what comes back):
- the input shape always follows the data (2-D features switched on or off, a sequence's length);
- a switch to data of another kind (2-D points, images, sequences), or to another task on non-2-D
  data, replaces the whole network with the new data's starting network, since the old layers cannot
  fit it;
- any other switch of dataset keeps the hidden layers and fits the output layer (units and
  activation) to the new task;
- a loss chosen by hand goes back to the task's natural loss when the task changes.
A change that names a network itself is taken as it is (the learner said what they want).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data import DATASETS, DatasetInfo
from ..schemas.dataset import DatasetSpec
from ..schemas.model import NetworkSpec
from .defaults import TASK_OUTPUT, default_model, output_units


@dataclass(frozen=True)
class FollowedData:
    model: NetworkSpec
    clear_loss: bool  # the task changed: a hand-chosen loss goes back to the task's own


def _kind(spec: DatasetSpec) -> str:
    if spec.name == "upload":
        return "image" if spec.upload is not None and spec.upload.format == "images" else "table"
    return DATASETS[spec.name].kind


def _fit_output(model: NetworkSpec, info: DatasetInfo) -> NetworkSpec:
    """The same network with its last dense layer sized and activated for the new task."""
    layers = list(model.layers)
    last = layers[-1] if layers else None
    if last is None or last.type != "dense":
        return model
    units, activation = output_units(info), TASK_OUTPUT[info.task][0]
    if (last.units, last.activation) == (units, activation):
        return model
    layers[-1] = last.model_copy(update={"units": units, "activation": activation})
    return model.model_copy(update={"layers": layers})


def follow_data(model: NetworkSpec, old: DatasetSpec, new: DatasetSpec) -> FollowedData:
    """The network (and whether to clear a chosen loss) after the dataset goes from `old` to `new`.
    Uploaded data has no catalog entry to follow: the upload route sets its network itself."""
    info = DATASETS.get(new.name)
    if info is None:
        return FollowedData(model, clear_loss=False)
    previous = DATASETS.get(old.name)
    old_task = previous.task if previous is not None else "multiclass"  # uploads are classification
    if new.name != old.name:
        new_kind = _kind(old) != info.kind
        if new_kind or (info.kind != "points" and old_task != info.task):
            return FollowedData(default_model(info, new), clear_loss=old_task != info.task)
        model = _fit_output(model, info)
    shape = list(info.input_shape(new))
    if list(model.input_shape) != shape:
        model = model.model_copy(update={"input_shape": shape})
    return FollowedData(model, clear_loss=old_task != info.task)
