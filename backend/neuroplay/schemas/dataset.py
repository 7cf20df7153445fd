"""Which data a session trains on."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .base import WireModel
from .error_codes import invalid_value

DatasetName = Literal[
    "circle",
    "xor",
    "gaussians",
    "spiral",
    "moons",  # 2-D classification
    "plane",
    "gaussian_sum",  # 2-D regression
    "digits",
    "shapes",  # images
    "sine",
    "echo",
    "adding",  # sequences
    "upload",  # the learner's own file (see `upload`)
]
FeatureName = Literal["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]

MAX_ADDED_POINTS = 2000
PLANE = 6.0  # 2-D sets live in [-6, 6]²


class AugmentSpec(WireModel):
    """Random changes to each training image (never to validation); 0 or false turns one off."""

    rotation: float = Field(0.0, ge=0.0, le=45.0, description="Largest rotation in degrees, either way.")
    shift: float = Field(0.0, ge=0.0, le=0.3, description="Largest shift as a share of the image size.")
    flip: bool = Field(False, description="Mirror left-right half of the time.")
    brightness: float = Field(0.0, ge=0.0, le=0.5, description="Scale brightness by up to ± this share.")
    noise: float = Field(0.0, ge=0.0, le=0.5, description="Standard deviation of added gaussian noise.")


AddedPoint = Annotated[list[float], Field(min_length=3, max_length=3)]


class UploadRef(WireModel):
    """An uploaded file kept by the server (by its SHA-256) and how to read it."""

    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: Literal["csv", "images"]
    filename: str = Field("", max_length=255)
    label_column: str | None = Field(None, max_length=200, description="CSV: the column holding the class.")
    side: int = Field(28, ge=4, le=64, description="Images: resized to side × side pixels.")
    color: Literal["grayscale", "rgb"] = "grayscale"


class DatasetSpec(WireModel):
    """A built-in dataset and its settings; {"name": "circle"} alone is complete."""

    name: DatasetName = "circle"
    points: int = Field(500, ge=10, le=5000, description="Samples generated in all (digits: at most 1,797).")
    noise: float = Field(0.1, ge=0.0, le=1.0, description="0 = clean; 1 = as noisy as it gets.")
    validation_share: float = Field(0.5, ge=0.0, le=0.9, description="Share of the samples held out for validation.")
    seed: int = Field(7, ge=0, le=2**32 - 1, description="Same seed, same points.")
    features: list[FeatureName] = Field(
        default_factory=lambda: list[FeatureName](["x1", "x2"]),
        min_length=1,
        max_length=7,
        description="2-D sets: the inputs the network sees, derived from (x1, x2).",
    )
    length: int = Field(20, ge=2, le=200, description="Sequence sets: time steps per sample.")
    delay: int = Field(2, ge=0, le=50, description="Echo: how many steps back the target repeats.")
    augment: AugmentSpec = Field(default_factory=AugmentSpec, description="Image sets: augmentation.")
    added_points: list[AddedPoint] = Field(
        default_factory=list,
        max_length=MAX_ADDED_POINTS,
        description="2-D sets: learner-drawn training points [x1, x2, label].",
    )
    removed_points: list[Annotated[int, Field(ge=0)]] = Field(
        default_factory=list,
        max_length=5000,
        description="2-D sets: indices of generated training points the learner removed.",
    )
    upload: UploadRef | None = Field(None, description="name 'upload': the file to train on.")

    @model_validator(mode="after")
    def _upload_named(self) -> DatasetSpec:
        if (self.name == "upload") != (self.upload is not None):
            raise invalid_value("upload_reference", "name 'upload' and an `upload` reference go together")
        return self

    @field_validator("added_points")
    @classmethod
    def _on_the_plane(cls, value: list[list[float]]) -> list[list[float]]:
        for i, (x1, x2, _) in enumerate(value):
            if not (-PLANE <= x1 <= PLANE and -PLANE <= x2 <= PLANE):
                message = f"added point {i} at ({x1:g}, {x2:g}) is off the plane [-{PLANE:g}, {PLANE:g}]²"
                raise invalid_value("point_off_plane", message, point=i, x1=f"{x1:g}", x2=f"{x2:g}", plane=f"{PLANE:g}")
        return value

    @field_validator("features")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise invalid_value("feature_twice", "each feature may be chosen once")
        return value
