"""Which data a session trains on."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel

DatasetName = Literal["circle", "xor", "gaussians", "spiral"]


class DatasetSpec(WireModel):
    """A built-in dataset and its settings; {"name": "circle"} alone is complete."""

    name: DatasetName = "circle"
    points: int = Field(500, ge=10, le=5000, description="Samples generated in all.")
    noise: float = Field(0.1, ge=0.0, le=1.0, description="0 = clean; 1 = as noisy as it gets.")
    validation_share: float = Field(
        0.5, ge=0.0, le=0.9, description="Share of the samples held out for validation."
    )
    seed: int = Field(7, ge=0, le=2**32 - 1, description="Same seed, same points.")
