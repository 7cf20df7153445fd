"""A checkpoint: everything needed to bring one session back exactly where it was.

It is a plain copy, taken between two training steps by the thread that owns the engine, so it can be
handed to another thread and written at leisure while training goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..schemas.dataset import DatasetSpec
from ..schemas.errors import Problem
from ..schemas.model import NetworkSpec
from ..schemas.session import Divergence, MetricPoint, SessionStatus
from ..schemas.training import TrainingConfig


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Checkpoint:
    id: str
    owner_token_hash: str  # SHA-256 hex of the owner token; the token itself is never stored
    status: SessionStatus  # as it was; a restored "running" session comes back "paused"
    step: int
    epoch: int
    generation: int
    model: NetworkSpec
    dataset: DatasetSpec
    training: TrainingConfig
    history: list[MetricPoint]  # every point, oldest first
    weights: Mapping[str, np.ndarray]  # Network.get_weights(): parameters and buffers
    optimizer: Mapping[str, np.ndarray]  # Optimizer.state_arrays()
    # Batch order position, epoch, step count and every random generator's state (JSON-able), and the
    # arrays of that state (the current shuffled order), so a restored run draws the same batches.
    trainer_state: Mapping[str, Any]
    trainer_arrays: Mapping[str, np.ndarray]
    divergence: Divergence | None = None
    error: Problem | None = None  # what paused the run (SessionState.error)
    forked_from: str | None = None  # the session this one was forked from
    # Several servers: the fencing token of the lease under which it was taken (cluster/leases.py);
    # the store refuses it once a checkpoint with a larger token was written. None: one server.
    fence: int | None = None
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
