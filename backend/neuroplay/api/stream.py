"""WS /api/sessions/{id}/stream: anyone with the link watches; only an authenticated owner commands.

All writes to the socket go through the Subscriber's outbox and one sender task, so messages keep
their order and a slow socket only delays itself. Anything malformed from the client gets an error
frame naming the problem; the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import TypeAdapter, ValidationError

from ..api.errors import deleted_problem, validation_params
from ..api.json_depth import loads
from ..api.rate_limits import RateLimiter, client_address, too_many, too_many_params
from ..schemas.error_codes import check_params, code_of
from ..schemas.stream import (
    AckMessage,
    AuthMessage,
    ClientMessage,
    CommandMessage,
    ErrorMessage,
    HelloMessage,
    PingMessage,
    PongMessage,
    SubscribeMessage,
)
from ..sessions.cluster_holding import HeldElsewhere
from ..sessions.hub import Hub, Subscriber
from ..sessions.hub_source import HubSource
from ..sessions.manager import SessionDeleted, SessionManager, SessionNotFound
from ..sessions.session import Session, SessionError
from ..sessions.session_views import ProbeOutOfRange
from ..task_stopping import cancel_and_wait
from .stream_elsewhere import close_mirror, command_elsewhere, refuse_while_unavailable, watch_elsewhere

router = APIRouter()
logger = logging.getLogger(__name__)

MAX_CLIENT_MESSAGE = 16 * 1024
client_message = TypeAdapter(ClientMessage)


def error_frame(code: str, message: str, problem: str, params: dict[str, Any] | None = None) -> str:
    """An `error` frame: `code` the protocol's kind of error, `problem` and `params` what exactly
    (schemas/error_codes.py) for the client to say in the learner's language."""
    check_params(problem, params or {})
    return ErrorMessage(code=code, message=message, problem=problem, params=params or {}).model_dump_json()


def _error(sub: Subscriber, code: str, message: str, problem: str, params: dict[str, Any] | None = None) -> None:
    sub.push_text(error_frame(code, message, problem, params))


def _problem_of(exc: BaseException, fallback: str) -> tuple[str, dict[str, Any]]:
    """The code the raiser attached, else `fallback` naming the exception's class (a bug)."""
    return code_of(exc) or (fallback, {"kind": type(exc).__name__})


def _parse(text: str) -> tuple[object | None, str, str, str, dict[str, object]]:
    """The message, or None with the kind of error, a message naming the problem, its code and params."""
    if len(text) > MAX_CLIENT_MESSAGE:
        message = f"message of {len(text)} characters; the limit is {MAX_CLIENT_MESSAGE}"
        return None, "too_large", message, "message_too_large", {"size": len(text), "limit": MAX_CLIENT_MESSAGE}
    try:
        raw = loads(text)  # refuses deep nesting first (json.loads would raise RecursionError)
    except ValueError as exc:
        where = {"line": getattr(exc, "lineno", None), "column": getattr(exc, "colno", None)}  # a JSONDecodeError's
        problem, params = code_of(exc) or ("bad_json", where)
        return None, "bad_json", f"not JSON: {exc}", problem, params
    try:
        return client_message.validate_python(raw), "", "", "", {}
    except ValidationError as exc:
        errors = exc.errors()
        params = validation_params(errors)
        where, msg = params["where"], params["detail"]
        return None, "bad_message", f"{where}: {msg}" if where != "body" else msg, "invalid", params


async def _handle(
    msg: object, ws_sub: Subscriber, session: HubSource, manager: SessionManager, hub: Hub, ws: WebSocket
) -> None:
    if isinstance(msg, SubscribeMessage):
        probe = (msg.probe.split, msg.probe.index) if msg.probe is not None else None
        before = ws_sub.views
        ws_sub.views = set(msg.views)
        try:
            hub.views_changed(probe)
        except ProbeOutOfRange as exc:  # nothing changed: the views stay as they were
            ws_sub.views = before
            hub.views_changed()
            _error(ws_sub, "bad_message", str(exc), *_problem_of(exc, "command_failed"))
        hub.start_stream(ws_sub, msg.since_step, msg.generation)  # only the first one does anything
    elif isinstance(msg, AuthMessage):
        if manager.is_owner(session, msg.token):
            ws_sub.role = "owner"
            ws_sub.owner_token = msg.token  # a mirror's commands carry it to the holder
            ws_sub.push_text(HelloMessage(session_id=session.id, role="owner").model_dump_json())
        else:
            _error(ws_sub, "forbidden", "that token does not own this session", "token_not_owner")
    elif isinstance(msg, CommandMessage):
        if ws_sub.role != "owner":
            message = "only the session's owner can control it; send auth first, or fork it"
            _error(ws_sub, "forbidden", message, "owner_only")
            return
        if isinstance(session, Session):
            await asyncio.to_thread(session.command, msg.action, msg.unit, msg.on, msg.probe)
            status, step, epoch = session.status, session.step, session.epoch
        else:  # a mirror: the holder carries it out
            done = await command_elsewhere(ws, session.id, msg, ws_sub.owner_token)
            status, step, epoch = done["status"], done["step"], done["epoch"]
        ws_sub.push_text(AckMessage(action=msg.action, status=status, step=step, epoch=epoch).model_dump_json())
    elif isinstance(msg, PingMessage):
        ws_sub.push_text(PongMessage().model_dump_json())


