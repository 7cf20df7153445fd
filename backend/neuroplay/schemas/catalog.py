"""GET /api/catalog: what the palette, pickers and selects are built from."""
from __future__ import annotations

from typing import Any

from .base import WireModel


class SettingInfo(WireModel):
    name: str
    kind: str  # "int" | "float" | "bool" | "choice"
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
    input_shape: list[int]
    classes: int
    output_units: int
    output_activation: str
    default_loss: str
    suits: list[str]


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
    training_settings: list[SettingInfo]
