"""Engine processes start with the BLAS thread count the pool is given (1 by default): read off the
running process, after NumPy has loaded its BLAS library."""

from __future__ import annotations

from pathlib import Path

import pytest

from neuroplay.sessions.engine_pool import EnginePool

from ..api.helpers import wait_for


def blas_loaded(pid: int) -> bool:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return "openblas" in maps.lower() and "_multiarray_umath" in maps


def threads_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))


@pytest.mark.parametrize("threads", [None, 2], ids=["the default", "two"])
def test_an_engine_process_runs_the_blas_threads_it_was_given(threads: int | None) -> None:
    pool = EnginePool(spares=1) if threads is None else EnginePool(spares=1, threads=threads)
    threads = threads or 1  # the server's policy: one BLAS thread per engine process
    try:
        wait_for(lambda: len(pool.idle_pids) == 1, timeout=15, what="a spare engine process")
        pid = pool.idle_pids[0]
        wait_for(lambda: blas_loaded(pid), timeout=15, what="NumPy's BLAS library in the engine process")
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"OPENBLAS_NUM_THREADS={threads}".encode() in environ
        # OpenBLAS starts its threads when it loads; the process itself has one (it polls its socket).
        wait_for(lambda: threads_of(pid) == threads, timeout=5, what=f"{threads} threads in the engine process")
    finally:
        pool.close()
