"""GET /api/catalog: built from the pydantic models and the engine and data registries, so the
palette always offers exactly what the server accepts."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

import annotated_types
from fastapi import APIRouter
from pydantic import BaseModel

from ..data import DATASETS
from ..data.features import FEATURES
from ..data.previews import preview
from ..data.registry import LAYERS_BY_KIND
from ..engine import ACTIVATIONS, INITIALISERS, LOSSES, OPTIMIZERS
from ..engine.layers import Layer
from ..engine.registry import LAYER_CLASSES
from ..schemas.catalog import (
    ActivationInfo,
    Catalog,
    DatasetCatalogEntry,
    LayerInfo,
    NamedFormula,
    SettingInfo,
    UploadLimitsInfo,
    ViewInfo,
    ViewRecordInfo,
)
from ..schemas.dataset import DatasetSpec
from ..schemas.model import (
    ActivationSpec,
    AvgPool2DSpec,
    BatchNormSpec,
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    FlattenSpec,
    MaxPool2DSpec,
    SimpleRNNSpec,
)
from ..schemas.training import TrainingConfig
from ..sessions.defaults import TASK_OUTPUT, default_model, output_units
from ..views import VIEWS, ViewDef
from .datasets import LIMITS

router = APIRouter()

RANKS = (1, 2, 3)  # of the inputs layers take: features, sequences, images

LAYER_MODELS: list[tuple[type[BaseModel], str]] = [
    (DenseSpec, "Dense"),
    (ActivationSpec, "Activation"),
    (Conv2DSpec, "Conv 2D"),
    (MaxPool2DSpec, "Max pool"),
    (AvgPool2DSpec, "Average pool"),
    (FlattenSpec, "Flatten"),
    (DropoutSpec, "Dropout"),
    (BatchNormSpec, "Batch norm"),
    (SimpleRNNSpec, "Simple RNN"),
]


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def settings_of(model: type[BaseModel], skip: frozenset[str] = frozenset({"type"})) -> list[SettingInfo]:
    """One SettingInfo per field: kind, default, bounds and choices read off the field itself."""
    out = []
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        annotation = _strip_optional(field.annotation)
        info = SettingInfo(name=name, kind="float", description=field.description or "")
        if typing.get_origin(annotation) is Literal:
            info.kind, info.choices = "choice", [str(a) for a in typing.get_args(annotation)]
        elif annotation is bool:
            info.kind = "bool"
        elif annotation is int:
            info.kind = "int"
        elif annotation is not float:
            info.kind = "list" if typing.get_origin(annotation) is list else "object"
        for meta in field.metadata:
            if isinstance(meta, (annotated_types.Ge, annotated_types.Gt)):
                info.minimum = float(getattr(meta, "ge", getattr(meta, "gt", 0)))
            if isinstance(meta, (annotated_types.Le, annotated_types.Lt)):
                info.maximum = float(getattr(meta, "le", getattr(meta, "lt", 0)))
        default = field.get_default(call_default_factory=True)
        info.default = default if isinstance(default, (int, float, str, bool, type(None))) else None
        out.append(info)
    return out


def view_info(view: ViewDef) -> ViewInfo:
    return ViewInfo(
        name=view.name,
        description=view.description,
        computed_in=view.computed_in,
        layer_types=sorted(view.layer_types) if view.layer_types is not None else None,
        data_kinds=sorted(view.data_kinds),
        needs_probe=view.needs_probe,
        per_step=view.per_step,
        records=[
            ViewRecordInfo(name=r.name, per_layer=r.per_layer, shape=r.shape, meaning=r.meaning) for r in view.records
        ],
    )


def layer_info(model: type[BaseModel], label: str) -> LayerInfo:
    tag = model.model_fields["type"].default
    layer = LAYER_CLASSES[tag]
    return LayerInfo(
        type=tag,
        label=label,
        description=(model.__doc__ or "").strip(),
        settings=settings_of(model),
        input_ranks=list(layer.input_ranks) if layer.input_ranks is not None else None,
        output_rank=output_rank(model, layer),
        data_kinds=[kind for kind, tags in LAYERS_BY_KIND.items() if tag in tags],
        params=list(layer.param_names),
        painted_params=list(layer.painted_params),
    )


def output_rank(model: type[BaseModel], layer: type[Layer]) -> int | None:
    """The rank of the layer's output with its default settings, from the engine's own size
    estimate on inputs of every rank it takes: None when it keeps the rank of its input."""
    defaults = model().model_dump(exclude={"type"})
    ranks = layer.input_ranks or RANKS
    out = {rank: len(layer.estimate((8,) * rank, **defaults)[0]) for rank in ranks}
    if all(o == rank for rank, o in out.items()):
        return None
    if len(set(out.values())) == 1:
        return out[ranks[0]]
    raise ValueError(f"{layer.type_tag}: an output rank that depends on the input's ({out}) cannot be published")


def build_catalog() -> Catalog:
    return Catalog(
        layers=[layer_info(model, label) for model, label in LAYER_MODELS],
        datasets=[
            DatasetCatalogEntry(
                name=info.name,
                label=info.label,
                description=info.description,
                task=info.task,
                kind=info.kind,
                input_shape=list(info.input_shape(DatasetSpec.model_validate({"name": info.name}))),
                classes=info.classes,
                class_names=list(info.class_names),
                output_units=output_units(info),
                output_activation=TASK_OUTPUT[info.task][0],
                default_loss=TASK_OUTPUT[info.task][1],
                suits=list(info.suits),
                default_model=default_model(info),
                preview=preview(info),
                max_points=info.max_points,
            )
            for info in DATASETS.values()
        ],
        activations=[
            ActivationInfo(name=a.name, formula=a.formula, slope_formula=a.slope_formula, grad_formula=a.grad_formula)
            for a in ACTIVATIONS.values()
        ],
        losses=[NamedFormula(name=l.name, formula=l.formula) for l in LOSSES.values()],
        optimizers=list(OPTIMIZERS),
        inits=list(INITIALISERS),
        dataset_settings=settings_of(DatasetSpec, frozenset()),
        features=[NamedFormula(name=name, formula=feature.label) for name, feature in FEATURES.items()],
        upload_limits=UploadLimitsInfo(
            max_bytes=LIMITS.max_bytes,
            max_rows=LIMITS.max_rows,
            max_columns=LIMITS.max_columns,
            max_classes=LIMITS.max_classes,
            max_images=LIMITS.max_images,
            max_side=LIMITS.max_side,
        ),
        training_settings=settings_of(TrainingConfig, frozenset()),
        views=[view_info(view) for view in VIEWS.values()],
    )


@router.get("/api/catalog", response_model=Catalog)
def get_catalog() -> Catalog:
    return build_catalog()
