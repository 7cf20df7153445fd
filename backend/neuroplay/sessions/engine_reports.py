"""How a session takes its engine process's reports (on the process's reader thread).

A part of Session (sessions/session.py) kept apart by job: Progress moves the counters and the
display, Saved checkpoints, and the one final report (Stopped, or EngineGone when the process died)
brings the engine state back, or the last state it saved, and says why training stopped.
"""

from __future__ import annotations

import logging

import numpy as np

from ..engine import Trainer
from ..schemas.errors import Problem
from ..schemas.session import Divergence, MetricPoint, SessionStatus
from .engine_messages import Progress, Saved, Stopped
from .engine_pool import EngineGone
from .engine_state import EngineState
from .history import MetricHistory
from .session_errors import divergence_at, engine_gone, report_failed
from .session_views import SessionViews

logger = logging.getLogger(__name__)


class EngineReports:
    """Mixed into Session, whose fields and methods these are."""

    id: str
    step: int
    epoch: int
    error: Problem | None
    divergence: Divergence | None
    history: MetricHistory
    views: SessionViews
    trainer: Trainer
    _last_engine_state: EngineState | None

    def _publish_snapshot(self, weights: dict[str, np.ndarray] | None = None) -> None:
        raise NotImplementedError

    def _checkpoint(self, engine: EngineState | None = None) -> None:
        raise NotImplementedError

    def _set_status(self, status: SessionStatus) -> None:
        raise NotImplementedError

    def _on_engine_message(self, message: object) -> None:
        """Reports of the engine process, on its reader thread; the last is Stopped or EngineGone."""
        if isinstance(message, Progress):
            self._take_points(message.points)
            self.views.take_progress(message)
            self.step, self.epoch = message.step, message.epoch
            self._publish_snapshot(message.weights)
        elif isinstance(message, Saved):
            self._take_points(message.points)
            self._last_engine_state = message.state
            self._checkpoint(message.state)
        elif isinstance(message, (Stopped, EngineGone)):
            try:
                self._on_final_message(message)
            except Exception as exc:  # never leave the session looking like it trains
                logger.exception("session %s: the engine's last report could not be handled", self.id)
                self.error = report_failed(exc)
                self._set_status("paused")

    def _on_final_message(self, message: Stopped | EngineGone) -> None:
        if isinstance(message, Stopped):
            self._take_points(message.points)
            self.views.batch_losses.extend(message.batch_losses)
            self._take_back(message.state)
            if message.diverged:
                self.divergence = divergence_at(self.step + 1, message.diverged)
                self._set_status("diverged")
            elif message.error:
                logger.error("session %s: %s", self.id, message.error.message)
                self.error = message.error
                self._set_status("paused")
            if message.diverged or message.error:  # it stopped by itself: show and keep where
                self._publish_snapshot()
                self._checkpoint()
        elif isinstance(message, EngineGone):
            state = self._last_engine_state
            if state is not None:  # None only if it died before it was sent anything
                self._take_back(state)
                self.history.truncate_after(state.step)
                self.views.batch_losses.truncate_after(state.step)
            logger.error("session %s: %s", self.id, message)
            self.error = engine_gone(message, message.exit_code, self.step)
            self._set_status("paused")
            self._publish_snapshot()
            self._checkpoint()

    def _take_points(self, points: list[MetricPoint]) -> None:
        for point in points:
            self.history.append(point)

    def _take_back(self, state: EngineState) -> None:
        state.load_into(self.trainer)
        self.step, self.epoch = state.step, state.epoch
