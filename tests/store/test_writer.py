"""The background writer: latest checkpoint wins, flush and wait_for mean 'on disk', failures are
logged and do not stop it."""

from __future__ import annotations

import threading
from dataclasses import replace

from neuroplay.store import CheckpointWriter, Store

from .helpers import make_checkpoint


def test_the_latest_checkpoint_of_a_session_wins(database_url: str) -> None:
    store = Store(database_url)
    writer = CheckpointWriter(store)
    try:
        base = make_checkpoint()
        for step in range(200):
            writer.submit(replace(base, step=step))
        writer.submit(replace(base, id="other", step=7))
        writer.flush()
        assert store.load(base.id).step == 199
        assert store.load("other").step == 7
    finally:
        writer.close()
        store.close()


class GatedStore:
    """Saves only when the gate opens; refuses one id outright."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.gate = threading.Event()
        self.saved: list[tuple[str, int]] = []

    def save(self, cp) -> None:
        self.gate.wait(10)
        if cp.id == "broken":
            raise OSError("disk full")
        self.store.save(cp)
        self.saved.append((cp.id, cp.step))


def test_wait_for_returns_once_the_session_is_written_and_failures_do_not_stop_the_writer(database_url: str) -> None:
    real = Store(database_url)
    gated = GatedStore(real)
    writer = CheckpointWriter(gated)  # type: ignore[arg-type]
    try:
        base = make_checkpoint()
        writer.submit(replace(base, id="broken"))
        writer.submit(replace(base, step=1))
        writer.submit(replace(base, step=2))  # replaces step 1 while the writer waits at the gate
        done = threading.Event()
        threading.Thread(target=lambda: (writer.wait_for(base.id), done.set()), daemon=True).start()
        assert not done.wait(0.2)  # not written yet
        gated.gate.set()
        assert done.wait(10)
        assert real.load(base.id).step == 2
        assert (base.id, 1) not in gated.saved
        writer.flush()
        assert writer.failures == 1
        writer.submit(replace(base, step=3))  # still working after the failure
        writer.flush()
        assert real.load(base.id).step == 3
    finally:
        writer.close()
        real.close()


def test_close_writes_what_is_queued(database_url: str) -> None:
    store = Store(database_url)
    writer = CheckpointWriter(store)
    writer.submit(make_checkpoint(step=42))
    writer.close()
    assert store.load(make_checkpoint().id).step == 42
    store.close()
