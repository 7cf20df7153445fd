"""The thread that steps a session's engine while it plays, with an optional speed limit."""
from __future__ import annotations

import threading
import time
from typing import Callable


class Runner:
    """Calls `work()` in a loop on its own thread until `work` returns False or `stop()` is called.

    `steps_per_second` (None = flat out) may be changed while it runs; pacing uses an absolute
    schedule so the average rate is right even when single sleeps overshoot.
    """

    def __init__(self, work: Callable[[], bool]) -> None:
        self.work = work
        self.steps_per_second: float | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.alive:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(self._stop,), daemon=True, name="runner")
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to end and wait for it; it ends after the step in progress (milliseconds)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._thread = None

    def _loop(self, stop: threading.Event) -> None:
        next_due = time.perf_counter()
        while not stop.is_set():
            if not self.work():
                return
            rate = self.steps_per_second
            if rate:
                next_due = max(next_due + 1.0 / rate, time.perf_counter() - 1.0)
                delay = next_due - time.perf_counter()
                if delay > 0 and stop.wait(delay):
                    return
            else:
                next_due = time.perf_counter()
