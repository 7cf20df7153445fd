"""What other nodes' watchers open of a session this node holds: the session's watch hash
(`{prefix}watch:{session}`, node -> LiveWatch JSON), written by their mirrors, read here.

Each node is a source of its own for Session.watch (source "node:{id}"), so the session computes
the union of the local hub's views and every other node's. A probe counts as named when a node's
probe_serial moves: the latest named wins, as between the watchers of one hub. An entry past its
`until_ms` (its node stopped refreshing it: it died) counts as gone; the hash itself has a TTL too,
so a session nobody watches any more leaves nothing behind.
"""

from __future__ import annotations

import logging
import time

from pydantic import ValidationError

from ..schemas.inspect import ProbeRef
from ..schemas.live import LiveWatch
from ..schemas.stream import ViewName
from ..sessions.session_views import ProbeKey, ProbeOutOfRange
from .live_deltas import LiveSource

logger = logging.getLogger(__name__)


def watch_value(views: frozenset[ViewName], probe: ProbeKey | None, probe_serial: int, ttl_seconds: float) -> bytes:
    """A mirror's entry in the watch hash, valid for `ttl_seconds` of wall-clock time."""
    ref = ProbeRef(split=probe[0], index=probe[1]) if probe is not None else None  # type: ignore[arg-type]
    until_ms = int((time.time() + ttl_seconds) * 1000)
    return (
        LiveWatch(views=sorted(views), probe=ref, probe_serial=probe_serial, until_ms=until_ms)
        .model_dump_json()
        .encode()
    )


def source_of(node: str) -> str:
    return f"node:{node}"


class RemoteWatches:
    """The other nodes' watches of one held session, as last applied to it."""

    def __init__(self) -> None:
        self._views: dict[str, frozenset[ViewName]] = {}  # node -> views applied
        self._probe_serials: dict[str, int] = {}
        self.views: frozenset[ViewName] = frozenset()  # their union: the frames worth publishing

    def apply(self, session: LiveSource, raw: dict[bytes, bytes]) -> tuple[bool, list[bytes]]:
        """Take the hash as read (`raw`) into the session. Returns whether any node's views or probe
        changed, and the fields that expired (for the caller to delete)."""
        now_ms = int(time.time() * 1000)
        seen: dict[str, LiveWatch] = {}
        expired: list[bytes] = []
        for field, value in raw.items():
            try:
                watch = LiveWatch.model_validate_json(value)
            except ValidationError:
                logger.warning("session %s: unreadable watch entry of %r dropped", session.id, field)
                expired.append(field)
                continue
            if watch.until_ms < now_ms:
                expired.append(field)
            else:
                seen[field.decode()] = watch
        changed = False
        for node in [n for n in self._views if n not in seen]:  # gone: it closed its views, or died
            del self._views[node]
            self._probe_serials.pop(node, None)
            session.watch(frozenset(), None, source_of(node), watching=False)
            changed = True
        for node, watch in seen.items():  # an entry, with views or none, means the node has watchers
            views = frozenset(watch.views)
            named = watch.probe is not None and watch.probe_serial != self._probe_serials.get(node)
            if views == self._views.get(node) and not named:
                continue
            probe = (watch.probe.split, watch.probe.index) if named and watch.probe is not None else None
            try:
                session.watch(views, probe, source_of(node), watching=True)
            except ProbeOutOfRange:  # its mirror checked against an older state: the views without it
                logger.info("session %s: probe %s of node %s is out of range", session.id, probe, node)
                session.watch(views, None, source_of(node), watching=True)
            self._views[node] = views
            self._probe_serials[node] = watch.probe_serial
            changed = True
        if changed:
            self.views = frozenset().union(*self._views.values())
        return changed, expired

    def clear(self, session: LiveSource) -> None:
        """The session is no longer published: no other node's views are computed for it."""
        for node in self._views:
            session.watch(frozenset(), None, source_of(node), watching=False)
        self._views, self._probe_serials, self.views = {}, {}, frozenset()
