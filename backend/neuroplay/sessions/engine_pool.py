"""Engine processes for the server: one per training session, with warm spares so play is instant.

A process takes about a third of a second to start (importing NumPy and the engine); the pool keeps
`spares` started and idle, hands one to each session that starts training and takes it back when the
session stops. It keeps one more idle process than `spares`, so a learner toggling play and pause
gets the same process back (which still holds the session's data) instead of a new one each time;
processes beyond that are ended. Owned by the SessionManager.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection

from .engine_messages import Start, Stop, Watch

logger = logging.getLogger(__name__)

# BLAS threads per engine process. Measured (benchmarks/bench_threads.py, docs/decisions.md): with
# OpenBLAS's default of one thread per core, a small matmul-bound network fell to a twelfth of its
# speed as soon as the other core was busy, while one thread gave up at most a fifth on a CNN alone.
# Sessions are processes, so the cores are used by running several of them, not by splitting one.
ENGINE_THREADS = 1
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# How much nicer (lower CPU priority) than the server an engine process runs. Training is the batch
# work and the event loop the interactive one: with 33 processes training flat out on 2 cores at the
# server's own priority, the loop waited seconds for a core (issue 12). Measured with
# benchmarks/bench_load.py (docs/performance.md, docs/decisions.md). Alone on the machine an engine
# still gets every idle cycle: niceness only matters when something else wants the core.
ENGINE_NICE = 10

Listener = Callable[[object], None]  # receives every message of the current job, on the reader thread


class EngineGone(Exception):
    """The engine process ended (killed, crashed) while it had a job; given to the listener."""

    def __init__(self, exit_code: int | None) -> None:
        super().__init__(f"the engine process ended unexpectedly (exit code {exit_code})")
        self.exit_code = exit_code


def lower_priority(pid: int, nice: int) -> None:
    """Run process `pid` `nice` steps nicer than this one (never nicer than 19, the least priority).
    Set from here rather than in the child, so it holds from its first import on; a failure (a
    sandbox that forbids it) only costs priority, so it is logged, not raised."""
    if nice <= 0:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))
    except OSError as exc:
        logger.warning("engine %s: could not lower its priority: %s", pid, exc)


def set_idle_class(pid: int, idle: bool) -> None:
    """Put process `pid` in Linux's SCHED_IDLE class (only cycles no normal process wants; any
    process may choose it for its children) or back in the normal one (allowed to the same user
    within RLIMIT_NICE; a refusal is logged: it only costs training speed)."""
    if not hasattr(os, "SCHED_IDLE"):
        return
    try:
        os.sched_setscheduler(pid, os.SCHED_IDLE if idle else os.SCHED_OTHER, os.sched_param(0))
    except OSError as exc:
        logger.warning("engine %s: could not change its scheduling class: %s", pid, exc)


class EngineWorker:
    """One engine process, its socket and the thread that reads it."""

    def __init__(self, threads: int = ENGINE_THREADS, nice: int = ENGINE_NICE) -> None:
        ours, theirs = socket.socketpair()
        # In the environment, so the BLAS library reads it when NumPy loads it, before any thread starts.
        env = os.environ | dict.fromkeys(THREAD_VARIABLES, str(threads))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "neuroplay.sessions.engine_process", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            env=env,
            # A process group of its own, so terminal signals go to the server, which stops us in
            # order; but not a session of its own: Linux's autogroup scheduler puts every session
            # in a group with an equal share of the CPU, where the nice level below counts only
            # inside the group. Engines in the server's session (its autogroup) really yield to it.
            process_group=0,
        )
        theirs.close()
        lower_priority(self.process.pid, nice)
        self.conn = Connection(ours.detach())
        self.data_key = ""  # the data the process holds (it keeps the last it was sent)
        self._job_ids = itertools.count(1)
        self._listener: Listener | None = None
        self._gone: EngineGone | None = None  # set when the process has ended
        self._lock = threading.Lock()  # guards _listener and _gone
        self._send_lock = threading.Lock()  # one message at a time on the socket
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"engine-{self.process.pid}")
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.conn.closed

    def new_job_id(self) -> int:
        """Jobs are numbered per process, so a late Stop can never stop somebody else's job."""
        return next(self._job_ids)

    def start(self, message: Start, listener: Listener) -> None:
        """Send a job; its messages go to `listener`. Raises only if the message cannot be pickled
        (then nothing was sent). A dead process is not an error here: the listener gets EngineGone
        (from the reader thread, or from here if the reader already ended)."""
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._listener, gone = listener, self._gone
        if gone is not None:
            listener(gone)
            return
        if self._send(payload):
            self.data_key = message.data_key

    def stop(self, job: int) -> None:
        """Ask job `job` to stop; its Stopped message reaches the listener. (A job that has already
        ended, or another job, is not touched.)"""
        self._send(pickle.dumps(Stop(job)))

    def tell(self, message: Watch) -> None:
        """Tell the running job something mid-run (which views are watched); a job that has ended
        ignores it."""
        self._send(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def release(self) -> None:
        """The listener's job is over: later messages (none are expected) are dropped."""
        with self._lock:
            self._listener = None

    def kill(self) -> None:
        """End the process at once; the reader thread then reports EngineGone."""
        with contextlib.suppress(OSError):
            self.process.kill()

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

    def _send(self, payload: bytes) -> bool:
        try:
            with self._send_lock:
                self.conn.send_bytes(payload)
            return True
        except OSError:
            return False  # the process is gone: the reader thread sees end-of-file and reports it

    def _read(self) -> None:
        while True:
            try:
                message: object = self.conn.recv()
            except (EOFError, OSError):
                message = EngineGone(self.process.wait())
            except Exception:
                # Not a message we understand (a bug, or a process from other code): the stream can
                # no longer be trusted, so the process ends and its job with it.
                logger.exception("engine %s sent something unreadable; ending it", self.pid)
                self.kill()
                message = EngineGone(self.process.wait())
            ended = isinstance(message, EngineGone)
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


class PoolClosed(RuntimeError):
    """The server is shutting down: no process is handed out any more."""


class EnginePool:
    def __init__(
        self,
        spares: int = 1,
        max_busy: int = 32,
        threads: int = ENGINE_THREADS,
        nice: int = ENGINE_NICE,
        idle_when_crowded: bool = True,
        cores: int | None = None,
    ) -> None:
        """`idle_when_crowded`: while at least `cores` (the machine's) processes train, they all
        train in SCHED_IDLE (set_idle_class), so the server's loop never waits behind them; with
        fewer, each has a core and runs at `nice` alone, at full speed (docs/decisions.md)."""
        self.spares = spares
        self.max_busy = max_busy
        self.threads = threads
        self.nice = nice
        self.idle_when_crowded = idle_when_crowded
        self.cores = cores or os.cpu_count() or 1
        self._crowded = False  # whether the busy processes are in SCHED_IDLE now
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

    @property
    def busy_count(self) -> int:
        """Processes handed out and not given back (diagnostics and tests)."""
        with self._lock:
            return len(self._busy)

    def acquire(self) -> EngineWorker:
        """An idle process (started now if there is none), and a new spare started behind it."""
        with self._lock:
            if self._closed:
                raise PoolClosed("the server is shutting down")
            if len(self._busy) >= self.max_busy:
                raise PoolFull(
                    f"this server trains at most {self.max_busy} sessions at once and that many are "
                    "training; pause one of them or try again later"
                )
            dead = [worker for worker in self._idle if not worker.alive]
            self._idle = [worker for worker in self._idle if worker.alive]
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = EngineWorker(self.threads, self.nice)
            self._busy.add(worker)
            if self._crowded:
                set_idle_class(worker.pid, True)  # it joins the crowd
            self._reclass()
        self._close_in_background(dead)
        threading.Thread(target=self._top_up, daemon=True, name="engine-spares").start()
        return worker

    def release(self, worker: EngineWorker) -> None:
        """Take a process back (fast: one that is not kept is ended in the background)."""
        worker.release()
        with self._lock:
            self._busy.discard(worker)
            if self._crowded and worker.alive:
                set_idle_class(worker.pid, False)  # a spare starts its next job as any other
            self._reclass()
            keep = worker.alive and not self._closed and len(self._idle) <= self.spares
            if keep:
                self._idle.append(worker)
        if not keep:
            self._close_in_background([worker])

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
            worker = EngineWorker(self.threads, self.nice)  # outside the lock: starting takes milliseconds
            with self._lock:
                if not self._closed:
                    self._idle.append(worker)
                    continue
            worker.close()
            return

    def _reclass(self) -> None:
        """Under the lock: move every busy process into SCHED_IDLE when they fill the cores, and
        back out when they no longer do."""
        crowded = self.idle_when_crowded and len(self._busy) >= self.cores
        if crowded == self._crowded:
            return
        self._crowded = crowded
        for worker in self._busy:
            if worker.alive:
                set_idle_class(worker.pid, crowded)

    @property
    def crowded(self) -> bool:
        """Whether the training processes are in SCHED_IDLE now (diagnostics and tests)."""
        with self._lock:
            return self._crowded

    @staticmethod
    def _close_in_background(workers: list[EngineWorker]) -> None:
        if workers:

            def close_all() -> None:
                for worker in workers:
                    worker.close()

            threading.Thread(target=close_all, daemon=True, name="engine-close").start()
