"""What a session shows of itself (SessionState), built from its counters, specs, trainer and data."""

from __future__ import annotations

from typing import Protocol

from ..data import Dataset
from ..engine import Trainer
from ..engine.layers import Conv2D
from ..schemas.errors import Problem
from ..schemas.session import Divergence, LayerSummary, SessionState, SessionStatus, StepPhase
from .build import Specs
from .param_edits import frozen_summaries
from .telemetry import grid_spec


class Describable(Protocol):
    """What describing needs of a session (a protocol: session.py imports this module)."""

    id: str
    status: SessionStatus
    step: int
    epoch: int
    generation: int
    specs: Specs
    trainer: Trainer
    data: Dataset
    grid_size: int
    divergence: Divergence | None
    error: Problem | None
    forked_from: str | None


def conv_padding(layer: object) -> list[int] | None:
    """A conv layer's zero padding [top, bottom, left, right] (what the probe and inspector draw)."""
    if not isinstance(layer, Conv2D):
        return None
    g = layer.geometry
    return [g.pad_top, g.pad_bottom, g.pad_left, g.pad_right]


def describe(session: Describable, phase: StepPhase) -> SessionState:
    """The session's state as GET /api/sessions/{id} and the stream's `state` message show it."""
    specs, net = session.specs, session.trainer.network
    last = len(net.layers) - 1
    return SessionState(
        id=session.id,
        status=session.status,
        step=session.step,
        epoch=session.epoch,
        generation=session.generation,
        model=specs.model,
        dataset=specs.dataset,
        training=specs.training,
        loss=specs.resolved_loss(),
        task=session.data.info.task,
        layers=[
            LayerSummary(
                index=i,
                type=layer.type_tag,
                role="output" if i == last else "hidden",
                output_shape=list(layer.output_shape),
                param_count=layer.param_count(),
                padding=conv_padding(layer),
            )
            for i, layer in enumerate(net.layers)
        ],
        total_params=net.param_count(),
        train_size=len(session.data.x_train),
        validation_size=len(session.data.x_val),
        dataset_settings=list(session.data.info.settings),
        grid=grid_spec(session.grid_size),
        divergence=session.divergence,
        error=session.error,
        forked_from=session.forked_from,
        phase=phase,
        frozen=frozen_summaries(session.trainer.frozen.masks),
    )
