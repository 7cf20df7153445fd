"""The body of every 4xx answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .error_codes import ErrorCode, ParamValue


class ErrorResponse(BaseModel):
    message: str = Field(description="One sentence saying what is wrong, for people (in English).")
    code: ErrorCode = Field(description="What is wrong, for programs and translations (schemas/error_codes.py).")
    params: dict[str, ParamValue] = Field(
        default_factory=dict, description="The values the message names, by the code's parameter names."
    )
    layer: int | None = Field(None, description="Index of the layer at fault, where one is.")
    detail: list[dict[str, Any]] = Field(default_factory=list, description="Machine-readable errors.")


class Health(BaseModel):
    status: str
    version: str
