"""The body of every 4xx answer, and an error a session reports."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .base import WireModel
from .error_codes import ErrorCode, ParamValue


class ErrorResponse(BaseModel):
    message: str = Field(description="One sentence saying what is wrong, for people (in English).")
    code: ErrorCode = Field(description="What is wrong, for programs and translations (schemas/error_codes.py).")
    params: dict[str, ParamValue] = Field(
        default_factory=dict, description="The values the message names, by the code's parameter names."
    )
    layer: int | None = Field(None, description="Index of the layer at fault, where one is.")
    detail: list[dict[str, Any]] = Field(default_factory=list, description="Machine-readable errors.")


class Problem(WireModel):
    """An error with its code (schemas/error_codes.py) and params, for the client to say in the
    learner's language, and the English `message` for API users (SessionState.error)."""

    code: ErrorCode = Field(description="What is wrong (schemas/error_codes.py).")
    params: dict[str, ParamValue] = Field(default_factory=dict, description="The values the text names.")
    message: str = Field(description="The same in English.")


class Health(BaseModel):
    status: str
    version: str
