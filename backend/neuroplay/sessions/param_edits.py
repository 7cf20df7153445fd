"""Edits by hand of a stopped trainer's parameters (PATCH /api/sessions/{id}/params): checked whole
before anything changes, then applied in place, with the optimizer state of the edited entries reset
and the frozen masks updated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..engine import Trainer
from ..schemas.params import MAX_LISTED_FROZEN, FrozenSummary, ParamEdit


class ParamEditError(ValueError):
    """An edit that does not fit the network; `field` is the body field to blame, `reason` a
    validation reason (schemas/error_codes.VALIDATION_REASONS) with its values in `ctx`."""

    def __init__(self, field: str, message: str, reason: str, **ctx: Any) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.reason = reason
        self.ctx = ctx


def _regular(field: str, nested: Any, shape: tuple[int, ...], what: str, dtype: type) -> np.ndarray:
    try:
        array: np.ndarray = np.array(nested, dtype=dtype)
    except (ValueError, TypeError):
        message = f"{field} must be nested lists of the shape of {what}, {list(shape)}"
        raise ParamEditError(field, message, "not_nested", shape=list(shape)) from None
    if array.shape != shape:
        message = f"{field} has shape {list(array.shape)}; {what} has shape {list(shape)}"
        raise ParamEditError(field, message, "wrong_shape", got=list(array.shape), shape=list(shape))
    return array


def missing_param(field: str, network: Any, layer_index: int, param: str) -> ParamEditError | None:
    """What is wrong with naming parameter `param` of layer `layer_index`, or None when it exists
    (a ParamEditError; the landscape raises the same reasons for its axes)."""
    layers = network.layers
    if layer_index >= len(layers):
        message = f"layer {layer_index} does not exist: the model has {len(layers)} layers"
        return ParamEditError(field, message, "no_such_layer", index=layer_index, count=len(layers))
    layer = layers[layer_index]
    entry = f"layer{layer_index}.{param}"
    if param in layer.params:
        return None
    where = f"layer {layer_index} ({layer.type_tag})"
    if not layer.params:
        return ParamEditError(
            field, f"{where} has no parameter {param!r}; it has no parameters", "layer_without_params", entry=entry
        )
    message = f"{where} has no parameter {param!r}; it has {', '.join(layer.params)}"
    return ParamEditError(field, message, "no_such_param", entry=entry, has=list(layer.params))


def locate(trainer: Trainer, layer_index: int, param: str) -> str:
    """'W of layer 0 (dense)' for an existing parameter, else ParamEditError naming what is wrong."""
    problem = missing_param(
        "layer" if layer_index >= len(trainer.network.layers) else "param", trainer.network, layer_index, param
    )
    if problem is not None:
        raise problem
    return f"{param} of layer {layer_index} ({trainer.network.layers[layer_index].type_tag})"


def frozen_summaries(masks: Mapping[tuple[int, str], np.ndarray]) -> dict[str, FrozenSummary]:
    out = {}
    for (i, name), mask in masks.items():
        count = int(mask.sum())
        indices = np.argwhere(mask).tolist() if count <= MAX_LISTED_FROZEN else None
        out[f"layer{i}.{name}"] = FrozenSummary(count=count, size=int(mask.size), indices=indices)
    return out


def check(trainer: Trainer, edit: ParamEdit) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    """(new values or None, new frozen mask or None, the entries whose value is set) for the edit,
    or ParamEditError naming what does not fit. Changes nothing."""
    what = locate(trainer, edit.layer, edit.param)
    current = trainer.network.layers[edit.layer].params[edit.param]
    shape = current.shape
    frozen = trainer.frozen.mask((edit.layer, edit.param), shape)
    values: np.ndarray | None = None
    touched = np.zeros(shape, dtype=np.bool_)
    if edit.index is not None:
        index = tuple(edit.index)
        if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape, strict=False)):
            message = f"index {list(index)} is not an entry of {what}, shape {list(shape)}"
            entry = f"layer{edit.layer}.{edit.param}"
            raise ParamEditError("index", message, "no_such_entry", entry=entry, index=list(index), shape=list(shape))
        if edit.value is not None:
            values = current.copy()
            values[index] = edit.value
            touched[index] = True
        if edit.frozen is not None:
            frozen[index] = edit.frozen
    else:
        if edit.values is not None:
            values = _regular("values", edit.values, shape, what, np.float64)
            if not np.isfinite(values).all():
                bad = [int(i) for i in np.argwhere(~np.isfinite(values))[0]]
                raise ParamEditError("values", f"values at {bad} is not a finite number", "not_finite_at", index=bad)
            values = values.astype(np.float32)
            touched[...] = True
        if edit.frozen is not None:
            frozen[...] = edit.frozen
        if edit.frozen_mask is not None:
            frozen = _regular("frozen_mask", edit.frozen_mask, shape, what, np.bool_)
    if values is not None and not np.isfinite(values).all():  # a finite float64 can overflow float32
        field = "value" if edit.index is not None else "values"
        raise ParamEditError(field, "the value does not fit a float32", "float32_overflow")
    changed_mask = edit.frozen is not None or edit.frozen_mask is not None
    return values, frozen if changed_mask else None, touched


def apply(trainer: Trainer, edit: ParamEdit) -> None:
    """Check, then change the stopped trainer in place (its parameters live in one flat buffer)."""
    values, frozen, touched = check(trainer, edit)
    key = (edit.layer, edit.param)
    if values is not None:
        trainer.network.layers[edit.layer].params[edit.param][...] = values
        trainer.optimizer.reset_entries(key, touched)
    if frozen is not None:
        trainer.frozen.set(key, frozen)
