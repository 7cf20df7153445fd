from __future__ import annotations

from fastapi import APIRouter

from .. import __version__
from ..schemas.errors import Health

router = APIRouter()


@router.get("/api/health", response_model=Health)
def health() -> Health:
    return Health(status="ok", version=__version__)
