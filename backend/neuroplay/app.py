"""The FastAPI application: API routers, error handlers and the static frontend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import FileResponse

from .api import catalog, datasets, exports, health, lessons, sessions, stream
from .api import inspect as inspect_api
from .api import landscape as landscape_api
from .api import params as params_api
from .api.compression import CompressedApiReads
from .api.errors import install_error_handlers
from .api.json_depth import JsonDepthLimit
from .api.rate_limits import HttpRateLimits, RateLimiter
from .api.security_headers import SecurityHeaders, install_log_redaction
from .config import Settings
from .frontend_files import frontend_app
from .frontend_minified import make_minified_copies
from .lessons.catalog import load_lessons
from .sessions.manager import SessionManager
from .store import Store
from .store.single_server import lock_database, refuse_sqlite_with_redis

if TYPE_CHECKING:
    from .cluster.membership import ClusterMembership


def join_cluster(settings: Settings, sessions: Callable[[], SessionManager]) -> ClusterMembership:
    from .cluster.membership import ClusterMembership  # imports redis: only on a node of several

    return ClusterMembership(settings, sessions)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    if settings.redis_url:
        refuse_sqlite_with_redis(settings)
    database_lock = lock_database(settings.resolved_database_url())  # raises if another server has it
    store = Store(settings.resolved_database_url(), busy_timeout=settings.database_busy_timeout_seconds)
    node = join_cluster(settings, lambda: app.state.sessions) if settings.redis_url else None
    minified = make_minified_copies(settings.frontend_dir, settings.data_dir, settings.minify_frontend)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if node is not None:
            node.start(app)
        yield
        if node is not None:
            await node.stop()
        # Uvicorn gets here on SIGTERM and SIGINT too: stop every runner, write every session's
        # checkpoint, and only then let the process end (a node of several then hands them over).
        app.state.sessions.close_all()
        if node is not None:
            await node.close()
        store.close()
        if database_lock is not None:
            database_lock.close()

    app = FastAPI(title="NeuroPlay", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.sessions = SessionManager(settings, store, node.cluster if node is not None else None)
    app.state.cluster = node  # None: the single server
    app.state.lessons = load_lessons()  # a broken lesson stops the server here, naming its folder
    install_error_handlers(app)
    # Added innermost first: the security headers go outermost, so refusals (413, 422, 429) carry them too.
    app.add_middleware(JsonDepthLimit)
    if node is not None:
        node.install(app)  # requests for sessions held by other nodes go there
    app.state.limits = RateLimiter(settings)
    app.add_middleware(HttpRateLimits, limiter=app.state.limits)
    app.add_middleware(SecurityHeaders, index_html=settings.frontend_dir / "index.html")
    app.add_middleware(CompressedApiReads)  # outermost: what leaves the node is compressed once
    install_log_redaction()
    for module in (
        health,
        catalog,
        sessions,
        datasets,
        exports,
        stream,
        lessons,
        inspect_api,
        params_api,
        landscape_api,
    ):
        app.include_router(module.router)

    index = settings.frontend_dir / "index.html"

    @app.get("/", include_in_schema=False)
    @app.get("/s/{session_id}", include_in_schema=False)
    def page(session_id: str | None = None) -> FileResponse:
        # The share link /s/{id} is the same single page; the script reads the id from the path.
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.mount("/", frontend_app(settings.frontend_dir, minified), name="frontend")
    return app
