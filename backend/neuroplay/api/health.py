from __future__ import annotations

from fastapi import APIRouter

from .. import __version__
from ..schemas.errors import Health

router = APIRouter()


@router.get("/api/health", response_model=Health)
async def health() -> Health:
    # async: answered on the event loop itself, without a hop to the thread pool and back (two GIL
    # hand-offs on a busy server; issue 12, docs/decisions.md).
    return Health(status="ok", version=__version__)
