"""One background thread that writes checkpoints, so training never waits for the disk.

Each session has one slot: a newer checkpoint replaces one not yet written (latest wins), so a slow
disk costs intermediate checkpoints, never memory or training speed. `wait_for` and `flush` let a
caller that needs the row on disk (a load after eviction, shutdown) wait for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .checkpoint import Checkpoint
from .store import Store

logger = logging.getLogger(__name__)


class CheckpointWriter:
    def __init__(self, store: Store, on_result: Callable[[str, Exception | None], None] | None = None) -> None:
        """`on_result(session_id, error)` is called after every write (error None when it worked), on
        the writer's thread, so the server can tell a session's users that saving fails and when it
        works again."""
        self.store = store
        self.on_result = on_result
        self.failures = 0  # checkpoints that could not be written (each is logged)
        self._pending: dict[str, Checkpoint] = {}
        self._writing: str | None = None
        self._writing_checkpoint: Checkpoint | None = None
        self._closing = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="checkpoint-writer")
        self._thread.start()

    def submit(self, checkpoint: Checkpoint) -> None:
        """Queue a checkpoint (cheap: a dict assignment under a lock); replaces an unwritten older one."""
        with self._changed:
            if self._closing:
                raise RuntimeError("the checkpoint writer is closed")
            self._pending[checkpoint.id] = checkpoint
            self._changed.notify_all()

    def unwritten(self) -> list[Checkpoint]:
        """The checkpoints queued or being written (what the disk does not say yet)."""
        with self._changed:
            return list(self._pending.values()) + ([self._writing_checkpoint] if self._writing_checkpoint else [])

    def wait_for(self, session_id: str) -> None:
        """Return once no checkpoint of this session is queued or being written."""
        with self._changed:
            self._changed.wait_for(lambda: session_id not in self._pending and self._writing != session_id)

    def flush(self) -> None:
        """Return once everything submitted so far is written (or failed and was logged)."""
        with self._changed:
            self._changed.wait_for(lambda: not self._pending and self._writing is None)

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closing)
                if not self._pending:
                    return  # closing and nothing left
                session_id = next(iter(self._pending))
                checkpoint = self._pending.pop(session_id)
                self._writing = session_id
                self._writing_checkpoint = checkpoint
            error: Exception | None = None
            try:
                self.store.save(checkpoint)
            except Exception as exc:
                # Keep going: the next checkpoint of this session will try again.
                error = exc
                self.failures += 1
                logger.exception("could not save a checkpoint of session %s", session_id)
            try:
                if self.on_result is not None:
                    self.on_result(session_id, error)
            except Exception:
                logger.exception("reporting a checkpoint result failed")
            finally:
                with self._changed:
                    self._writing = None
                    self._writing_checkpoint = None
                    self._changed.notify_all()
