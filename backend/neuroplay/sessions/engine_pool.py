"""Engine processes for the server: one per training session, with warm spares so play is instant.

A process takes about a third of a second to start (importing NumPy and the engine); the pool keeps
`spares` started and idle, hands one to each session that starts training and takes it back when the
session stops. It keeps one more idle process than `spares`, so a learner toggling play and pause
gets the same process back (which still holds the session's data) instead of a new one each time;
processes beyond that are ended. Owned by the SessionManager.
"""
from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Callable

from .engine_messages import Start, Stop

logger = logging.getLogger(__name__)

Listener = Callable[[object], None]  # receives every message of the current job, on the reader thread


class EngineGone(Exception):
    """The engine process ended (killed, crashed) while it had a job; given to the listener."""

    def __init__(self, exit_code: int | None) -> None:
        super().__init__(f"the engine process ended unexpectedly (exit code {exit_code})")
        self.exit_code = exit_code


class EngineWorker:
    """One engine process, its socket and the thread that reads it."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "neuroplay.sessions.engine_process", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            start_new_session=True,  # terminal signals go to the server, which stops us in order
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.data_key = ""  # the data the process holds (it keeps the last it was sent)
        self._listener: Listener | None = None
        self._gone: EngineGone | None = None  # set when the process has ended
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"engine-{self.process.pid}")
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.conn.closed

    def start(self, message: Start, listener: Listener) -> None:
        """Send a job; its messages go to `listener`. Never raises for a dead process: the listener
        then gets EngineGone (from the reader thread, or from here if the reader already ended)."""
        with self._lock:
            self._listener, gone = listener, self._gone
        if gone is not None:
            listener(gone)
            return
        try:
            self.conn.send(message)
            self.data_key = message.data_key
        except OSError:
            pass  # the reader thread sees end-of-file and reports EngineGone

    def stop(self) -> None:
        """Ask the job to stop; its Stopped message reaches the listener."""
        try:
            self.conn.send(Stop())
        except OSError:
            pass  # already gone: the reader reports that

    def release(self) -> None:
        """The listener's job is over: later messages (none are expected) are dropped."""
        with self._lock:
            self._listener = None

    def close(self) -> None:
        """End the process: it sees end-of-file and exits. Shut the socket down rather than only
        closing it: our reader thread is blocked reading it, which keeps a plain close from acting."""
        try:
            with socket.fromfd(self.conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as duplicate:
                duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if threading.current_thread() is not self._reader:  # (a job's last message may end it)
            self._reader.join(timeout=5)
        self.conn.close()

    def _read(self) -> None:
        while True:
            try:
                message: object = self.conn.recv()
            except (EOFError, OSError):
                code = self.process.wait()
                message = EngineGone(code)
                ended = True
            else:
                ended = False
            with self._lock:
                listener = self._listener
                if ended:
                    self._gone = message  # type: ignore[assignment]
            if listener is not None:
                try:
                    listener(message)
                except Exception:
                    logger.exception("engine %s: a message could not be handled", self.pid)
            if ended:
                return


class PoolFull(RuntimeError):
    """As many sessions train as the server allows (each one is a process with its own memory)."""


class EnginePool:
    def __init__(self, spares: int = 1, max_busy: int = 32) -> None:
        self.spares = spares
        self.max_busy = max_busy
        self._idle: list[EngineWorker] = []
        self._busy: set[EngineWorker] = set()
        self._closed = False
        self._lock = threading.Lock()
        self._top_up()

    @property
    def idle_pids(self) -> list[int]:
        """Processes started and waiting for a job (diagnostics and tests)."""
        with self._lock:
            return [worker.pid for worker in self._idle]

    def acquire(self) -> EngineWorker:
        """An idle process (started now if there is none), and a new spare started behind it."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the server is shutting down")
            if len(self._busy) >= self.max_busy:
                raise PoolFull(
                    f"this server trains at most {self.max_busy} sessions at once and that many are "
                    "training; pause one of them or try again later"
                )
            while self._idle and not self._idle[-1].alive:
                self._idle.pop().close()
            worker = self._idle.pop() if self._idle else EngineWorker()
            self._busy.add(worker)
        threading.Thread(target=self._top_up, daemon=True, name="engine-spares").start()
        return worker

    def release(self, worker: EngineWorker) -> None:
        worker.release()
        with self._lock:
            self._busy.discard(worker)
            keep = worker.alive and not self._closed and len(self._idle) <= self.spares
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.close()

    def close(self) -> None:
        """End every process (call after every session has stopped training)."""
        with self._lock:
            self._closed = True
            workers = self._idle + list(self._busy)
            self._idle, self._busy = [], set()
        for worker in workers:
            worker.close()

    def _top_up(self) -> None:
        while True:
            with self._lock:
                if self._closed or len(self._idle) >= self.spares:
                    return
                self._idle.append(EngineWorker())
