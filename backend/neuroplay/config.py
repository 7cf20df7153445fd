"""All server settings in one place; each can be set by an environment variable NEUROPLAY_<NAME>."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .store import default_database_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEUROPLAY_")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("data")
    frontend_dir: Path = Field(
        default_factory=lambda: Path(__file__).resolve().parents[2] / "frontend",
        description="Static files served at /; node_modules inside it is served too.",
    )
    minify_frontend: bool = Field(
        True, description="Serve esbuild-minified copies of the own modules and stylesheets (frontend_minified.py)."
    )
    display_hz: float = Field(30.0, gt=0, le=120, description="Telemetry frames per second at most.")
    grid_size: int = Field(50, ge=8, le=200, description="Resolution of boundary and neuron maps.")
    max_neuron_maps: int = Field(64, description="Layers wider than this get no per-neuron maps.")
    max_sessions: int = Field(
        500, ge=1, description="Sessions kept in memory; beyond this idle ones are unloaded (they stay saved)."
    )
    max_history_points: int = Field(20000, ge=100, description="Older points are thinned beyond this.")
    max_pending_points: int = Field(
        50000, description="A watcher this far behind gets the whole history again instead."
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the database (e.g. postgresql+psycopg://user@host/db); "
        "None: SQLite in <data_dir>/neuroplay.db.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For names the client (uvicorn's setting; '*': any, for nodes "
        "only a proxy reaches), so per-address limits count learners, not the proxy.",
    )
    redis_url: str | None = Field(
        None,
        description="Redis URL (redis://host:6379/0) that makes this server one node of several sharing "
        "the classroom (issue 15); it then needs a PostgreSQL database_url. None: one server on its own.",
    )
    redis_prefix: str = Field("neuroplay:", description="Prefix of every Redis key of this deployment.")
    node_id: str | None = Field(
        None, description="This node's name among several (one word); None: the host name and process id."
    )
    lease_seconds: float = Field(
        5.0,
        gt=0.2,
        le=600,
        description="A node holds each of its sessions for this long unless it renews the hold (every third "
        "of it); a node that dies gives its sessions up after this.",
    )
    forward_timeout_seconds: float = Field(
        30.0, gt=0, description="A request for a session held by another node waits this long for its answer."
    )
    database_busy_timeout_seconds: float = Field(
        30, gt=0, description="A write waits this long for a database lock another program holds, then fails."
    )
    engine_spares: int = Field(
        1, ge=0, le=16, description="Engine processes kept started and idle, so pressing play trains at once."
    )
    engine_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="How much lower the engine processes' CPU priority is than the server's (Unix nice "
        "steps), so training never keeps the server from answering; 0: the same priority.",
    )
    engine_idle_class: bool = Field(
        True,
        description="While the sessions training fill the machine's cores, run their engine processes in "
        "Linux's SCHED_IDLE class: they train only on cycles the server (and every other normal process) "
        "does not want, so answering never waits for training (docs/decisions.md); false: engine_nice only.",
    )
    max_training_sessions: int = Field(
        32, ge=1, description="Sessions training at once (each in its own engine process); play beyond is refused."
    )
    max_upload_storage_mb: int = Field(
        1024,
        ge=1,
        description="Uploaded files kept at most; beyond it files no session uses are deleted, "
        "and if that is not enough the upload is refused (507).",
    )
    upload_grace_seconds: float = Field(
        600,
        ge=0,
        description="An unused upload is only deleted this long after it was stored.",
    )
    checkpoint_seconds: float = Field(
        5.0, gt=0, le=3600, description="A running session is saved this often; a hard kill loses at most this."
    )

    max_activation_mb: int = Field(
        1024,
        ge=1,
        description="Activation memory one training batch (or one chunk of scoring) may need; a network "
        "over it is refused before it is built (422 naming the layer).",
    )
    retention_days: float = Field(
        0,
        ge=0,
        description="0: keep every session. Otherwise sessions not opened for this many days, not running, "
        "not watched and not the source of a fork that still exists are deleted with their checkpoint and "
        "the uploads only they used; their link then answers 410 saying so.",
    )
    retention_sweep_seconds: float = Field(3600, gt=0, description="How often the retention sweep runs.")
    # Per-client limits, by address (api/rate_limits.py). A classroom behind one NAT address is one
    # client here, so the defaults leave room for 60 students at once.
    rate_limits: bool = Field(True, description="false: no per-address limits at all (the test servers).")
    sessions_per_minute: int = Field(120, ge=1, description="Sessions created (and forked) per address and minute.")
    uploads_per_minute: int = Field(60, ge=1, description="Uploaded files per address and minute.")
    ws_messages_per_second: float = Field(
        100, gt=0, description="Websocket messages per address and second, on average (all its sockets)."
    )
    ws_messages_burst: int = Field(400, ge=1, description="Websocket messages per address at once, above the average.")
    websockets_per_client: int = Field(256, ge=1, description="Websockets open at once per address.")

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url(self.data_dir)
