"""What a Hub (hub.py) reads of the session it fans out: a live Session, or on a node of a cluster
that does not hold the session, a mirror kept up to date from Redis (cluster/live_mirror.py).

Read-only properties rather than plain attributes, so that Session's own attribute types (a
SessionViews, a TelemetryFrames) satisfy the protocol's narrower ones.
"""

from __future__ import annotations

from typing import Protocol

from ..schemas.session import SessionState, SessionStatus
from ..schemas.stream import ViewName
from .history import MetricHistory
from .session_views import BatchLossLog, ProbeKey
from .telemetry import EncodedRecord


class HubFrames(Protocol):
    """One display frame's encoded tensor records (TelemetryFrames); replaced whole when newer."""

    @property
    def frames(self) -> list[EncodedRecord]: ...


class HubViews(Protocol):
    @property
    def batch_losses(self) -> BatchLossLog: ...

    def series_since(self, serial: int) -> list[tuple[int, EncodedRecord]]: ...


class HubSource(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def owner_token_hash(self) -> str: ...  # the websocket's `auth` checks a token against it

    @property
    def state_version(self) -> int: ...

    @property
    def generation(self) -> int: ...

    @property
    def status(self) -> SessionStatus: ...

    @property
    def step(self) -> int: ...

    @property
    def epoch(self) -> int: ...

    @property
    def running(self) -> bool: ...

    @property
    def history(self) -> MetricHistory: ...

    @property
    def views(self) -> HubViews: ...

    @property
    def frames(self) -> HubFrames | None: ...

    def state(self) -> SessionState: ...

    def watch(self, views: frozenset[ViewName], probe: ProbeKey | None, *, watching: bool | None = None) -> None: ...

    def refresh_telemetry(self) -> None: ...
