"""The body of every 4xx answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorResponse(BaseModel):
    message: str = Field(description="One sentence saying what is wrong, for people.")
    layer: int | None = Field(None, description="Index of the layer at fault, where one is.")
    detail: list[dict[str, Any]] = Field(default_factory=list, description="Machine-readable errors.")


class Health(BaseModel):
    status: str
    version: str
