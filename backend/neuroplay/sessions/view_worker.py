"""One thread that encodes the views of every playing session, newest snapshot only.

Without it each engine process's reader thread computed its session's views (the boundary and the
neuron maps are a forward pass of the whole grid) as each snapshot arrived: 32 playing sessions
were 32 threads taking turns at the interpreter lock with the event loop, which then waited for it
for up to seconds (issue 12), and a reader busy with views was late reading the engine's next
report. Here the readers hand the work over and go back to reading; the work is latest-wins per
session (a snapshot not yet encoded when a newer one arrives is dropped, as the hub would drop its
frame), and at most this one thread computes views, whatever the number of sessions. Owned by the
SessionManager; sessions made without one compute on the reader thread as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

Job = Callable[[], None]


class ViewWorker:
    def __init__(self) -> None:
        self._pending: dict[object, Job] = {}  # key (a session) -> its newest job, oldest key first
        self._wake = threading.Condition()
        self._closed = False
        self._busy = False  # a job is running (idle() waits for it too)
        self._thread: threading.Thread | None = None

    def submit(self, key: object, job: Job) -> None:
        """Run `job` soon, instead of any job of `key` not yet started (it keeps its place in line,
        so a session that reports often does not starve the others)."""
        with self._wake:
            if self._closed:
                return
            self._pending[key] = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="view-worker")
                self._thread.start()
            self._wake.notify()

    def idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is pending (tests, and a shutdown that wants the last frames out)."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._pending and not self._busy, timeout)

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._pending.clear()
            self._wake.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._busy = False
                self._wake.notify_all()  # for idle()
                self._wake.wait_for(lambda: self._pending or self._closed)
                if self._closed:
                    return
                key = next(iter(self._pending))
                job = self._pending.pop(key)
                self._busy = True
            try:
                job()
            except Exception:
                logger.exception("a session's views could not be computed")
