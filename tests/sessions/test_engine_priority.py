"""Engine processes train at a lower CPU priority than the server, so a server whose sessions all
train still answers at once (issue 12)."""

from __future__ import annotations

import os

from neuroplay.sessions.engine_pool import EnginePool


def test_engine_processes_run_nicer_than_the_server_by_the_setting() -> None:
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    for nice in (0, 7):
        pool = EnginePool(spares=1, nice=nice)
        try:
            worker = pool.acquire()
            assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, ours + nice)
            pool.release(worker)
        finally:
            pool.close()


def autogroup(pid: int) -> str:
    """The scheduler group a process is in ("/autogroup-85 nice 0" names it), or "" without one.

    Where the kernel has autogroup off the file can exist and read empty (CI's machine does)."""
    try:
        with open(f"/proc/{pid}/autogroup") as f:
            words = f.read().split()
    except OSError:
        return ""
    return words[0] if words else ""


def test_engine_processes_share_the_servers_scheduler_group_so_their_niceness_counts() -> None:
    # With Linux's autogroup scheduling, a process in a session of its own gets a share of the CPU
    # equal to the server's whatever its nice level: 32 engines would leave the server a 33rd.
    pool = EnginePool(spares=1, nice=7)
    try:
        worker = pool.acquire()
        # The session decides the autogroup, so this holds whether or not the kernel groups by it.
        assert os.getsid(worker.pid) == os.getsid(0)
        assert autogroup(worker.pid) == autogroup(os.getpid())
        assert os.getpgid(worker.pid) == worker.pid  # its own process group: no terminal signals
        pool.release(worker)
    finally:
        pool.close()


def test_engine_processes_can_train_in_the_idle_scheduling_class() -> None:
    # SCHED_IDLE: only cycles no normal process wants, so the server's loop never waits behind them.
    pool = EnginePool(spares=1, nice=0, idle=True)
    try:
        worker = pool.acquire()
        assert os.sched_getscheduler(worker.pid) == os.SCHED_IDLE
        pool.release(worker)
    finally:
        pool.close()
    pool = EnginePool(spares=1, nice=0, idle=False)
    try:
        worker = pool.acquire()
        assert os.sched_getscheduler(worker.pid) == os.SCHED_OTHER
        pool.release(worker)
    finally:
        pool.close()
