"""The tables as the newest migration leaves them (SQLAlchemy Core; the same on SQLite and PostgreSQL).

Queries use these definitions; `migrations.py` is what creates and changes the real tables, and a test
checks that a fully migrated database has exactly these columns.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),  # one row: the number of the last migration applied
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner_token_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("epoch", BigInteger, nullable=False),
    Column("generation", Integer, nullable=False),
    Column("model", Text, nullable=False),  # NetworkSpec JSON
    Column("dataset", Text, nullable=False),  # DatasetSpec JSON
    Column("training", Text, nullable=False),  # TrainingConfig JSON
    Column("divergence", Text),  # Divergence JSON or NULL
    Column("error", Text),
    Column("history", LargeBinary, nullable=False),  # .npz, one array per MetricPoint field
    Column("weights", LargeBinary, nullable=False),  # .npz, Network.get_weights()
    Column("optimizer", LargeBinary, nullable=False),  # .npz, Optimizer.state_arrays()
    Column("trainer_state", Text, nullable=False),  # JSON: batch position, epoch, generator states
    Column("trainer_arrays", LargeBinary, nullable=False),  # .npz: the current batch order
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("forked_from", String(64), index=True),  # migration 2
    Column("opened_at", DateTime(timezone=True)),  # migration 4: last opened (NULL: see updated_at)
    Column("fence", BigInteger),  # migration 5: the lease token of the last write (NULL: one server)
)

deleted_sessions = Table(  # migration 4: what the retention sweep removed, so a link can say so
    "deleted_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("deleted_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
)

uploads = Table(  # migration 3: uploaded data files, stored once however many sessions use them
    "uploads",
    metadata,
    Column("digest", String(64), primary_key=True),  # SHA-256 hex of the bytes
    Column("name", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
