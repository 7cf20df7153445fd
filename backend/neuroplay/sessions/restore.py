"""Bring a session back from a Checkpoint: rebuild data and trainer from the specs (seeded, so the
same), then lay the saved weights, optimizer state, batch order, generators, counters and history over
them. A session saved while running comes back paused: nothing trains until its owner presses play."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..store import Checkpoint
from ..store.checkpoint import utc_now
from .build import Specs
from .capture import EngineState
from .session import Session


def restore(checkpoint: Checkpoint, **session_settings: Any) -> Session:
    """A live Session equal to the one checkpointed. `session_settings` are Session's keyword
    arguments from the server settings (grid_size, display_hz, ...)."""
    cp = checkpoint
    session = Session(
        session_id=cp.id,
        owner_token_hash=cp.owner_token_hash,
        specs=Specs(cp.model, cp.dataset, cp.training),
        forked_from=cp.forked_from,
        **session_settings,
    )
    EngineState(
        cp.step, cp.epoch, dict(cp.weights), dict(cp.optimizer), dict(cp.trainer_state), dict(cp.trainer_arrays)
    ).load_into(session.trainer)
    session.status = "paused" if cp.status == "running" else cp.status
    session.step, session.epoch, session.generation = cp.step, cp.epoch, cp.generation
    session.history.replace(cp.history)
    session.divergence, session.error = cp.divergence, cp.error
    session.created_at = cp.created_at
    session.republish()
    return session


def forked(checkpoint: Checkpoint, new_id: str, owner_token_hash: str) -> Checkpoint:
    """The checkpoint of a fork: the same run under a new id and owner, remembering its origin. It
    starts paused (idle if the original never trained), whatever the original is doing."""
    now = utc_now()
    status = "paused" if checkpoint.status == "running" else checkpoint.status
    return replace(
        checkpoint,
        id=new_id,
        owner_token_hash=owner_token_hash,
        status=status,
        forked_from=checkpoint.id,
        created_at=now,
        updated_at=now,
    )
