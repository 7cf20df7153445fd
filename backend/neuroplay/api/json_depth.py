"""Deeply nested JSON is refused before anything parses or echoes it.

Python's json module, pydantic's error details and every recursive walk over a parsed body (the error
handler's NaN scrub, jsonable_encoder) recurse once per level: a body of a few kilobytes nested a few
thousand deep used to end in a RecursionError (500) over HTTP and a dropped connection on the
websocket. No wire format here nests deeper than a handful of levels, so a generous bound costs nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import numpy as np

from ..schemas.error_codes import code_of, coded

MAX_JSON_DEPTH = 64  # the deepest real message (a session patch) nests about 6 levels
MAX_JSON_BODY = 2 * 1024 * 1024  # the largest real body (a network with 64 layers) is a few kB

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


class JsonTooDeep(ValueError):
    pass


def json_depth(text: bytes | str) -> int:
    """How deep the brackets of a JSON text nest (strings ignored); valid or not, no recursion."""
    raw = text.encode() if isinstance(text, str) else text
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    if len(brackets) < 512:  # the usual request: a plain loop beats numpy's call overhead
        depth = deepest = 0
        for code in brackets:
            depth += 1 if code & 2 else -1
            deepest = max(deepest, depth)
        return deepest
    # '[' (91) and '{' (123) have bit 1 set, ']' (93) and '}' (125) do not: +1 / -1 per bracket
    steps = (np.frombuffer(brackets, dtype=np.uint8) & 2).astype(np.int32) - 1
    return int(np.cumsum(steps).max(initial=0))


def check_depth(text: bytes | str, limit: int = MAX_JSON_DEPTH) -> None:
    depth = json_depth(text)
    if depth > limit:
        raise coded(
            JsonTooDeep(f"JSON nested {depth} levels deep; at most {limit} are accepted"),
            "json_too_deep",
            depth=depth,
            limit=limit,
        )


def loads(text: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """json.loads after the depth check (raises JsonTooDeep or ValueError, never RecursionError)."""
    check_depth(text, limit)
    return json.loads(text)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class JsonDepthLimit:
    """ASGI middleware: a JSON request body nested deeper than MAX_JSON_DEPTH gets 422 with a message
    saying so, and one larger than MAX_JSON_BODY 413, before FastAPI reads it. Other bodies (the raw
    CSV and zip uploads) pass untouched, still streamed."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_JSON_BODY:
                await send_error(
                    send, 413, f"JSON body larger than {MAX_JSON_BODY:,} bytes", "body_too_large", limit=MAX_JSON_BODY
                )
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            check_depth(body)
        except JsonTooDeep as exc:
            await send_error(send, 422, f"body: {exc}", *(code_of(exc) or ("json_too_deep", {})))
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    # FastAPI parses a body without a content type as JSON too; uploads are raw files, never JSON
    method, path = str(scope.get("method", "")), str(scope.get("path", ""))
    return method in ("POST", "PUT", "PATCH") and "/uploads/" not in path


def _replay(messages: list[MutableMapping[str, Any]], then: Receive | None = None) -> Receive:
    """A receive() that hands out the buffered messages, then defers to the real one (disconnects)."""
    pending = list(messages)

    async def receive() -> MutableMapping[str, Any]:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


async def send_error(
    send: Send, status: int, message: str, code: str, params: dict[str, Any] | None = None, **more: Any
) -> None:
    from ..schemas.errors import ErrorResponse

    body = ErrorResponse(message=message, code=code, params={**(params or {}), **more}).model_dump_json().encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
