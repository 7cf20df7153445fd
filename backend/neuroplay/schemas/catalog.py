"""GET /api/catalog: what the palette, pickers and selects are built from."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import WireModel
from .model import NetworkSpec


class SettingInfo(WireModel):
    name: str
    kind: str  # "int" | "float" | "bool" | "choice" | "list" | "object" (edited by a dedicated control)
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: list[str] | None = None
    description: str = ""


class LayerInfo(WireModel):
    type: str
    label: str
    description: str
    settings: list[SettingInfo]
    input_ranks: list[int] | None = Field(
        None,
        description="The ranks of input it takes (axes besides the batch: 1 features, 2 a sequence "
        "(time, features), 3 an image (channels, height, width)); null: any.",
    )
    output_rank: int | None = Field(
        None, description="The rank of its output with the default settings; null: the rank of its input."
    )
    data_kinds: list[str] = Field(
        default_factory=list, description="The kinds of data it fits (points, image, sequence, table)."
    )
    params: list[str] = Field(
        default_factory=list,
        description="Its parameters in the engine's order, keyed as in the weights records (a layer without a "
        "bias has no b).",
    )
    painted_params: list[str] = Field(
        default_factory=list, description="The parameters its block paints (the weights, not the biases)."
    )


class DatasetPreview(WireModel):
    """A few samples of the set for the picker's thumbnail, from its own generator with a fixed seed
    (data/previews.py); which list is filled follows the dataset's kind."""

    points: list[list[float]] = Field(
        default_factory=list, description="2-D sets: (x1, x2, target) per point (a class index or a regression value)."
    )
    images: list[list[list[float]]] = Field(
        default_factory=list, description="Image sets: a few images' first channel, (height, width), in [0, 1]."
    )
    sequence: list[list[float]] = Field(
        default_factory=list, description="Sequence sets: one sample, (time, features)."
    )
    sequence_target: list[float] = Field(
        default_factory=list, description="Its target per step (empty when the target is one number)."
    )


class DatasetCatalogEntry(WireModel):
    name: str
    label: str
    description: str
    task: str
    kind: str = Field(description="points (2-D plane), image or sequence")
    input_shape: list[int] = Field(description="With the default settings (2-D: depends on features).")
    classes: int
    class_names: list[str]
    output_units: int
    output_activation: str
    default_loss: str
    suits: list[str]
    default_model: NetworkSpec = Field(description="The network a session on this dataset starts with.")
    preview: DatasetPreview = Field(description="What its thumbnail in the picker draws.")
    max_points: int | None = Field(
        None, description="How many samples a real set has (the points setting's ceiling); None: generated."
    )


class UploadLimitsInfo(WireModel):
    """What the server accepts from the learner's files (larger ones are refused with a message)."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_classes: int
    max_images: int
    max_side: int


class NamedFormula(WireModel):
    name: str
    formula: str


class ActivationInfo(NamedFormula):
    """One activation of engine/activations.py with the formulas the inspector shows beside its numbers."""

    slope_formula: str | None = Field(description="f′ written as the engine's backward computes it; null: softmax.")
    grad_formula: str = Field(description="dL/du from dL/dy, as backward computes it.")


class ViewRecordInfo(WireModel):
    name: str
    per_layer: bool = Field(description="The record's header names a layer (else layer is null).")
    shape: str = Field(description="Its shape, in words.")
    meaning: str


class ViewInfo(WireModel):
    """One view a watcher can open (subscribe `views`), from the server's view registry."""

    name: str
    description: str
    computed_in: Literal["engine", "server"] = Field(
        description="engine: in the engine process from the last step's caches; server: from weight snapshots."
    )
    layer_types: list[str] | None = Field(description="The layer types it shows; null: the whole network.")
    data_kinds: list[str] = Field(description="The dataset kinds it applies to (points, image, sequence, table).")
    needs_probe: bool = Field(description="It shows the probe sample named in the subscribe.")
    per_step: bool = Field(description="It collects a value at every training step while watched.")
    records: list[ViewRecordInfo]


class Catalog(WireModel):
    layers: list[LayerInfo]
    datasets: list[DatasetCatalogEntry]
    activations: list[ActivationInfo]
    losses: list[NamedFormula]
    optimizers: list[str]
    inits: list[str]
    dataset_settings: list[SettingInfo]
    features: list[NamedFormula] = Field(description="Derived inputs for 2-D sets, with their labels.")
    upload_limits: UploadLimitsInfo
    training_settings: list[SettingInfo]
    views: list[ViewInfo] = Field(description="Every view, in the order the registry lists them.")
