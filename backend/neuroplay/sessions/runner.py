"""Trains a session in an engine process while it plays (see engine_process.py for why a process).

`start` hands the session's engine state to a process from the pool; `stop` asks for it back and
returns once the session holds it again. Between the two, the process's messages (progress, periodic
saves, the final report, or its death) reach `on_message` on the worker's reader thread. Every job
ends with exactly one final message (Stopped or EngineGone), and `stop` and `start` both wait until a
job's final message has been handled, so the session is never changed while that report lands.

`stop(keep=True)` keeps the process for the next `start` (a change to a running session: the same
process goes on, so the server's limit of training processes cannot refuse it half-way).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .engine_messages import Start, Stopped, Watch
from .engine_pool import EngineGone, EnginePool, EngineWorker

logger = logging.getLogger(__name__)

# A step in progress ends within this long even for the largest network the server accepts; a
# process that has not answered a Stop by then is killed (its session goes back to its last save).
STOP_SECONDS = 30.0


@dataclass
class Job:
    id: int
    worker: EngineWorker
    done: threading.Event = field(default_factory=threading.Event)  # its final message was handled
    finishing: bool = False  # its final message arrived and is being handled
    keep: bool = False  # hand the process back to the runner, not the pool


class Runner:
    def __init__(
        self,
        pool: EnginePool,
        make_start: Callable[[str], Start],
        on_message: Callable[[object], None],
    ) -> None:
        """`make_start(data_key_the_process_holds)` builds the Start message (its job number is
        filled in here); `on_message` gets every message of a job, the final one last."""
        self.pool = pool
        self.make_start = make_start
        self.on_message = on_message
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._held: EngineWorker | None = None  # kept by stop(keep=True) for the next start

    @property
    def alive(self) -> bool:
        """A job is in progress, or its final report is being handled."""
        return self._job is not None

    @property
    def pid(self) -> int | None:
        """The engine process training now (tests and diagnostics)."""
        job = self._job
        return job.worker.pid if job is not None else None

    def start(self) -> None:
        """Start training (nothing happens if a job is in progress). Raises PoolFull when the server
        trains as many sessions as it allows."""
        self.settle()
        with self._lock:
            if self._job is not None:
                return
            worker, self._held = self._held, None
        if worker is not None and not worker.alive:
            self.pool.release(worker)
            worker = None
        worker = worker or self.pool.acquire()
        job = Job(worker.new_job_id(), worker)
        try:
            message = replace(self.make_start(worker.data_key), job=job.id)
            with self._lock:
                self._job = job
            worker.start(message, lambda m: self._receive(job, m))
        except BaseException:  # nothing was sent (e.g. the message would not pickle)
            with self._lock:
                self._job = None
            self.pool.release(worker)
            raise

    def stop(self, keep: bool = False) -> None:
        """Ask the process to stop and wait until its final report was handled (milliseconds: the
        step in progress, then the state travels back). With `keep`, the process stays reserved for
        the next `start`; call `release` if there is none."""
        with self._lock:
            job = self._job
            if job is not None:
                job.keep = keep
                ask = not job.finishing
        if job is None:
            if not keep:
                self.release()
            return
        if ask:
            job.worker.stop(job.id)
        if not job.done.wait(STOP_SECONDS):
            logger.error("engine %s did not stop within %.0f s; killing it", job.worker.pid, STOP_SECONDS)
            job.worker.kill()  # its reader thread reports EngineGone, which ends the job
            job.done.wait()
        if not keep:
            self.release()

    def watch(self, views: frozenset[str], probe: tuple[str, int] | None, watched: bool) -> bool:
        """Tell the job in progress which views are watched now, and whether anyone watches (no
        restart). False if none runs: the next Start carries them."""
        with self._lock:
            job = self._job
            if job is None or job.finishing:
                return False
        job.worker.tell(Watch(job.id, views, probe, watched))
        return True

    def release(self) -> None:
        """Give back a process kept by stop(keep=True)."""
        with self._lock:
            worker, self._held = self._held, None
        if worker is not None:
            self.pool.release(worker)

    def settle(self) -> None:
        """Wait for a job whose final message is being handled (one in progress is left alone)."""
        with self._lock:
            job = self._job
        if job is not None and job.finishing:
            job.done.wait()

    def _receive(self, job: Job, message: object) -> None:
        if not isinstance(message, (Stopped, EngineGone)):
            self.on_message(message)
            return
        with self._lock:
            job.finishing = True
        try:
            self.on_message(message)
        finally:
            with self._lock:
                self._job = None
                keep = job.keep and isinstance(message, Stopped) and job.worker.alive
                if keep:
                    self._held = job.worker
            if not keep:
                self.pool.release(job.worker)  # before waking waiters: its slot is free for them
            job.done.set()
