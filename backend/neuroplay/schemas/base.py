"""The base every wire model shares: unknown fields are errors and NaN/Inf are never valid numbers."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, create_model


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def partial_model(model: type[WireModel], name: str) -> type[WireModel]:
    """The same fields, all optional with default None: the body of a PATCH that changes some of them.

    Derived from the full model so the two can never drift apart.
    """
    fields: dict[str, Any] = {
        field_name: (Optional[info.annotation], None)  # noqa: UP045 (the annotation is a runtime value)
        for field_name, info in model.model_fields.items()
    }
    return create_model(name, __base__=WireModel, __doc__=f"Some fields of {model.__name__}.", **fields)
