"""All live sessions of one server, their owner tokens and their watch hubs.

Owned by the app (app.state.sessions), never a module global. Tokens are stored as SHA-256 hashes.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading

from ..config import Settings
from .build import Specs
from .hub import Hub
from .session import Session


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionNotFound(KeyError):
    pass


class SessionManager:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sessions: dict[str, Session] = {}
        self._hubs: dict[str, Hub] = {}
        self._lock = threading.Lock()

    def create(self, specs: Specs) -> tuple[Session, str]:
        """A new session and its owner token (returned once, kept only as a hash)."""
        token = secrets.token_urlsafe(32)
        session = Session(
            session_id=secrets.token_urlsafe(16),  # 128 random bits
            owner_token_hash=hash_token(token),
            specs=specs,
            grid_size=self.settings.grid_size,
            display_hz=self.settings.display_hz,
            max_history_points=self.settings.max_history_points,
            max_neuron_maps=self.settings.max_neuron_maps,
        )
        with self._lock:
            self._sessions[session.id] = session
            self._evict_beyond_cap()
        return session, token

    def get(self, session_id: str) -> Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionNotFound(session_id)
        return session

    @staticmethod
    def is_owner(session: Session, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(session.owner_token_hash, hash_token(token))

    def hub(self, session: Session) -> Hub:
        """The running hub of a session, started on first use (call from the event loop)."""
        hub = self._hubs.get(session.id)
        if hub is None or hub.task is None or hub.task.done():
            hub = Hub(session, self.settings.display_hz)
            self._hubs[session.id] = hub
        return hub

    def start_hub(self, hub: Hub) -> None:
        if hub.task is None or hub.task.done():
            hub.task = asyncio.get_running_loop().create_task(hub.run())

    def close_all(self) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            session.close()

    def _evict_beyond_cap(self) -> None:
        """Forget the least recently used sessions that nobody runs or watches (until persistence
        exists, that is the only way memory stays bounded when many pages are opened)."""
        excess = len(self._sessions) - self.settings.max_sessions
        if excess <= 0:
            return
        idle = sorted(
            (s for s in self._sessions.values() if not s.running and s.id not in self._hubs),
            key=lambda s: s.last_used,
        )
        for session in idle[:excess]:
            del self._sessions[session.id]

    def forget_hub(self, hub: Hub) -> None:
        if not hub.subscribers and self._hubs.get(hub.session.id) is hub:
            del self._hubs[hub.session.id]
