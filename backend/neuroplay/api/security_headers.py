"""Security headers on every response, and no secrets in the server's log.

The page's only inline script is the import map, which browsers accept only inline (or from a hash in
the policy): its SHA-256 is read from index.html when the app starts, so the policy allows exactly that
text and no other inline script, and editing the map can never leave a stale hash behind.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from ..cluster import FORWARDED

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-...') for each inline <script> of a page, as browsers hash them."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(index_html: Path) -> str:
    scripts = " ".join(["'self'", *inline_script_hashes(index_html.read_text(encoding="utf-8"))])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            # Preact and uPlot set element styles from script (style attributes); no stylesheet is inline
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",  # the API and the websocket (same origin)
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# Scripts and stylesheets ignore a policy and frame options of their own (the page's govern them), so
# they go without: 300 bytes on each of the ~100 module responses of a first load (issue 14's budget).
# Told by type, and by path for answers without one (a 304 revalidating a module).
SUBRESOURCE_TYPES = (b"text/javascript", b"application/javascript", b"text/css")
SUBRESOURCE_PATHS = ("/js/", "/css/", "/node_modules/")


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response: all four on the page, the API and
    other files; nosniff and the referrer policy alone on scripts and stylesheets."""

    def __init__(self, app: ASGIApp, index_html: Path) -> None:
        self.app = app
        self.everywhere = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),  # share links carry session ids; never pass them on
        ]
        self.documents = [
            (b"content-security-policy", content_security_policy(index_html).encode()),
            (b"x-frame-options", b"DENY"),
        ]

    def headers_for(self, present: dict[bytes, bytes], path: str) -> list[tuple[bytes, bytes]]:
        kind = present.get(b"content-type")
        subresource = kind.startswith(SUBRESOURCE_TYPES) if kind else path.startswith(SUBRESOURCE_PATHS)
        wanted = self.everywhere if subresource else [*self.everywhere, *self.documents]
        return [(name, value) for name, value in wanted if name not in present]

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http" or scope.get(FORWARDED):  # the node it came through adds them
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower(): value for name, value in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *self.headers_for(present, scope["path"])]
            await send(message)

        await self.app(scope, receive, send_with_headers)


_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
_TOKEN_FIELD = re.compile(r"""("(?:owner_)?token"\s*:\s*")[^"']*""")
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9_\-.~+/=]+", re.IGNORECASE)


def redact(text: str) -> str:
    """A log line without secrets: query strings (a token pasted into a URL), the token of a websocket
    auth message (logged frame by frame at debug level) and bearer tokens."""
    return _BEARER.sub(r"\1<redacted>", _TOKEN_FIELD.sub(r"\1<redacted>", _QUERY.sub(r"\1", text)))


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction() -> None:
    """On uvicorn's access and error loggers (websocket frames go to the latter at debug level) and on
    the root handlers, which every `neuroplay.*` logger's records reach."""
    targets: list[logging.Filterer] = [logging.getLogger("uvicorn.access"), logging.getLogger("uvicorn.error")]
    targets += logging.getLogger().handlers
    for target in targets:
        if not any(isinstance(f, RedactSecrets) for f in target.filters):
            target.addFilter(RedactSecrets())
