"""The API's reads go compressed: GET answers under /api/ are gzipped when the browser accepts it.

The first page load reads the catalog, the session, its data, the 2-D feature maps and the
pre-activations: 233 KB of JSON, which gzip makes about 45 KB (issue 14's page budget is 250 KB in
all; docs/performance.md). Only GET answers are compressed: they carry no secret (owner tokens come
back only from POST create and fork), so a compressed length cannot leak one (BREACH). The weights
download is left alone (binary). A request forwarded from another node is compressed by the node it
came through, once. Websockets never pass through here (GZipMiddleware handles HTTP only).
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ..cluster import FORWARDED

MINIMUM_SIZE = 500  # bytes: smaller answers are not worth the header
COMPRESS_LEVEL = 6  # about level 9's size on JavaScript and JSON at a fraction of its time
NOT_COMPRESSED = ("/weights",)  # path endings of binary downloads


def gzipped(app: ASGIApp) -> GZipMiddleware:
    """`app` with its answers gzipped for browsers that accept it (the API's reads, the frontend files)."""
    return GZipMiddleware(app, minimum_size=MINIMUM_SIZE, compresslevel=COMPRESS_LEVEL)


def compressed_read(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return (
        scope["type"] == "http"
        and scope.get("method") == "GET"
        and path.startswith("/api/")
        and not path.endswith(NOT_COMPRESSED)
        and not scope.get(FORWARDED)
    )


class CompressedApiReads:
    """ASGI middleware: GZipMiddleware for the API's GET answers, everything else untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = gzipped(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (self.gzip if compressed_read(scope) else self.app)(scope, receive, send)
