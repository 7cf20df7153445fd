"""One training run: its specs, its engine objects, its counters and its runner.

Who owns the engine: while the session plays, an engine process trains a copy of it (runner.py) and
the session's own trainer waits untouched; the process reports counters, metric points and weight
snapshots at display rate, and the whole engine state every `checkpoint_seconds`, all handled here on
the worker's reader thread. Every change from outside (commands, patches) takes `_control`, stops the
runner (the final state comes back into `trainer`), changes things, and starts it again if it was
running, so the engine is never touched by two parties at once. Manual steps run here, on a stopped
session. Readers (state, telemetry) never block training: they read counters and the latest weight
snapshot, published by replacing one reference.

Persistence: checkpoints are made from the engine process's periodic saves while it plays, when it
stops by itself (divergence, engine error, the process dying), and by every change from outside once
it is made. The copy goes to `on_checkpoint` (the store's writer thread), so nobody waits for the disk.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from ..data import Dataset
from ..data.dataset import UploadSource
from ..engine import StepResult
from ..schemas.error_codes import coded
from ..schemas.errors import Problem
from ..schemas.inspect import ProbeRef
from ..schemas.params import ParamEdit
from ..schemas.session import (
    Divergence,
    SessionState,
    SessionStatus,
    StepPhase,
)
from ..store import Checkpoint
from ..store.checkpoint import utc_now
from .bias_switch import carry_over, switched_biases
from .build import Specs, TrainingArrays, build_data, build_trainer, new_network
from .capture import capture
from .change_plan import apply_training_settings, may_keep_weights
from .engine_messages import Pace, Start
from .engine_pool import EnginePool
from .engine_reports import EngineReports
from .engine_state import EngineState
from .engine_watch import EngineWatchSync
from .evaluation import evaluate
from .history import MetricHistory
from .param_edits import apply as apply_param_edit
from .param_edits import check as check_param_edit
from .param_edits import locate
from .phase_steps import PhaseSteps, StepSource
from .probe import probe_sample
from .runner import Runner
from .session_display import SessionDisplay
from .session_errors import SessionError, divergence_at, not_resumed, not_started
from .session_state import describe
from .session_views import SessionViews
from .training_point import TrainingPoint
from .view_worker import ViewWorker
from .weight_trail import WeightTrail

logger = logging.getLogger(__name__)

# While running, a metric point is taken at an epoch end at most this often: each one scores both
# whole splits, and at 1,000+ epochs/s that alone cost a tenth of the training speed. 60 per second
# is as fine as TensorFlow Playground's one point per animation frame.
MIN_POINT_INTERVAL = 1 / 60


class Session(SessionDisplay, EngineReports):
    def __init__(
        self,
        session_id: str,
        owner_token_hash: str,
        specs: Specs,
        engines: EnginePool,
        grid_size: int,
        display_hz: float,
        max_history_points: int,
        max_neuron_maps: int = 64,
        checkpoint_seconds: float = 5.0,
        on_checkpoint: Callable[[Checkpoint], None] | None = None,
        forked_from: str | None = None,
        uploads: UploadSource | None = None,
        view_worker: ViewWorker | None = None,
    ) -> None:
        self.id = session_id
        self.uploads = uploads  # upload reference -> parsed file, for datasets built from one
        self.owner_token_hash = owner_token_hash
        self.forked_from = forked_from  # the session this one was forked from
        self.created_at = utc_now()
        self.checkpoint_seconds = checkpoint_seconds
        self._on_checkpoint = on_checkpoint
        self.grid_size = grid_size
        self.snapshot_interval = 1.0 / display_hz
        self.history = MetricHistory(max_history_points)
        self.status: SessionStatus = "idle"
        self.step = 0
        self.epoch = 0
        self.generation = 0
        self.divergence: Divergence | None = None
        self.error: Problem | None = None  # what paused the run or keeps it from being saved, shown to the user
        self.state_version = 0  # bumped whenever anything in state() other than step/epoch changes
        self.last_used = time.monotonic()
        self._control = threading.Lock()
        self._runner = Runner(engines, self._start_message, self._on_engine_message)
        self._steps_per_second: float | None = None  # the speed limit the runner gets
        self._phases = PhaseSteps()  # a training step taken one phase at a time (never while running)
        # The newest engine state known to be consistent while the process trains: the one it got,
        # then each periodic save. A process that dies takes the session back to it.
        self._last_engine_state: EngineState | None = None
        # What watchers see (the hub says what is watched); computed only for what is watched.
        self.views = SessionViews(grid_size, max_neuron_maps)
        self._view_worker = view_worker  # encodes the views of the engine's snapshots, if given
        self._engine_watch = EngineWatchSync(self.views)
        self.trail = WeightTrail()  # the weights it showed, thinned (weight_trail.py)
        self._model_key_of: object = None  # the model spec _model_key_json was serialised from
        self._model_key_json = ""
        # Build everything before assigning, so a bad spec leaves no half-made session.
        data = build_data(specs.dataset, uploads)
        trainer = build_trainer(specs, data)
        self.specs, self.trainer = specs, trainer
        self._set_data(data)
        self._start_generation()

    # ---- reading ----
    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def engine_pid(self) -> int | None:
        """The engine process training this session now, if any (diagnostics and tests)."""
        return self._runner.pid

    @property
    def engine_alive(self) -> bool:
        """An engine process is training this session, or its final report is being handled."""
        return self._runner.alive

    def state(self) -> SessionState:
        return describe(self, self._phases.view())

    @property
    def phase(self) -> StepPhase:
        """The phase a phase step carried out last (as state().phase)."""
        return self._phases.view()

    def weights_copy(self) -> dict[str, np.ndarray]:
        """Every parameter and buffer: exact when nothing runs, else the runner's latest snapshot
        (at most one display frame old), so a download never pauses training."""
        with self._control:
            if self._phases.before is not None:  # a partial phase step is never seen from outside
                return dict(self._phases.before.weights)
            if not self._runner.alive:
                return self.trainer.network.get_weights()
        return dict(self.snapshot.weights)

    def training_point(self) -> TrainingPoint:
        """Where training stands, exactly: the engine state the next step starts from (weights,
        optimizer state, batch order, generators; during a partial phase step, the state from before
        it, which any other command goes back to), with the specs and data of the same moment. A
        running session pauses for the copy, as for a fork, and goes on."""
        with self._control, self._engine_back():
            state = self._phases.before or EngineState.of(self.trainer, self.step, self.epoch)
            return TrainingPoint(state, self.generation, self.specs, self.data, dict(self.trainer.frozen.masks))

    def checkpoint_copy(self) -> Checkpoint:
        """A consistent copy of everything (for a fork): a running session pauses for the copy, a
        millisecond or so, and goes on."""
        with self._control, self._engine_back():
            return capture(self, self._phases.before)

    # ---- changing (each takes _control) ----
    def command(self, action: str, unit: str = "batch", on: str = "batch", probe: ProbeRef | None = None) -> None:
        """`unit` "phase" advances one phase of a training step; `on` "probe" makes a step train on
        the `probe` sample alone. Every other command first abandons a partial phase step (the
        session goes back exactly to where that step began, see phase_steps.py), except a pause,
        which changes nothing and leaves it as it is."""
        source = self._step_source(on, probe)  # a bad probe index raises before anything changes
        with self._control:
            self.last_used = time.monotonic()
            if action != "pause" and not (action == "step" and unit == "phase"):
                self._abandon_phase_step()
            if action == "pause" and self._phases.partial:
                pass  # nothing runs while a step is partial; the step stays as it is
            elif action == "play":
                self._runner.settle()  # a job that is ending by itself: let its report land first
                if self._runner.alive:
                    return  # already playing
                before = (self.status, self.divergence, self.error)
                self._set_status("running")
                self.divergence = None
                self.error = None
                try:
                    self._runner.start()
                except Exception as exc:  # no engine process could be had: too many train, or shutdown
                    status, self.divergence, self.error = before
                    self._set_status(status)
                    raise not_started(exc, self._runner.pool) from exc
                self._sync_watch()  # a subscribe that came while it started
            elif action == "pause":
                self._runner.stop()
                self._record_point()  # before "paused": a watcher seeing it has every point
                if self.status == "running":
                    self._set_status("paused")
                self._publish_snapshot()  # the views show the weights it stopped at
            elif action == "reset":
                self._runner.stop()
                self.trainer = build_trainer(self.specs, self.data)
                self._set_status("idle")
                self._start_generation()
            elif action == "step":
                self._runner.stop()
                self._manual_step(unit, source)
            else:  # the schema allows no other action; this guards direct callers
                raise coded(SessionError(f"unknown action {action!r}"), "unknown_action", action=action)
            if action != "play" and not self._phases.partial:  # a playing session's runner checkpoints
                self._checkpoint()  # as it goes; a partial phase step changed nothing saved

    def change(self, new_specs: Specs | Callable[[Specs], Specs]) -> None:
        """Apply new specs, or a function from the current specs to new ones. The function runs under
        the lock, so two concurrent changes (two tabs, an upload and a PATCH) never undo each other.
        Training-only changes act on the running trainer; model or dataset changes rebuild from
        scratch (new weights, history cleared) and keep playing if it was, except a change of
        `use_bias` alone, which keeps the rest of the run (bias_switch.py). Anything that fails
        raises before the session is touched."""
        with self._control:
            self.last_used = time.monotonic()
            specs = new_specs(self.specs) if callable(new_specs) else new_specs
            self._abandon_phase_step()  # exact: a change that fails below leaves all as it was
            rebuild_data = specs.dataset != self.specs.dataset
            rebuild_model = specs.model != self.specs.model
            if rebuild_data and not rebuild_model and self._swap_data_keeping_weights(specs):
                return
            if rebuild_data or rebuild_model:
                data = build_data(specs.dataset, self.uploads) if rebuild_data else self.data
                trainer = build_trainer(specs, data)  # raises before anything is changed
                # Only biases switched on or off (and the same training): a hand edit, not a new
                # network; everything else learned so far carries over (bias_switch.py).
                same_training = specs.training == self.specs.training
                switched = None if rebuild_data or not same_training else switched_biases(self.specs.model, specs.model)
                with self._engine_back() as was_running:
                    if switched is not None:
                        carry_over(EngineState.of(self.trainer, self.step, self.epoch), trainer, switched)
                    self.specs, self.trainer = specs, trainer
                    if rebuild_data:
                        self._set_data(data)
                    self.divergence = None
                    self._start_generation(keep_run=switched is not None)
                    stopped: SessionStatus = "paused" if switched is not None and self.step else "idle"
                    self._set_status("running" if was_running else stopped)
                    self._checkpoint()
                return
            with self._engine_back():
                self._apply_training(specs)
                self._checkpoint()

    def _swap_data_keeping_weights(self, specs: Specs) -> bool:
        if not may_keep_weights(self.specs, specs):
            return False
        data = build_data(specs.dataset, self.uploads)  # raises before anything is changed
        if (data.input_shape, data.output_shape) != (self.data.input_shape, self.data.output_shape):
            return False
        with self._engine_back():
            self.trainer.replace_data(data.x_train, data.y_train, data.transform)
            self.specs = specs
            self._set_data(data)
            self.state_version += 1
            self._record_point()
            self._checkpoint()
        return True

    def edit_params(self, edit: ParamEdit) -> tuple[np.ndarray, np.ndarray, int]:
        """Set parameter values and frozen masks by hand (param_edits.py); a running session takes
        the edit at its next step (its engine state comes back for it, as for any change). Returns
        the parameter's values, its frozen mask and the step."""
        with self._control:
            self.last_used = time.monotonic()
            check_param_edit(self.trainer, edit)  # raises before anything stops or changes
            self._abandon_phase_step()
            with self._engine_back():
                apply_param_edit(self.trainer, edit)
                self.state_version += 1
                self._publish_snapshot()
                self._checkpoint()
                key = (edit.layer, edit.param)
                values = self.trainer.network.layers[edit.layer].params[edit.param].copy()
                return values, self.trainer.frozen.mask(key, values.shape), self.step

    def param_state(self, layer: int, param: str) -> tuple[np.ndarray, np.ndarray, int]:
        """A parameter's values (as weights_copy gives them) and frozen mask, and the step."""
        locate(self.trainer, layer, param)  # names a layer or parameter that does not exist
        step = self.step
        values = self.weights_copy()[f"layer{layer}.{param}"]
        return values, self.trainer.frozen.mask((layer, param), values.shape), step

    def close(self) -> None:
        """Stop training and checkpoint (server shutdown): it comes back paused where it stopped."""
        with self._control:
            self._runner.stop()
            if self.status == "running":  # as a pause: the curve ends where training stopped
                self._set_status("paused")
                self._record_point()
            self._checkpoint()

    def republish(self) -> None:
        """Show the engine's current state after it was changed from outside (a restore)."""
        with self._control:
            self._publish_snapshot()
            self.state_version += 1

    # ---- internals ----
    @contextmanager
    def _engine_back(self) -> Iterator[bool]:
        """Take the engine state back from a running process for a change (under _control), and
        let training go on afterwards on the same process, whatever happened inside. Yields whether
        the session was playing (it may have stopped by itself just now)."""
        self._runner.stop(keep=True)
        was_running = self.running
        try:
            yield was_running
        finally:
            if was_running and self.running:
                self._resume()
            else:
                self._runner.release()

    def _resume(self) -> None:
        try:
            self._runner.start()
            self._sync_watch()
        except Exception as exc:  # no process could be had (shutdown): stop visibly, keep all
            logger.exception("session %s: training could not go on", self.id)
            self.error = not_resumed(exc, self._runner.pool)
            self._set_status("paused")
            self._checkpoint()

    def _apply_training(self, specs: Specs) -> None:
        apply_training_settings(self.trainer, self.data, self.specs, specs)
        self._steps_per_second = specs.training.steps_per_second
        self.specs = specs
        self.state_version += 1

    def _set_data(self, data: Dataset) -> None:
        self.data = data
        self._arrays = TrainingArrays.of(data)
        self._data_key = secrets.token_hex(8)  # tells an engine process whether it holds this data

    def _start_generation(self, keep_run: bool = False) -> None:
        """A new network for the views. `keep_run`: the trainer carries the old run's state (a bias
        switched), so the counters and the curve go on; the point at this step is taken again from
        the network as it is now, so the curve shows what the switch did."""
        self.generation += 1
        if keep_run:
            self.history.truncate_after(self.step - 1)
        else:
            self.step = 0
            self.epoch = 0
            self.history.clear()
        self._steps_per_second = self.specs.training.steps_per_second
        specs = self.specs
        self.views.new_generation(lambda: new_network(specs))
        layer_types = frozenset(layer.type_tag for layer in self.trainer.network.layers)
        self.views.set_network(self.data.info.kind, layer_types)
        self._record_point()
        self._publish_snapshot()
        self.state_version += 1

    def _set_status(self, status: SessionStatus) -> None:
        if status != self.status:
            self.status = status
            self.state_version += 1

    def _step_source(self, on: str, probe: ProbeRef | None) -> StepSource:
        if on != "probe":
            return StepSource("batch")
        if probe is None:
            raise coded(SessionError('a step on the probe needs "probe": {"split", "index"}'), "probe_needed")
        return StepSource("probe", probe_sample(self.data, probe.split, probe.index), (probe.split, probe.index))

    def _abandon_phase_step(self) -> None:
        if self._phases.last is not None:
            self._phases.abandon(self.trainer)
            self.state_version += 1

    def _manual_step(self, unit: str, source: StepSource) -> None:
        if self.status == "running":
            self._set_status("paused")
        if unit == "phase":
            result = self._phases.advance(self.trainer, self.step, self.epoch, source)
            self.state_version += 1  # the phase shown changed
            if result is None:
                return  # the step goes on with the next phase command; nothing is published yet
            self._take_result(result)
        elif source.on == "probe":
            self._take_result(self._phases.finish(self.trainer, self.step, self.epoch, source))
            self._phases.last = None  # a whole step: no phase to show
        else:
            while True:
                ended = self._train_one()
                if ended is None or unit == "batch" or ended:
                    break
        self._record_point()
        self._publish_snapshot()
        if self.status == "idle":
            self._set_status("paused")

    def _train_one(self) -> bool | None:
        """One optimizer step. Returns whether it ended an epoch, or None when training diverged."""
        return self._take_result(self.trainer.train_step())

    def _take_result(self, result: StepResult) -> bool | None:
        """Count a step that ended (whole or by phases); None when it diverged."""
        if result.diverged:
            self.divergence = divergence_at(self.step + 1, result.diverged)
            self._set_status("diverged")
            self._publish_snapshot()
            return None
        self.step += 1
        if result.epoch_ended:
            self.epoch = self.trainer.batches.epoch
        self.views.after_step(self.trainer, self.step, result, self._arrays)
        return result.epoch_ended

    # ---- the engine process ----
    def _start_message(self, data_key_held: str) -> Start:
        """What the runner sends to start training (called by it under _control)."""
        state = EngineState.of(self.trainer, self.step, self.epoch)
        self._last_engine_state = state
        watch = self._engine_watch.for_start(self._arrays)
        return Start(
            job=0,  # numbered by the runner
            specs=self.specs,
            data_key=self._data_key,
            data=None if data_key_held == self._data_key else self._arrays,
            state=state,
            pace=Pace(self._steps_per_second, self.snapshot_interval, MIN_POINT_INTERVAL, self.checkpoint_seconds),
            views=watch.views,
            probe=watch.probe,
            watched=watch.watched,
        )

    def _checkpoint(self, engine: EngineState | None = None) -> None:
        """Hand a copy to the writer: of the stopped trainer (only a holder of _control, or the
        runner's final report, may call this without `engine`), or of an engine state the process
        sent. Never raises: a failed copy is logged and training goes on (the next one tries again)."""
        if self._on_checkpoint is None:
            return
        try:
            self._on_checkpoint(capture(self, engine or self._phases.before))
        except Exception:
            logger.exception("session %s: checkpoint failed", self.id)

    def _record_point(self) -> None:
        t = self.trainer
        self.history.append(evaluate(t.network, t.loss, self._arrays, self.step, self.epoch))
