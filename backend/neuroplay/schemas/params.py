"""PATCH /api/sessions/{id}/params: set weights by hand and freeze entries (issue 10)."""

from __future__ import annotations

from pydantic import Field, model_validator
from typing_extensions import TypeAliasType

from .base import WireModel
from .error_codes import invalid_value
from .inspect import Tensor

# A mask as nested lists of booleans, in the parameter's shape.
BoolTensor = TypeAliasType("BoolTensor", "bool | list[BoolTensor]")


class ParamEdit(WireModel):
    """One entry (`index` with `value` and/or `frozen`) or a whole parameter (`values` and/or `frozen`
    or `frozen_mask`) of layer `layer`'s parameter `param` (named as in the weights download)."""

    layer: int = Field(ge=0)
    param: str = Field(min_length=1, max_length=32, description="W, b, gamma, beta, W_x, W_h, ...")
    index: list[int] | None = Field(None, description="The entry, one index per axis, e.g. [0, 2] for W[0, 2].")
    value: float | None = Field(None, description="The entry's new value (with index).")
    values: Tensor | None = Field(None, description="The whole parameter's new values, nested lists of its shape.")
    frozen: bool | None = Field(None, description="Freeze (true) or free (false) the entry, or without index all.")
    frozen_mask: BoolTensor | None = Field(None, description="The whole parameter's frozen mask (true: kept fixed).")

    @model_validator(mode="after")
    def _one_kind_of_edit(self) -> ParamEdit:
        if self.index is not None:
            if self.values is not None or self.frozen_mask is not None:
                message = "index edits one entry: give value and/or frozen, not values or frozen_mask"
                raise invalid_value("edit_index_alone", message)
            if self.value is None and self.frozen is None:
                raise invalid_value("edit_index_needs_value", "index needs value and/or frozen")
        else:
            if self.value is not None:
                message = "value sets one entry: give its index too (or values for the whole parameter)"
                raise invalid_value("edit_value_needs_index", message)
            if self.frozen is not None and self.frozen_mask is not None:
                raise invalid_value("edit_frozen_or_mask", "give frozen or frozen_mask, not both")
            if self.values is None and self.frozen is None and self.frozen_mask is None:
                message = "nothing to change: give index with value/frozen, or values, frozen or frozen_mask"
                raise invalid_value("edit_nothing", message)
        return self


# state.frozen lists the indices of at most this many entries per parameter (a whole frozen kernel
# would otherwise ride along in every state message); GET .../params gives any whole mask.
MAX_LISTED_FROZEN = 256


class FrozenSummary(WireModel):
    """The frozen entries of one parameter."""

    count: int
    size: int = Field(description="Entries of the parameter in all.")
    indices: list[list[int]] | None = Field(
        description=f"The frozen entries' indices; null above {MAX_LISTED_FROZEN} (GET .../params has the mask)."
    )


class ParamState(WireModel):
    """A parameter after an edit: its values and its frozen mask, at `step`."""

    layer: int
    param: str
    shape: list[int]
    values: Tensor
    frozen: BoolTensor
    step: int
