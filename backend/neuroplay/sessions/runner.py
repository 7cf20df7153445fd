"""The thread that steps a session's engine while it plays, with an optional speed limit."""
from __future__ import annotations

import threading
import time
from typing import Callable


# Hand the GIL to other threads at least this often. A thread that wants the GIL (the event loop,
# after every wake-up) otherwise waits for Python's 5 ms switch interval, and while it waits every
# GIL release inside NumPy wakes it in vain: measured, that cost the training thread a fifth to a
# third of its speed (docs/decisions.md). A voluntary yield every 2 ms costs almost nothing.
YIELD_SECONDS = 0.002


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
        next_due = last_yield = time.perf_counter()
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
                next_due = now = time.perf_counter()
                if now - last_yield >= YIELD_SECONDS:
                    time.sleep(0)
                    last_yield = now