async def send_loop(ws: WebSocket, sub: Subscriber) -> None:
    while True:
        await sub.wakeup.wait()
        sub.wakeup.clear()
        # Every queued text goes before the metrics: a history queued while we were sending must
        # reach the client before points that follow it, or the history would wipe them out.
        while sub.texts:
            for text in sub.take_texts():
                await ws.send_text(text)
        if sub.close_reason is not None:  # the session went to another node: reconnect there
            await ws.close(code=1012, reason=sub.close_reason)  # 1012: service restart, try again
            return
        metrics = sub.take_metrics()
        if metrics is not None:
            await ws.send_text(metrics)
        tensors = sub.take_tensor_message()  # joined once for every watcher that takes the same
        if tensors is not None:
            await ws.send_bytes(tensors)


@router.websocket("/api/sessions/{session_id}/stream")
async def stream(ws: WebSocket, session_id: str) -> None:
    limits: RateLimiter = ws.app.state.limits
    address = client_address(ws.scope)
    await ws.accept()
    if not limits.open_websocket(address):
        message = f"too many open websockets from this address (at most {limits.max_websockets})"
        limit = {"limit": limits.max_websockets}
        await ws.send_text(error_frame("rate_limited", message, "too_many_websockets", limit))
        await ws.close(code=1013, reason="too many open websockets")  # 1013: try again later
        return
    try:
        await _serve(ws, session_id, limits, address)
    finally:
        limits.close_websocket(address)


async def _serve(ws: WebSocket, session_id: str, limits: RateLimiter, address: str) -> None:
    manager: SessionManager = ws.app.state.sessions
    cluster = ws.app.state.cluster
    session: HubSource
    try:
        session = await asyncio.to_thread(manager.get, session_id)  # may load it from the store
    except HeldElsewhere:  # many servers: another node trains it; its live stream comes through Redis
        mirror = await watch_elsewhere(ws, cluster, manager, session_id)
        if mirror is None:
            return
        session = mirror
    except SessionDeleted as exc:
        await ws.send_text(error_frame("gone", exc.message(), *deleted_problem(exc)))
        await ws.close(code=4410)
        return
    except SessionNotFound:
        message = f"no session with id {session_id!r}"
        await ws.send_text(error_frame("not_found", message, "session_not_found", {"id": session_id}))
        await ws.close(code=4404)
        return
    except SessionError as exc:  # saved, but this version cannot restore it
        await ws.send_text(error_frame("failed", str(exc), *_problem_of(exc, "session_unrestorable")))
        await ws.close(code=1011)
        return
    except Exception as exc:
        if cluster is None or not cluster.unavailable(exc):
            raise
        await refuse_while_unavailable(ws)
        return
    sub = Subscriber("viewer", manager.settings.max_pending_points)
    sub.push_text(HelloMessage(session_id=session.id, role="viewer").model_dump_json())
    hub = manager.hub(session)
    hub.add(sub)
    manager.start_hub(hub)
    sender = asyncio.create_task(send_loop(ws, sub))
    try:
        while True:
            receive = asyncio.ensure_future(ws.receive())
            done, _ = await asyncio.wait({receive, sender}, return_when=asyncio.FIRST_COMPLETED)
            if sender in done:  # the socket failed while sending
                receive.cancel()
                break
            event = receive.result()
            if event["type"] == "websocket.disconnect":
                break
            if sub.overflowed:  # it sends and never reads: its outbox would grow without bound
                with contextlib.suppress(Exception):
                    await ws.close(code=1008, reason="too many unread messages; read what the server sends")
                break
            wait = limits.take(limits.ws_messages, address)
            if wait > 0:  # dropped unread; the client is told, everyone else carries on
                rate = limits.ws_messages
                _error(sub, "rate_limited", too_many(rate, wait), "rate_limited", too_many_params(rate, wait))
                continue
            if event.get("text") is None:
                message = "binary frames from clients are not understood; send JSON text"
                _error(sub, "bad_message", message, "binary_not_understood")
                continue
            msg, code, message, problem, params = _parse(event["text"])
            if msg is None:
                _error(sub, code, message, problem, params)
                continue
            try:
                await _handle(msg, sub, session, manager, hub, ws)
            except SessionError as exc:  # cannot be done now (e.g. the server's training limit)
                _error(sub, "conflict", str(exc), *_problem_of(exc, "training_not_started"))
            except Exception as exc:  # a failing command must not drop the connection
                logger.exception("stream command failed")
                _error(sub, "failed", f"{type(exc).__name__}: {exc}", "command_failed", {"kind": type(exc).__name__})
    except WebSocketDisconnect:
        pass
    finally:
        try:
            await cancel_and_wait(sender)
        finally:  # even when this handler is cancelled while the sender ends: no watcher left behind
            hub.remove(sub)
            if manager.forget_hub(hub) and cluster is not None:
                await close_mirror(hub)
