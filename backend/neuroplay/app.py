"""The FastAPI application: API routers, error handlers and the static frontend."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from .api import catalog, health, sessions, stream
from .api.errors import install_error_handlers
from .config import Settings
from .sessions.manager import SessionManager


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.sessions.close_all()  # stop every runner thread before the process ends

    app = FastAPI(title="NeuroPlay", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.sessions = SessionManager(settings)
    install_error_handlers(app)
    for module in (health, catalog, sessions, stream):
        app.include_router(module.router)

    index = settings.frontend_dir / "index.html"

    @app.get("/", include_in_schema=False)
    @app.get("/s/{session_id}", include_in_schema=False)
    def page(session_id: str | None = None) -> FileResponse:
        # The share link /s/{id} is the same single page; the script reads the id from the path.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.mount("/", StaticFiles(directory=settings.frontend_dir), name="frontend")
    return app
