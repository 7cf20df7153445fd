"""Watching a session another node holds (many servers, issue 15): the websocket's hub runs on a
mirror of the session kept up to date through Redis (cluster/live_mirror.py), one per session and
node however many watch it here. Commands go to the holder as HTTP requests through this node's own
routing (api/cluster_routing.py), so they reach wherever the session is now.

Redis unreachable: the watchers get an `error` frame (`cluster_unavailable`) at once and, when it
answers again, are disconnected (1012) so the client's resume protocol reconnects them with exactly
the points they lack. A session whose holder is gone (killed, stopped) keeps its watchers: the
mirror goes on with the node that takes it over.
"""

from __future__ import annotations

import base64
import contextlib
import json
from typing import TYPE_CHECKING, Any

from fastapi import WebSocket

from ..schemas.error_codes import ERROR_CODES, coded
from ..schemas.stream import CommandMessage
from ..sessions.hub import Hub
from ..sessions.manager import SessionManager
from ..sessions.session import SessionError

if TYPE_CHECKING:
    from ..cluster.live_mirror import LiveMirror
    from ..cluster.membership import ClusterMembership

UNAVAILABLE = "the servers' shared live store (Redis) does not answer; this view reconnects when it does"


def _frame() -> str:
    from .stream import error_frame

    return error_frame("unavailable", UNAVAILABLE, "cluster_unavailable")


async def refuse_while_unavailable(ws: WebSocket) -> None:
    """Redis does not answer now: say so, and close so the client tries again later (1013)."""
    await ws.send_text(_frame())
    await ws.close(code=1013, reason="the live store does not answer; try again")


async def watch_elsewhere(
    ws: WebSocket, cluster: ClusterMembership, manager: SessionManager, session_id: str
) -> LiveMirror | None:
    """This node's mirror of the session (shared with its other watchers here), or None after the
    client was told it cannot be watched now."""
    from ..cluster.live_mirror import LiveMirror, MirrorUnavailable

    hub = manager.live_hub(session_id)
    if hub is not None and isinstance(hub.session, LiveMirror):
        return hub.session
    troubled = False

    def on_change(mirror: LiveMirror) -> None:
        nonlocal troubled
        current = manager.live_hub(mirror.id)
        if current is None or current.session is not mirror:
            return
        if mirror.problem is not None and not troubled:
            troubled = True
            for sub in list(current.subscribers):
                sub.push_text(_frame())
        elif mirror.problem is None and troubled:
            current.end("the live store answers again: reconnect")

    try:
        return await cluster.open_mirror(session_id, on_change)
    except MirrorUnavailable:
        await refuse_while_unavailable(ws)
        return None


async def close_mirror(hub: Hub) -> None:
    """Nobody watches through this hub any more: a mirror under it stops reading."""
    from ..cluster.live_mirror import LiveMirror

    if isinstance(hub.session, LiveMirror):
        with contextlib.suppress(Exception):
            await hub.session.close()


async def command_elsewhere(ws: WebSocket, session_id: str, msg: CommandMessage, token: str | None) -> dict[str, Any]:
    """Carry out a websocket command on the node holding the session: POST .../commands through
    this node's own stack (its routing forwards it). Returns the CommandResponse; raises
    SessionError with the holder's message when it refused."""
    from ..cluster.requests import ForwardedRequest, run_asgi

    body = msg.model_dump(include={"action", "unit", "on", "probe"}, exclude_none=True)
    request = ForwardedRequest(
        method="POST",
        path=f"/api/sessions/{session_id}/commands",
        query_string="",
        headers=[("content-type", "application/json"), ("authorization", f"Bearer {token or ''}")],
        body=base64.b64encode(json.dumps(body).encode()).decode(),
        client=(ws.client.host if ws.client else ""),
        reply_to="",
    )
    answer = await run_asgi(ws.app, request, forwarded=False)
    payload = json.loads(base64.b64decode(answer.body) or b"{}")
    if answer.status != 200:  # the holder's error, with its code, for the learner's language
        message = payload.get("message") or f"the command failed ({answer.status})"
        params = payload.get("params") or {}
        if payload.get("code") in ERROR_CODES:
            raise coded(SessionError(message), payload["code"], **params)
        raise coded(SessionError(message), "command_failed", kind=f"HTTP {answer.status}")
    result: dict[str, Any] = payload
    return result
