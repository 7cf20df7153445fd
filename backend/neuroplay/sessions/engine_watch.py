"""Keeps a training engine process told which views are watched, without a restart.

The hub changes what is watched from the event loop while the runner starts jobs under the
session's control lock; one lock here orders both, so the process always ends up with the newest
watch and nothing is sent twice.

Views may be watched from several sources: the local hub ("local") and, in a cluster, the watchers
of other nodes (cluster/live_publisher.py, one source per node). Each source keeps its own set; the
session computes their union, so one node closing a view never closes it for another. A source may
also have watchers with no view open: the process then still scores metric points at the display
rate (their loss curve grows), which it does not while nobody watches at all (engine_process.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..schemas.stream import ViewName
from .build import TrainingArrays
from .session_views import ProbeKey, SessionViews


@dataclass(frozen=True)
class EngineWatch:
    """What an engine process is told of its session's watchers."""

    views: frozenset[str]  # the watched views that apply to the network
    probe: ProbeKey | None  # when one of them needs it
    watched: bool  # anyone watches, with or without a view open


class EngineWatchSync:
    def __init__(self, views: SessionViews) -> None:
        self._views = views
        self._lock = threading.Lock()
        self._sent: EngineWatch | None = None  # what the engine process has
        self._by_source: dict[str, frozenset[ViewName]] = {}  # the views of each source with watchers

    def _wanted(self, arrays: TrainingArrays) -> EngineWatch:
        views, probe = self._views.engine_watch(arrays)
        return EngineWatch(views, probe, bool(self._by_source))

    def for_start(self, arrays: TrainingArrays) -> EngineWatch:
        """The watch a new job starts with (it counts as sent)."""
        with self._lock:
            self._sent = self._wanted(arrays)
            return self._sent

    def watch(
        self,
        views: frozenset[ViewName],
        probe: ProbeKey | None,
        arrays: TrainingArrays,
        source: str = "local",
        watching: bool | None = None,
    ) -> None:
        """`source` now watches `views` (the union of every source's is computed); a probe, when
        given, is the latest named and wins whoever named it. `watching`: whether the source has
        watchers at all (by default, whether it opens a view). Raises ProbeOutOfRange, changing
        nothing, for a sample the data does not have."""
        with self._lock:
            by_source = {name: seen for name, seen in self._by_source.items() if name != source}
            if views or watching:
                by_source[source] = views
            self._views.watch(frozenset().union(*by_source.values()), probe, arrays)  # raises first
            self._by_source = by_source

    def sources(self) -> dict[str, frozenset[ViewName]]:
        """The views each source with watchers watches now (diagnostics and tests)."""
        with self._lock:
            return dict(self._by_source)

    def sync(self, arrays: TrainingArrays, tell: Callable[[frozenset[str], ProbeKey | None, bool], bool]) -> None:
        """`tell` the process the current watch if it does not have it yet (`tell` answers whether a
        job was there to be told)."""
        with self._lock:
            wanted = self._wanted(arrays)
            if wanted != self._sent and tell(wanted.views, wanted.probe, wanted.watched):
                self._sent = wanted
