"""How a session trains. Every field has a default, so {} is a whole training config."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel

LossName = Literal["mse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy"]
OptimizerName = Literal["sgd", "momentum", "nesterov", "adam", "rmsprop"]
InitName = Literal["xavier", "he", "normal", "zeros"]


class TrainingConfig(WireModel):
    """Changes to learning_rate, batch_size, l2, clipping and steps_per_second apply while running;
    loss and optimizer changes apply at the next step (a new optimizer starts with fresh state);
    init, init_scale and seed apply at the next reset or rebuild."""

    optimizer: OptimizerName = "sgd"
    learning_rate: float = Field(0.03, gt=0.0, le=10.0, description="Step size η.")
    momentum: float = Field(0.9, ge=0.0, lt=1.0, description="μ of the momentum and nesterov optimizers.")
    batch_size: int = Field(10, ge=1, le=10000, description="Samples per step (capped at the training set).")
    loss: LossName | None = Field(None, description="None: the natural loss for the dataset's task.")
    l2: float = Field(0.0, ge=0.0, le=1.0, description="L2 weight decay λ.")
    clip_norm: float | None = Field(None, gt=0.0, description="Clip the global gradient norm to this.")
    clip_value: float | None = Field(None, gt=0.0, description="Clip every gradient element to ±this.")
    init: InitName = Field("xavier", description="Weight initialisation.")
    init_scale: float = Field(0.1, gt=0.0, le=100.0, description="Standard deviation of the 'normal' init.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seeds weights and batch order.")
    steps_per_second: float | None = Field(
        None, gt=0.0, le=100000.0, description="Speed limit; None runs as fast as the engine can."
    )
