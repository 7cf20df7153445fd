"""Requests and responses of /api/sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from .base import WireModel, partial_model
from .dataset import DatasetSpec
from .error_codes import ErrorCode, ParamValue, invalid_value
from .errors import Problem
from .inspect import ProbeRef
from .model import NetworkSpec
from .params import FrozenSummary
from .training import LossName, TrainingConfig

SessionStatus = Literal["idle", "running", "paused", "diverged"]
LayerRole = Literal["hidden", "output"]


class CreateSessionRequest(WireModel):
    """model None: the default network for the dataset (hidden layers 4 and 2, tanh).
    `lesson` alone instead: the lesson's session(s), answered by a CreateLessonResponse."""

    model: NetworkSpec | None = None
    dataset: DatasetSpec = Field(default_factory=DatasetSpec)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    lesson: str | None = Field(None, max_length=64, description="A lesson id (GET /api/lessons) to start instead.")

    @model_validator(mode="after")
    def _lesson_alone(self) -> CreateSessionRequest:
        if self.lesson is not None and self.model_fields_set - {"lesson"}:
            raise invalid_value(
                "lesson_alone", "a lesson brings its own model, dataset and training: send {'lesson': id} alone"
            )
        return self


class CreateSessionResponse(WireModel):
    id: str
    owner_token: str = Field(description="Shown once; send as 'Authorization: Bearer <token>'.")
    share_url: str


if TYPE_CHECKING:  # built at run time from the full models; to a type checker, some wire model
    DatasetPatch = WireModel
    TrainingPatch = WireModel
    NetworkPatch = WireModel
else:
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
    """`unit: "phase"` advances one phase of a training step (forward through one layer, the loss,
    backward through one layer, the update); `on` says what a step that starts trains on: the next
    training batch, or the `probe` sample alone."""

    action: Literal["play", "pause", "reset", "step"]
    unit: Literal["batch", "epoch", "phase"] = "batch"
    on: Literal["batch", "probe"] = "batch"
    probe: ProbeRef | None = Field(None, description='The sample a step `on: "probe"` trains on.')

    @model_validator(mode="after")
    def _probe_fits(self) -> CommandRequest:
        if self.on == "probe" and self.probe is None:
            message = 'a step on the probe needs "probe": {"split": "train" | "validation", "index": i}'
            raise invalid_value("probe_needed", message)
        if self.on == "probe" and self.unit == "epoch":
            message = 'an epoch cannot be taken on the probe alone: use unit "batch" or "phase"'
            raise invalid_value("epoch_on_probe", message)
        return self


class StepPhase(WireModel):
    """The phase a phase step carried out last: forward or backward through `layer`, the loss, or the
    update that completed the step; both null when no phase step is shown (any other command)."""

    stage: Literal["forward", "loss", "backward", "update"] | None = None
    layer: int | None = None
    on: Literal["batch", "probe"] | None = Field(None, description="What the step shown trains on.")


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
    padding: list[int] | None = Field(
        None,
        description="A conv layer's zero padding [top, bottom, left, right] as the engine adds it "
        "(engine/layers/im2col.ConvGeometry: 'same' may pad one side more); None for other layers.",
    )


class Divergence(WireModel):
    step: int
    where: str = Field(description="What first went NaN/Inf, e.g. 'loss' or 'gradients of layer 1'.")
    message: str
    code: ErrorCode = Field("diverged", description="The error code (schemas/error_codes.py) of the message.")
    params: dict[str, ParamValue] = Field(
        default_factory=dict, description="step, what (loss, outputs, gradients, gradient_norm), layer, type."
    )


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
    dataset_settings: list[str] = Field(
        description="The dataset settings that apply to this session's data, in the order to show them."
    )
    grid: GridSpec
    divergence: Divergence | None = None
    error: Problem | None = Field(
        None, description="What paused the run or keeps it from being saved (an engine failure, a full disk)."
    )
    forked_from: str | None = Field(None, description="The id of the session this one was forked from.")
    phase: StepPhase = Field(default_factory=StepPhase)
    frozen: dict[str, FrozenSummary] = Field(
        default_factory=dict, description="Each parameter with frozen entries, keyed layer{i}.{name}."
    )


class SessionView(SessionState):
    """GET /api/sessions/{id}: the state plus the metric history."""

    history: list[MetricPoint]


class CommandResponse(WireModel):
    status: SessionStatus
    step: int
    epoch: int
    phase: StepPhase = Field(
        default_factory=StepPhase,
        description="The phase carried out last (a phase step's answer says where the step now stands).",
    )


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


class FeatureMap(WireModel):
    """One derived input of 2-D data over the grid, and the range it is drawn over."""

    name: str = Field(description="As in the catalog's features and the dataset's `features`.")
    low: float = Field(description="The value drawn orange (and anything below it).")
    high: float = Field(description="The value drawn blue (and anything above it).")
    values: list[float] = Field(
        description="The feature at each cell's centre, row-major over the grid (row 0 the top: the "
        "largest x2), rounded to 4 decimals."
    )


class FeatureMaps(WireModel):
    """GET /api/sessions/{id}/features: every derived input (data/features.py) over the session's grid,
    in the catalog's order: the pictures of the input nodes and of the feature buttons."""

    grid: GridSpec
    features: list[FeatureMap]


class AugmentPreview(WireModel):
    """Fresh random augmentations of one training image (C order, reshape with `shape`)."""

    shape: list[int]
    label: float
    original: list[float]
    samples: list[list[float]]
    active: bool = Field(description="False: no augmentation is on, so the samples equal the original.")
