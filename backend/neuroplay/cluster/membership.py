"""What makes a server one node of several (issue 15), put together for the app: the node (leases,
heartbeat), the request bus and its routing middleware, the failover sweep, and the handler that
turns an unreachable Redis into a clear 503. app.py creates it only with NEUROPLAY_REDIS_URL."""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..config import Settings
from ..schemas.errors import ErrorResponse
from ..sessions.manager import SessionManager
from .failover import FailoverSweep
from .live_mirror import LiveMirror
from .live_publisher import LivePublisher
from .node import ClusterNode
from .requests import RequestBus

logger = logging.getLogger(__name__)


class ClusterMembership:
    def __init__(self, settings: Settings, sessions: Callable[[], SessionManager]) -> None:
        assert settings.redis_url is not None
        self.settings = settings
        self._sessions = sessions  # the app's manager, made after this (it needs the node)
        self.cluster = ClusterNode(
            settings.redis_url,
            settings.redis_prefix,
            settings.node_id,
            settings.lease_seconds,
            load=lambda: (self._sessions().training_count(), self._sessions().watcher_count()),
        )
        self.bus = RequestBus(
            settings.redis_url, settings.redis_prefix, self.cluster.id, settings.forward_timeout_seconds
        )
        self.sweep: FailoverSweep | None = None
        # The live stream (cluster/live_publisher.py, live_mirror.py): binary frames, so a client of
        # its own that does not decode; every call has its own timeout there.
        self.live_redis = aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=2)
        # A paused session writes nothing to its stream: a day before an untouched stream expires.
        self.publisher = LivePublisher(
            self.live_redis, settings.redis_prefix, settings.display_hz, stream_ttl_seconds=86400
        )

    def install(self, app: FastAPI) -> None:
        """The routing middleware (between the rate limits and the JSON checks) and the Redis errors."""
        from ..api.cluster_routing import ClusterRouting

        manager = self._sessions()
        manager.live = self.publisher  # the sessions this node holds are published from now on
        app.add_middleware(ClusterRouting, manager=manager, bus=self.bus)

        @app.exception_handler(redis.RedisError)
        async def cluster_unavailable(_: Request, exc: redis.RedisError) -> JSONResponse:
            logger.warning("Redis does not answer: %s", exc)
            message = "the servers' shared live store (Redis) does not answer; nothing was changed, try again"
            body = ErrorResponse(message=message, code="cluster_unavailable", params={})
            return JSONResponse(body.model_dump(), status_code=503, headers={"retry-after": "2"})

    def start(self, app: FastAPI) -> None:
        """On the event loop, at startup: answer forwarded requests, sweep for orphaned sessions."""
        self.bus.serve(app)
        self.publisher.start()
        manager = self._sessions()
        self.sweep = FailoverSweep(self.cluster, manager, manager.store.saved_running)
        logger.info("node %s joined (lease %.1f s)", self.cluster.id, self.settings.lease_seconds)

    async def stop(self) -> None:
        """Shutting down, before the sessions are handed over: no more takeovers, and the mirrors
        elsewhere hear that this node publishes no more."""
        if self.sweep is not None:
            self.sweep.stop()
        await self.publisher.close()

    async def close(self) -> None:
        """After the manager handed every session over (and left): stop answering."""
        await self.bus.close()
        await self.live_redis.aclose()

    def unavailable(self, exc: BaseException) -> bool:
        """Whether `exc` says Redis does not answer."""
        return isinstance(exc, redis.RedisError)

    async def open_mirror(self, session_id: str, on_change: Callable[[LiveMirror], None]) -> LiveMirror:
        """A mirror of a session another node holds, synced (MirrorUnavailable if it cannot be)."""
        mirror = LiveMirror(
            self.live_redis,
            self.settings.redis_prefix,
            session_id,
            self.cluster.id,
            self.settings.max_history_points,
            on_change=on_change,
        )
        await mirror.start()
        return mirror
