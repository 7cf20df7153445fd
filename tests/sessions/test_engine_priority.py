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


def test_engines_that_fill_the_cores_train_in_the_idle_class_and_leave_it_when_they_do_not() -> None:
    # SCHED_IDLE: only cycles no normal process wants, so the server's loop never waits behind a
    # crowd of engines; fewer engines than cores each have one and run normally, at full speed.
    pool = EnginePool(spares=0, nice=0, cores=2)
    try:
        first = pool.acquire()
        assert os.sched_getscheduler(first.pid) == os.SCHED_OTHER and not pool.crowded
        second = pool.acquire()
        assert pool.crowded
        assert os.sched_getscheduler(first.pid) == os.sched_getscheduler(second.pid) == os.SCHED_IDLE
        third = pool.acquire()  # joins the crowd
        assert os.sched_getscheduler(third.pid) == os.SCHED_IDLE
        pool.release(third)
        pool.release(second)
        assert not pool.crowded and os.sched_getscheduler(first.pid) == os.SCHED_OTHER
        pool.release(first)
    finally:
        pool.close()
    pool = EnginePool(spares=0, nice=0, idle_when_crowded=False, cores=1)
    try:
        worker = pool.acquire()
        assert os.sched_getscheduler(worker.pid) == os.SCHED_OTHER and not pool.crowded
        pool.release(worker)
    finally:
        pool.close()
