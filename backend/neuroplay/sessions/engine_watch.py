"""Keeps a training engine process told which views are watched, without a restart.

The hub changes what is watched from the event loop while the runner starts jobs under the
session's control lock; one lock here orders both, so the process always ends up with the newest
watch and nothing is sent twice.

Views may be watched from several sources: the local hub ("local") and, in a cluster, the watchers
of other nodes (cluster/live_publisher.py, one source per node). Each source keeps its own set; the
session computes their union, so one node closing a view never closes it for another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..schemas.stream import ViewName
from .build import TrainingArrays
from .session_views import ProbeKey, SessionViews

EngineWatch = tuple[frozenset[str], ProbeKey | None]


class EngineWatchSync:
    def __init__(self, views: SessionViews) -> None:
        self._views = views
        self._lock = threading.Lock()
        self._sent: EngineWatch | None = None  # what the engine process has
        self._by_source: dict[str, frozenset[ViewName]] = {}  # the views each source watches

    def for_start(self, arrays: TrainingArrays) -> EngineWatch:
        """The watch a new job starts with (it counts as sent)."""
        with self._lock:
            self._sent = self._views.engine_watch(arrays)
            return self._sent

    def watch(
        self, views: frozenset[ViewName], probe: ProbeKey | None, arrays: TrainingArrays, source: str = "local"
    ) -> None:
        """`source` now watches `views` (the union of every source's is computed); a probe, when
        given, is the latest named and wins whoever named it. Raises ProbeOutOfRange, changing
        nothing, for a sample the data does not have."""
        with self._lock:
            by_source = {name: seen for name, seen in self._by_source.items() if name != source}
            if views:
                by_source[source] = views
            self._views.watch(frozenset().union(*by_source.values()), probe, arrays)  # raises first
            self._by_source = by_source

    def sources(self) -> dict[str, frozenset[ViewName]]:
        """The views each source watches now (diagnostics and tests)."""
        with self._lock:
            return dict(self._by_source)

    def sync(self, arrays: TrainingArrays, tell: Callable[[frozenset[str], ProbeKey | None], bool]) -> None:
        """`tell` the process the current watch if it does not have it yet (`tell` answers whether a
        job was there to be told)."""
        with self._lock:
            wanted = self._views.engine_watch(arrays)
            if wanted != self._sent and tell(*wanted):
                self._sent = wanted
