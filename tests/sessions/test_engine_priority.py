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
