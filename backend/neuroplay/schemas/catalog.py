"""GET /api/catalog: what the palette, pickers and selects are built from."""

from __future__ import annotations

from typing import Any

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


class Catalog(WireModel):
    layers: list[LayerInfo]
    datasets: list[DatasetCatalogEntry]
    activations: list[NamedFormula]
    losses: list[NamedFormula]
    optimizers: list[str]
    inits: list[str]
    dataset_settings: list[SettingInfo]
    features: list[NamedFormula] = Field(description="Derived inputs for 2-D sets, with their labels.")
    upload_limits: UploadLimitsInfo
    training_settings: list[SettingInfo]
