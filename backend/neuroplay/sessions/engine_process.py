"""The engine process: trains one session at a time for the server, outside the server's GIL.

Why a process: a training thread in the server shares the GIL with the event loop, and each of the
loop's wake-ups then costs training far more than the loop's own work (docs/decisions.md). Here one
thread does everything: it waits for a Start, trains flat out, and looks at its socket every
POLL_SECONDS for a Stop. (A second thread blocked on the socket would need the GIL to act on a Stop,
and a thread waiting for the GIL while NumPy keeps releasing and retaking it can wait for a tenth of
a second.) The process ends when the server's end of the socket closes, so a killed server leaves no
orphans.

Run by the server as `python -m neuroplay.sessions.engine_process <socket fd>`.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from multiprocessing.connection import Connection

from ..engine import Trainer
from ..engine.allocator import keep_freed_memory
from ..schemas.session import MetricPoint
from ..views.compute import collects_per_step, compute_engine_views, needs_probe
from ..views.context import Probe, ProbeNetwork, ViewContext
from ..views.registry import Record
from ..views.series import GradNormCollector, thin_batch_losses
from .build import TrainingArrays, make_trainer, new_network
from .engine_messages import Progress, Saved, Start, Stop, Stopped, Watch
from .engine_state import EngineState
from .scoring import ScoringSchedule
from .session_errors import engine_failed, engine_not_started

# How often a training loop looks for a Stop (a syscall: not at every step). py-spy of a digits CNN
# session: at 2 ms the polls were 1.3 % of the engine's time; at 5 ms a Stop waits 3 ms longer.
POLL_SECONDS = 0.005
SNAPSHOT_SHARE = 20  # weight snapshots take at most a twentieth of the training time
VIEWS_SHARE = 10  # ... and with engine views watched, snapshot and views at most a tenth
# With no view watched the reports only keep the server's counters, points and weight trail current:
# four a second do that (py-spy of an unwatched digits session: the display-rate sends were 0.8 % of
# the engine's time, against the 95 % it is to keep of the bare engine).
UNWATCHED_SNAPSHOT_SECONDS = 0.25
# While nobody watches the session at all, a metric point at most every half second (scoring.MAX_GAP:
# the history a later watcher sees stays as fine as the budget would ever make it), not at the
# display rate: the points the scoring budget allows cost an unwatched digits session 3 to 5 of the
# 95 % of the bare engine it is to keep (performance.md). A watcher with no view open still sees the
# loss curve grow, so it counts as watching (Watch.watched).
UNWATCHED_POINT_SECONDS = 0.5


def receive(conn: Connection) -> object:
    try:
        return conn.recv()
    except (EOFError, OSError):
        os._exit(0)  # the server is gone, and with it this process's purpose


class Job:
    """One Start: rebuilds the trainer, trains until stopped, reports as it goes."""

    def __init__(self, conn: Connection, start: Start, data: TrainingArrays) -> None:
        self.conn, self.start, self.data = conn, start, data
        self.trainer: Trainer = make_trainer(start.specs, new_network(start.specs), data)
        start.state.load_into(self.trainer)
        self.step, self.epoch = start.state.step, start.state.epoch
        self.points: list[MetricPoint] = []
        self.batch_losses: list[tuple[int, float]] = []  # since the last Progress; always kept
        self.probe_network = ProbeNetwork(lambda: new_network(start.specs))
        self.views: frozenset[str] = frozenset()
        self.report_soon = False  # a view has just been watched: report at the next step
        self.probe: Probe | None = None
        self.grad_norms: GradNormCollector | None = None  # collecting at every step while watched
        self.watch(start.views, start.probe, start.watched)

    def watch(self, views: frozenset[str], probe: tuple[str, int] | None, watched: bool) -> None:
        """Compute these views from now on (nothing at all when `views` is empty); score metric
        points at the display rate while anyone watches, else at most every half second."""
        interval = self.start.pace.point_interval  # anyone who opens a view watches (engine_watch.py)
        self.point_interval = interval if watched else max(interval, UNWATCHED_POINT_SECONDS)  # seconds, at least
        # The first view watched gets its report at once, not after an unwatched interval.
        self.report_soon = bool(views) and not self.views
        self.views = views
        data = self.data
        train, validation = (data.x_train, data.y_train), (data.x_val, data.y_val)
        self.probe = Probe.of(probe, train, validation) if needs_probe(views) else None
        if not collects_per_step(views):
            self.grad_norms = None
        elif self.grad_norms is None:
            self.grad_norms = GradNormCollector()

    def stop_requested(self, timeout: float = 0.0) -> bool:
        """Whether a Stop for this job arrived (waiting up to `timeout` for a message); a Watch is
        taken on the way."""
        conn, job = self.conn, self.start.job
        while conn.poll(timeout):
            message = receive(conn)
            if isinstance(message, Stop):
                if message.job == job:
                    return True
            elif isinstance(message, Watch):
                if message.job == job:
                    self.watch(message.views, message.probe, message.watched)
            else:  # the server waits for Stopped before it sends a Start
                print(f"engine process: unexpected {type(message).__name__} while training", file=sys.stderr)
            timeout = 0.0
        return False

    def progress(self) -> Progress:
        """The display-rate report: the watched engine views computed from what the last step
        cached (no extra pass), only those; nothing when nobody watches."""
        records: list[Record] = []
        computed: list[str] = []
        if self.views:
            series = self.grad_norms.take() if self.grad_norms is not None else None
            ctx = ViewContext(self.trainer, self.step, self.probe, self.probe_network, series, fresh_caches=True)
            records, computed = compute_engine_views(self.views, ctx)
        losses, self.batch_losses = self.batch_losses, []
        return Progress(
            self.step,
            self.trainer.batches.epoch,
            self.take_points(),
            self.trainer.network.get_weights(),
            records,
            tuple(computed),
            thin_batch_losses(losses),
        )

    def caches_are_the_last_steps(self) -> bool:
        """False right after an evaluation pass at this step overwrote the layers' caches (then
        the views wait one step rather than show evaluation data as the training batch's)."""
        return not (self.views and self.points and self.points[-1].step == self.step)

    def stopped(self, diverged: str | None = None) -> Stopped:
        losses, self.batch_losses = self.batch_losses, []
        return Stopped(self.state(), self.take_points(), diverged=diverged, batch_losses=thin_batch_losses(losses))

    def state(self) -> EngineState:
        return EngineState.of(self.trainer, self.step, self.epoch)

    def take_points(self) -> list[MetricPoint]:
        points, self.points = self.points, []
        return points

    def run(self) -> Stopped:
        """Train until stopped; returns the final report. The loop body is kept lean: at tens of
        microseconds per step, every attribute lookup shows in the speed."""
        pace, trainer, conn = self.start.pace, self.trainer, self.conn
        train_step, send, batch_losses = trainer.train_step, conn.send, self.batch_losses
        now = time.perf_counter()
        next_due, last_point, next_poll = now, now - self.point_interval, now + POLL_SECONDS
        next_snapshot, next_save = now + pace.snapshot_interval, now + pace.checkpoint_interval
        # Metric points within a budget of the work done (scoring.py); a paced loop idles, so its
        # budget runs on the wall clock.
        scoring = ScoringSchedule(self.data, time.perf_counter if pace.steps_per_second else time.process_time)
        while True:
            result = train_step()
            if result.diverged:
                return self.stopped(diverged=result.diverged)
            self.step += 1
            batch_losses.append((self.step, result.loss))
            if self.grad_norms is not None:
                self.grad_norms.add(self.step, trainer, result)
            now = time.perf_counter()
            if result.epoch_ended:
                self.epoch = trainer.batches.epoch
                if now - last_point >= self.point_interval:
                    point = scoring.take(trainer.network, trainer.loss, self.step, self.epoch)
                    if point is not None:
                        last_point = now
                        self.points.append(point)
            if now >= next_snapshot and self.caches_are_the_last_steps():
                cpu = time.thread_time()
                send(self.progress())
                batch_losses = self.batch_losses
                # A big network's weights take milliseconds to copy and send, and the views to
                # compute: space the snapshots out so they never take more than 1/SNAPSHOT_SHARE
                # (1/VIEWS_SHARE with views) of the work (CPU time: on a busy machine a preempted
                # send is not a costly one). Otherwise keep to the display rate's own schedule, so
                # a step's lateness does not add up frame after frame, but never two snapshots
                # within half an interval (no burst after a long pause).
                cost = (time.thread_time() - cpu) * (VIEWS_SHARE if self.views else SNAPSHOT_SHARE)
                interval = (
                    pace.snapshot_interval if self.views else max(pace.snapshot_interval, UNWATCHED_SNAPSHOT_SECONDS)
                )
                next_snapshot = max(next_snapshot + interval, now + max(cost, interval / 2))
            if now >= next_save:
                next_save = now + pace.checkpoint_interval
                send(Saved(self.state(), self.take_points()))
            if pace.steps_per_second:
                # An absolute schedule keeps the average rate right when single sleeps overshoot.
                next_due = max(next_due + 1.0 / pace.steps_per_second, now - 1.0)
                if self.stop_requested(max(0.0, next_due - now)):
                    break
            elif now >= next_poll:
                next_poll = now + POLL_SECONDS
                if self.stop_requested():
                    break
            else:
                continue
            if self.report_soon:  # a Watch was taken just now
                self.report_soon, next_snapshot = False, now
        return self.stopped()


def serve(conn: Connection) -> None:
    data_key, data = "", None
    while True:
        start = receive(conn)
        if not isinstance(start, Start):
            continue  # a Stop for a job that has already ended by itself
        if start.data is not None:
            data_key, data = start.data_key, start.data
        try:
            if data is None or data_key != start.data_key:
                raise RuntimeError("the engine process lacks this session's data")  # a server bug
            job = Job(conn, start, data)
        except Exception as exc:
            conn.send(Stopped(start.state, [], error=engine_not_started(exc)))
            continue
        try:
            report = job.run()
        except Exception as exc:  # a bug must pause the session visibly, with what it had reached
            report = Stopped(job.state(), job.take_points(), error=engine_failed(job.step + 1, exc))
        conn.send(report)


def main() -> None:
    # Ctrl-C in a terminal reaches the whole process group; the server stops us in order instead,
    # after taking back every session's state.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    keep_freed_memory()  # no page faults on every pass's fresh arrays (engine/allocator.py)
    serve(Connection(int(sys.argv[1])))


if __name__ == "__main__":
    main()
