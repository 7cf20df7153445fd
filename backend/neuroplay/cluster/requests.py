"""Requests for a session held by another node travel through Redis (issue 15): the asking node
pushes the HTTP request onto the holder's list `{prefix}node:{id}:requests`, the holder's serve loop
pops it (BLPOP), runs it through its own application and pushes the answer onto the reply key the
asker waits on (BLPOP with a timeout). One Redis round trip each way, no connection between nodes,
no address to know: any node answers any request, and a pause sent to any node reaches the holder
within milliseconds.

Forwarded requests are marked in their ASGI scope (`neuroplay.forwarded`), which no client can set:
the holder does not route them again, nor count them against the client's limits a second time.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets

import redis.asyncio as aioredis
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Scope

from ..task_stopping import cancel_and_wait
from . import FORWARDED

logger = logging.getLogger(__name__)

REPLY_TTL_SECONDS = 60  # an answer nobody picks up (the asker timed out) goes away by itself
# A request waits this long in a holder's list before it is dropped unanswered (its asker gave up).
MAX_QUEUED_SECONDS = 60


class ForwardedRequest(BaseModel):
    method: str
    path: str
    query_string: str  # latin-1, as in the ASGI scope
    headers: list[tuple[str, str]]
    body: str  # base64
    client: str  # the address the request came from, for the holder's log
    reply_to: str


class ForwardedResponse(BaseModel):
    status: int
    headers: list[tuple[str, str]]
    body: str  # base64


class NodeDidNotAnswer(TimeoutError):
    pass


def request_key(prefix: str, node: str) -> str:
    return f"{prefix}node:{node}:requests"


class RequestBus:
    def __init__(self, redis_url: str, prefix: str, node: str, timeout: float) -> None:
        # Replies are waited for with BLPOP: the socket timeout must outlast the longest wait.
        self.redis = aioredis.Redis.from_url(redis_url, socket_timeout=timeout + 5, socket_connect_timeout=2)
        self.prefix, self.node, self.timeout = prefix, node, timeout
        self._serving: asyncio.Task[None] | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def forward(self, node: str, scope: Scope, body: bytes) -> ForwardedResponse:
        """Run this HTTP request on `node` and return its answer; NodeDidNotAnswer after `timeout`."""
        reply_to = f"{self.prefix}reply:{secrets.token_hex(12)}"
        request = ForwardedRequest(
            method=scope["method"],
            path=scope["path"],
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])],
            body=base64.b64encode(body).decode(),
            client=(scope.get("client") or ("", 0))[0],
            reply_to=reply_to,
        )
        key = request_key(self.prefix, node)
        pipe = self.redis.pipeline()
        pipe.rpush(key, request.model_dump_json())
        pipe.expire(key, MAX_QUEUED_SECONDS)
        await pipe.execute()
        answer = await self.redis.blpop([reply_to], timeout=self.timeout)
        if answer is None:
            raise NodeDidNotAnswer(f"node {node} did not answer within {self.timeout:g} s")
        return ForwardedResponse.model_validate_json(answer[1])

    def serve(self, app: ASGIApp) -> None:
        """Start answering the requests other nodes send here (call on the event loop)."""
        self._serving = asyncio.get_running_loop().create_task(self._serve(app))

    async def close(self) -> None:
        if self._serving is not None:
            await cancel_and_wait(self._serving)
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self.redis.aclose()

    async def _serve(self, app: ASGIApp) -> None:
        key = request_key(self.prefix, self.node)
        while True:
            try:
                popped = await self.redis.blpop([key], timeout=1)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away: try again shortly; askers time out meanwhile
                logger.warning("node %s: cannot read forwarded requests (%s)", self.node, exc)
                await asyncio.sleep(0.5)
                continue
            if popped is None:
                continue
            task = asyncio.get_running_loop().create_task(self._answer(app, popped[1]))
            self._handlers.add(task)  # held, so it is not collected while it runs
            task.add_done_callback(self._handlers.discard)

    async def _answer(self, app: ASGIApp, raw: bytes | str) -> None:
        try:
            request = ForwardedRequest.model_validate_json(raw)
        except ValueError:
            logger.warning("node %s: a forwarded request could not be read", self.node)
            return
        response = await run_asgi(app, request)
        pipe = self.redis.pipeline()
        pipe.rpush(request.reply_to, response.model_dump_json())
        pipe.expire(request.reply_to, REPLY_TTL_SECONDS)
        try:
            await pipe.execute()
        except Exception as exc:
            logger.warning("node %s: an answer could not be sent back (%s)", self.node, exc)


async def run_asgi(app: ASGIApp, request: ForwardedRequest, forwarded: bool = True) -> ForwardedResponse:
    """Run one request through this node's application, in process, and collect the answer:
    one another node forwarded (run here, whatever happens), or with `forwarded` False one of this
    node's own (a websocket's command, routed like any request)."""
    body = base64.b64decode(request.body)
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query_string.encode("latin-1"),
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
        "client": (request.client, 0),
        "server": ("cluster", 0),
    }
    if forwarded:
        scope[FORWARDED] = True
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # nothing more comes: a disconnect would end the request
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, headers, chunks = 500, [], []

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return ForwardedResponse(status=status, headers=headers, body=base64.b64encode(b"".join(chunks)).decode())
