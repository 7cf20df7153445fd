"""Trains a session in an engine process while it plays (see engine_process.py for why a process).

`start` hands the session's engine state to a process from the pool; `stop` asks for it back and
returns once the session holds it again. Between the two, the process's messages (progress, periodic
saves, the final report, or its death) reach `on_message` on the worker's reader thread.
"""
from __future__ import annotations

import threading
from typing import Callable

from .engine_messages import Start, Stopped
from .engine_pool import EngineGone, EnginePool, EngineWorker


class Runner:
    def __init__(
        self,
        pool: EnginePool,
        make_start: Callable[[str], Start],
        on_message: Callable[[object], None],
    ) -> None:
        """`make_start(data_key_the_process_holds)` builds the Start message; `on_message` gets every
        message of the job, the final Stopped or EngineGone last (the runner is not alive after it)."""
        self.pool = pool
        self.make_start = make_start
        self.on_message = on_message
        self._worker: EngineWorker | None = None
        self._done = threading.Event()

    @property
    def alive(self) -> bool:
        return self._worker is not None

    @property
    def pid(self) -> int | None:
        """The engine process training now (tests and diagnostics)."""
        worker = self._worker
        return worker.pid if worker is not None else None

    def start(self) -> None:
        if self._worker is not None:
            return
        worker = self.pool.acquire()
        try:
            message = self.make_start(worker.data_key)
        except BaseException:
            self.pool.release(worker)
            raise
        self._done = threading.Event()
        self._worker = worker
        worker.start(message, self._receive)  # a dead process is reported to _receive as EngineGone

    def stop(self) -> None:
        """Ask the process to stop and wait until its final report was handled (milliseconds: the
        step in progress, then the state travels back)."""
        worker, done = self._worker, self._done
        if worker is None:
            return
        worker.stop()
        done.wait()

    def _receive(self, message: object) -> None:
        final = isinstance(message, (Stopped, EngineGone))
        try:
            self.on_message(message)
        finally:
            if final:
                # Waiters go on first; giving the process back may take a while (it may be ended).
                worker, self._worker = self._worker, None
                self._done.set()
                if worker is not None:
                    self.pool.release(worker)
