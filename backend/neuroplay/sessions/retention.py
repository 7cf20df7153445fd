"""The retention sweep: sessions nobody has opened for `retention_days`, that are not running, not
watched and not the source of a fork that still exists, are deleted with their checkpoint (the row)
and, through the upload collection, the uploaded files only they used. A note stays behind so their
link answers 410 with when and why instead of a bare 404. Off by default (retention_days = 0).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from ..store.checkpoint import utc_now

logger = logging.getLogger(__name__)


class RetentionSweep:
    """A daemon thread calling `sweep` every `interval` seconds until `stop`."""

    def __init__(self, sweep: Callable[[], list[str]], interval: float) -> None:
        self._sweep = sweep
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention-sweep", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                deleted = self._sweep()
                if deleted:
                    logger.info("retention: deleted %d unused sessions", len(deleted))
            except Exception:  # a failing sweep (database busy, say) tries again next time
                logger.exception("retention sweep failed")

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)


def retention_reason(days: float) -> str:
    return f"it was not opened for {days:g} days (this server's retention policy)"


def unused_since(days: float) -> datetime:
    return utc_now() - timedelta(days=days)
