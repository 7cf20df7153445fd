"""Any node answers any request (issue 15): a request for a session another node holds is run by
that node, through Redis (cluster/requests.py), and its answer returned as if it were ours.

ASGI middleware, present only on a node of several. For `/api/sessions/{id}...` it asks the manager
where the session lives (loading it here, with its lease, when no node holds it). Here: the request
goes on down the stack. Elsewhere: it is forwarded to the holder. A session can move between that
question and the answer (play placed on a less busy node, a lost lease): the answer then says
`x-neuroplay-held-by` (never shown to the client) and the request goes on to the node it names.
"""

from __future__ import annotations

import asyncio
import base64
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..cluster import FORWARDED, HELD_BY
from ..cluster.requests import ForwardedResponse, NodeDidNotAnswer, RequestBus
from ..sessions.cluster_holding import HeldElsewhere
from ..sessions.manager import SessionManager
from .json_depth import send_error

MAX_FORWARDED_BODY = 16 * 1024 * 1024  # above the largest upload (data/uploads.py) and JSON body
MAX_HOPS = 4  # a session that moves this often while one request chases it: 503, try again
SESSION_PREFIX = "/api/sessions/"


def session_of(path: str) -> str | None:
    """The session id of /api/sessions/{id}[/...], or None."""
    if not path.startswith(SESSION_PREFIX):
        return None
    session_id = path[len(SESSION_PREFIX) :].split("/", 1)[0]
    return session_id or None


def held_by(headers: list[tuple[str, str]]) -> str | None:
    return next((v for k, v in headers if k.lower() == HELD_BY), None)


class ClusterRouting:
    def __init__(self, app: ASGIApp, manager: SessionManager, bus: RequestBus) -> None:
        self.app, self.manager, self.bus = app, manager, bus

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session_id = session_of(scope.get("path", "")) if scope["type"] == "http" else None
        if session_id is None or scope.get(FORWARDED):
            await self.app(scope, receive, send)  # a forwarded request is run here, whatever happens
            return
        body = await _read_body(receive)  # kept: the request may have to go on to another node
        if body is None:
            limit = {"limit": MAX_FORWARDED_BODY}
            await send_error(send, 413, f"body larger than {MAX_FORWARDED_BODY:,} bytes", "body_too_large", limit)
            return
        node = await asyncio.to_thread(self._where, session_id)
        for _ in range(MAX_HOPS):
            if node is None:
                moved = await self._run_here(scope, body, send)
            else:
                try:
                    answer = await self.bus.forward(node, scope, body)
                except NodeDidNotAnswer as exc:
                    seconds = {"seconds": self.bus.timeout}
                    await send_error(send, 504, f"{exc}; try again", "node_unreachable", seconds)
                    return
                moved = held_by(answer.headers)
                if moved is None:
                    await _send_answer(send, answer)
            if moved is None:
                return
            # Sent on to the node the answer names (play placed there takes the session up there).
            cluster = self.manager.cluster
            node = None if cluster is not None and moved == cluster.id else moved
        await send_error(send, 503, "the session is moving between servers; try again in a moment", "session_moving")

    async def _run_here(self, scope: Scope, body: bytes, send: Send) -> str | None:
        """Run the request down the stack; the node its answer says holds the session instead (then
        nothing was sent), or None once the answer went to the client."""
        moved: str | None = None

        async def watch(message: Message) -> None:
            nonlocal moved
            if message["type"] == "http.response.start":
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
                moved = held_by(headers)
            if moved is None:
                await send(message)

        await self.app(scope, _replay(body), watch)
        return moved

    def _where(self, session_id: str) -> str | None:
        """The node that holds the session, or None when it is here (loaded now, its lease taken) or
        when it cannot be (no such session, Redis away): the route then says what is wrong. A holder
        whose heartbeat stopped has died: wait for its lease to expire, then take the session."""
        deadline = time.monotonic() + self.manager.settings.lease_seconds + 1
        while True:
            try:
                self.manager.get(session_id)
                return None
            except HeldElsewhere as exc:
                if self._holder_answers(exc.node) or time.monotonic() > deadline:
                    return exc.node
                time.sleep(0.1)
            except Exception:
                return None

    def _holder_answers(self, node: str) -> bool:
        """Whether the node's heartbeat is alive (True when that cannot be told: ask it anyway)."""
        cluster = self.manager.cluster
        try:
            return cluster is None or cluster.is_alive(node)
        except Exception:  # Redis away: the forward then says so (a timeout), not a 500 here
            return True


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when it is larger than MAX_FORWARDED_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORWARDED_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send_answer(send: Send, answer: ForwardedResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": base64.b64decode(answer.body)})
