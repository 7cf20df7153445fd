"""Copy a session into a Checkpoint.

Only the owner of the engine may capture: a holder of the session's `_control` lock with the runner
stopped (see session.py); while the session plays, the engine process sends an EngineState of its
own every checkpoint interval and the session captures with that. The copy is cheap (the weights of
a playground network are kilobytes) and goes to the store's writer thread without waiting for the disk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..engine import Trainer
from ..schemas.errors import Problem
from ..schemas.session import Divergence, SessionStatus
from ..store import Checkpoint
from ..store.checkpoint import utc_now
from .build import Specs
from .engine_state import EngineState
from .history import MetricHistory

__all__ = ["Capturable", "EngineState", "capture"]


class Capturable(Protocol):
    """What a checkpoint is made of (a Session; named here so this module needs no import of it)."""

    id: str
    owner_token_hash: str
    status: SessionStatus
    step: int
    epoch: int
    generation: int
    specs: Specs
    trainer: Trainer
    history: MetricHistory
    divergence: Divergence | None
    error: Problem | None
    forked_from: str | None
    created_at: datetime


def capture(session: Capturable, engine: EngineState | None = None) -> Checkpoint:
    """A consistent copy of the session now (call between steps, from the thread that owns the
    engine), or with `engine`: the session's specs and history with that engine state (a periodic
    save sent by the engine process while it trains)."""
    engine = engine or EngineState.of(session.trainer, session.step, session.epoch)
    return Checkpoint(
        id=session.id,
        owner_token_hash=session.owner_token_hash,
        status=session.status,
        step=engine.step,
        epoch=engine.epoch,
        generation=session.generation,
        model=session.specs.model,
        dataset=session.specs.dataset,
        training=session.specs.training,
        history=[p for p in session.history.points if p.step <= engine.step],
        weights=engine.weights,
        optimizer=engine.optimizer,
        trainer_state=engine.trainer_state,
        trainer_arrays=engine.trainer_arrays,
        divergence=session.divergence,
        error=session.error,
        forked_from=session.forked_from,
        created_at=session.created_at,
        updated_at=utc_now(),
    )
