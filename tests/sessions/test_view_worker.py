"""The view worker: one thread encodes every playing session's views, newest snapshot only, one
session's failure not stopping the others' (issue 12: the event loop no longer waits for the
interpreter lock behind a reader thread per session)."""

from __future__ import annotations

import threading

from neuroplay.sessions.view_worker import ViewWorker


def test_a_newer_job_replaces_one_not_started_and_keeps_its_place_in_line() -> None:
    worker = ViewWorker()
    gate, ran = threading.Event(), []
    try:
        worker.submit("blocker", gate.wait)  # holds the thread while the others queue up
        worker.submit("a", lambda: ran.append("a1"))
        worker.submit("b", lambda: ran.append("b1"))
        worker.submit("a", lambda: ran.append("a2"))  # a1 never runs; a still goes before b
        gate.set()
        assert worker.idle()
        assert ran == ["a2", "b1"]
    finally:
        worker.close()


def test_every_job_runs_on_the_one_worker_thread_and_a_failing_one_stops_nothing() -> None:
    worker = ViewWorker()
    threads: set[str] = set()

    def boom() -> None:
        raise RuntimeError("a view that cannot be computed")

    try:
        for i in range(20):
            worker.submit(("fails", i), boom)
            worker.submit(i, lambda: threads.add(threading.current_thread().name))
        assert worker.idle()
        assert threads == {"view-worker"}
    finally:
        worker.close()


def test_after_close_nothing_more_runs() -> None:
    worker = ViewWorker()
    ran: list[int] = []
    worker.submit(1, lambda: ran.append(1))
    assert worker.idle()
    worker.close()
    worker.submit(2, lambda: ran.append(2))
    assert ran == [1]
