"""Shared request plumbing: the session manager of this app and the owner check."""

from __future__ import annotations

from fastapi import HTTPException, Request

from ..schemas.error_codes import coded
from ..sessions.manager import SessionManager
from ..sessions.session import Session


def manager_of(request: Request) -> SessionManager:
    manager: SessionManager = request.app.state.sessions
    return manager


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_owner(request: Request, session: Session) -> None:
    """401 without a bearer token, 403 with one that is not this session's owner token."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise coded(
            HTTPException(
                401,
                "changing a session needs its owner token: send 'Authorization: Bearer <owner_token>'",
                headers={"WWW-Authenticate": "Bearer"},
            ),
            "owner_token_missing",
        )
    if not manager_of(request).is_owner(session, token):
        raise coded(HTTPException(403, "this token does not own the session; fork it to experiment"), "not_owner")
