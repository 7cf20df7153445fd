"""What a session's watchers see: the weight snapshot the display shows, the views encoded for it,
and what is watched told to a training engine process.

A part of Session (sessions/session.py) kept apart by job. While the engine process plays, its
reader thread publishes each snapshot and the view worker (view_worker.py), when the server has one,
encodes the views; a holder of _control (the trainer stopped) publishes and encodes at once.
"""

from __future__ import annotations

import threading

import numpy as np

from ..data import Dataset
from ..engine import Trainer
from ..schemas.stream import ViewName
from .build import Specs, TrainingArrays
from .engine_watch import EngineWatchSync
from .runner import Runner
from .session_views import ProbeKey, SessionViews
from .telemetry import Snapshot, TelemetryFrames
from .view_worker import ViewWorker
from .weight_trail import WeightTrail


class SessionDisplay:
    """Mixed into Session, whose fields and methods these are."""

    step: int
    epoch: int
    generation: int
    specs: Specs
    trainer: Trainer
    data: Dataset
    snapshot: Snapshot
    views: SessionViews
    trail: WeightTrail
    _arrays: TrainingArrays
    _runner: Runner
    _control: threading.Lock
    _engine_watch: EngineWatchSync
    _view_worker: ViewWorker | None
    _model_key_of: object
    _model_key_json: str

    @property
    def frames(self) -> TelemetryFrames | None:
        """The encoded tensor records of the latest display frame, for the watched views."""
        return self.views.frames

    @property
    def telemetry_views(self) -> frozenset[ViewName]:
        return self.views.views

    def _publish_snapshot(self, weights: dict[str, np.ndarray] | None = None) -> None:
        """Show `weights` (sent by the engine process), or the stopped trainer's."""
        self.snapshot = Snapshot(
            generation=self.generation,
            step=self.step,
            epoch=self.epoch,
            weights=weights if weights is not None else self.trainer.network.get_weights(),
            model_key=self._model_key(),
            output_is_logit=self.trainer.loss.output == "logit",
            features=self.data.features or None,
        )
        self.trail.offer(self.snapshot)  # the landscape's path from before its tab opened
        if not self.views.views:
            return
        if weights is not None and self._view_worker is not None:  # the engine's reader thread
            snapshot = self.snapshot
            self._view_worker.submit(self, lambda: self._refresh_views(snapshot))
        else:
            self._refresh_views()

    def _model_key(self) -> str:
        """The model spec as JSON, serialised once per spec rather than at every display frame."""
        model = self.specs.model
        if self._model_key_of is not model:
            self._model_key_of, self._model_key_json = model, model.model_dump_json()
        return self._model_key_json

    def _refresh_views(self, of: Snapshot | None = None) -> None:
        """Encode the watched views for the latest snapshot (by whoever published it: the engine's
        reader thread or the view worker while it plays, else a holder of _control, whose trainer
        is stopped). The worker's snapshot `of` is skipped once a newer one is published."""
        if of is not None:
            self.views.refresh(of, of.generation, None, of.step, self._arrays, lambda: self.snapshot is of)
            return
        stopped = None if self._runner.alive else self.trainer
        self.views.refresh(self.snapshot, self.generation, stopped, self.step, self._arrays)

    def watch(
        self, views: frozenset[ViewName], probe: ProbeKey | None, source: str = "local", watching: bool | None = None
    ) -> None:
        """The watchers of `source` (the local hub, or another node's: cluster/live_publisher.py) now
        open `views` (and one of them named `probe`): the union of every source's views is computed
        from now on, told to a training engine process at once (no restart). `watching`: whether
        the source has any watcher, even one with no view open (by default, whether `views` has
        any). Raises ProbeOutOfRange, changing nothing, for a sample the data does not have."""
        self._engine_watch.watch(views, probe, self._arrays, source, watching)
        self._sync_watch()

    @property
    def watch_sources(self) -> dict[str, frozenset[ViewName]]:
        """The views each source watches (the session computes their union)."""
        return self._engine_watch.sources()

    def _sync_watch(self) -> None:
        """Tell a training engine process what is watched, if it does not have that yet."""
        self._engine_watch.sync(self._arrays, self._runner.watch)

    def refresh_telemetry(self) -> None:
        """Compute the watched views now (the hub calls this when they change while nothing runs)."""
        with self._control:
            self._refresh_views()
