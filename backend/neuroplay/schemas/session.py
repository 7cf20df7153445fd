"""Requests and responses of /api/sessions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel, partial_model
from .dataset import DatasetSpec
from .model import NetworkSpec
from .training import LossName, TrainingConfig

SessionStatus = Literal["idle", "running", "paused", "diverged"]
LayerRole = Literal["hidden", "output"]


class CreateSessionRequest(WireModel):
    """model None: the default network for the dataset (hidden layers 4 and 2, tanh)."""

    model: NetworkSpec | None = None
    dataset: DatasetSpec = Field(default_factory=DatasetSpec)
    training: TrainingConfig = Field(default_factory=TrainingConfig)


class CreateSessionResponse(WireModel):
    id: str
    owner_token: str = Field(description="Shown once; send as 'Authorization: Bearer <token>'.")
    share_url: str


DatasetPatch = partial_model(DatasetSpec, "DatasetPatch")
TrainingPatch = partial_model(TrainingConfig, "TrainingPatch")
NetworkPatch = partial_model(NetworkSpec, "NetworkPatch")


class SessionPatch(WireModel):
    """Partial changes; a field left out (or null) keeps its value. To clear a nullable training field
    (clip_norm, clip_value, steps_per_second, loss) send it in `clear`."""

    model: NetworkPatch | None = None
    dataset: DatasetPatch | None = None
    training: TrainingPatch | None = None
    clear: list[Literal["clip_norm", "clip_value", "steps_per_second", "loss"]] = Field(default_factory=list)


class CommandRequest(WireModel):
    action: Literal["play", "pause", "reset", "step"]
    unit: Literal["batch", "epoch"] = "batch"


class MetricPoint(WireModel):
    """One point of the loss curve, taken at the end of an epoch or of a manual step.

    loss/accuracy are over `train_samples` samples of the training set, val_* over `val_samples` of the
    validation set (None when it is empty), always with inference behaviour (dropout off, batch norm on
    its running statistics). A point taken while playing may score a fixed subsample of each split to
    keep scoring under a share of the training time; a pause or a manual step scores both whole.
    """

    step: int
    epoch: int
    loss: float | None
    val_loss: float | None
    accuracy: float | None
    val_accuracy: float | None
    train_samples: int | None = Field(
        None, ge=0, description="Training samples loss/accuracy are over (None: the whole split, not recorded)."
    )
    val_samples: int | None = Field(
        None, ge=0, description="Validation samples val_* are over (None: the whole split, not recorded)."
    )


class LayerSummary(WireModel):
    index: int
    type: str
    role: LayerRole
    output_shape: list[int]
    param_count: int


class Divergence(WireModel):
    step: int
    where: str = Field(description="What first went NaN/Inf, e.g. 'loss' or 'gradients of layer 1'.")
    message: str


class GridSpec(WireModel):
    """The square of the 2-D input plane over which boundary and neuron maps are computed."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float
    size: int


class SessionState(WireModel):
    """Everything needed to show a session, apart from the metric history and the data points."""

    id: str
    status: SessionStatus
    step: int
    epoch: int
    generation: int = Field(description="Bumped when weights are re-initialised (reset, rebuild).")
    model: NetworkSpec
    dataset: DatasetSpec
    training: TrainingConfig
    loss: LossName = Field(description="The loss in use (training.loss, or the task's default).")
    task: str
    layers: list[LayerSummary]
    total_params: int
    train_size: int
    validation_size: int
    grid: GridSpec
    divergence: Divergence | None = None
    error: str | None = Field(None, description="An unexpected engine failure that paused the run.")
    forked_from: str | None = Field(None, description="The id of the session this one was forked from.")


class SessionView(SessionState):
    """GET /api/sessions/{id}: the state plus the metric history."""

    history: list[MetricPoint]


class CommandResponse(WireModel):
    status: SessionStatus
    step: int
    epoch: int


class DataSplit(WireModel):
    """Samples of one split: for 2-D sets every point as [x1, x2]; otherwise the first `limit` samples
    flattened in C order (reshape with `sample_shape`). y holds labels or targets, flattened likewise."""

    x: list[list[float]]
    y: list[list[float]]
    total: int = Field(description="Samples in the split, of which x holds the first len(x).")


class SessionData(WireModel):
    """The samples a session trains and validates on (GET /api/sessions/{id}/data)."""

    kind: str
    sample_shape: list[int]
    target_shape: list[int]
    class_names: list[str] = Field(default_factory=list, description="Label i is class_names[i] (classification).")
    feature_names: list[str] = Field(
        default_factory=list, description="Names of the input columns (2-D sets, CSV uploads)."
    )
    train: DataSplit
    validation: DataSplit


class AugmentPreview(WireModel):
    """Fresh random augmentations of one training image (C order, reshape with `shape`)."""

    shape: list[int]
    label: float
    original: list[float]
    samples: list[list[float]]
    active: bool = Field(description="False: no augmentation is on, so the samples equal the original.")
