"""Per-client limits by address: token buckets for session creation, uploads and websocket messages,
and a count of open websockets. Over a limit: HTTP 429 with Retry-After, or an `error` frame with code
`rate_limited` on the websocket; nothing else (other clients, the client's other requests) is affected.

The buckets live in one RateLimiter owned by the app (app.state.limits), never in module state.
Addresses idle long enough to have a full bucket again are forgotten, so memory stays bounded by the
clients of the last minute or so.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..cluster import FORWARDED
from ..config import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

MAX_TRACKED = 100_000  # addresses kept at most; beyond this the idlest are dropped first


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Rate:
    """`burst` at once, refilled at `per_second`."""

    name: str  # what is limited, for the message
    key: str  # the same, for the error's params (sessions, uploads, websocket_messages)
    burst: float
    per_second: float


class RateLimiter:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = settings.rate_limits
        self.sessions = Rate(
            "sessions created", "sessions", settings.sessions_per_minute, settings.sessions_per_minute / 60
        )
        self.uploads = Rate("uploads", "uploads", settings.uploads_per_minute, settings.uploads_per_minute / 60)
        self.ws_messages = Rate(
            "websocket messages", "websocket_messages", settings.ws_messages_burst, settings.ws_messages_per_second
        )
        self.max_websockets = settings.websockets_per_client
        self._clock = clock
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._open: dict[str, int] = {}
        self._lock = threading.Lock()  # HTTP handlers run in threads and on the loop

    def take(self, rate: Rate, address: str) -> float:
        """0 if allowed (one token taken), else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get((rate.name, address))
            if bucket is None:
                if len(self._buckets) >= MAX_TRACKED:
                    self._forget_full(now)
                bucket = self._buckets[(rate.name, address)] = Bucket(rate.burst, now)
            bucket.tokens = min(rate.burst, bucket.tokens + (now - bucket.updated) * rate.per_second)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / rate.per_second

    def open_websocket(self, address: str) -> bool:
        """Counts one more open websocket for the address, unless that would pass the limit."""
        with self._lock:
            count = self._open.get(address, 0)
            if self.enabled and count >= self.max_websockets:
                return False
            self._open[address] = count + 1
            return True

    def close_websocket(self, address: str) -> None:
        with self._lock:
            count = self._open.get(address, 0) - 1
            if count > 0:
                self._open[address] = count
            else:
                self._open.pop(address, None)

    def _forget_full(self, now: float) -> None:
        rates = {r.name: r for r in (self.sessions, self.uploads, self.ws_messages)}
        for key, bucket in list(self._buckets.items()):
            rate = rates[key[0]]
            if bucket.tokens + (now - bucket.updated) * rate.per_second >= rate.burst:
                del self._buckets[key]  # a full bucket is the same as none
        while len(self._buckets) >= MAX_TRACKED:
            del self._buckets[min(self._buckets, key=lambda k: self._buckets[k].updated)]


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


def too_many(rate: Rate, wait: float) -> str:
    per_minute = rate.per_second * 60
    pace = f"{per_minute:g} a minute" if per_minute < 600 else f"{rate.per_second:g} a second"
    return f"too many {rate.name} from this address (at most {pace}); try again in {retry_after_seconds(wait)} s"


def too_many_params(rate: Rate, wait: float) -> dict[str, Any]:
    """The params of code rate_limited for the message too_many() writes."""
    per_minute = rate.per_second * 60
    count, per = (per_minute, "minute") if per_minute < 600 else (rate.per_second, "second")
    return {"what": rate.key, "count": f"{count:g}", "per": per, "seconds": retry_after_seconds(wait)}


_CREATES = re.compile(r"^/api/sessions(/[^/]+/fork)?/?$")
_UPLOADS = re.compile(r"^/api/sessions/[^/]+/uploads/[^/]+/?$")


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class HttpRateLimits:
    """ASGI middleware: POST /api/sessions and /fork take from the sessions bucket, uploads from theirs."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        # A request another node forwarded was counted there, where the client sent it.
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and self.limiter.enabled
            and not scope.get(FORWARDED)
        ):
            path = scope.get("path", "")
            rate = (
                self.limiter.sessions
                if _CREATES.match(path)
                else self.limiter.uploads
                if _UPLOADS.match(path)
                else None
            )
            if rate is not None:
                wait = self.limiter.take(rate, client_address(scope))
                if wait > 0:
                    await _refuse_429(
                        send, too_many(rate, wait), too_many_params(rate, wait), retry_after_seconds(wait)
                    )
                    return
        await self.app(scope, receive, send)


async def _refuse_429(send: Any, message: str, params: dict[str, Any], retry_after: int) -> None:
    from ..schemas.errors import ErrorResponse

    body = ErrorResponse(message=message, code="rate_limited", params=params).model_dump_json().encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
