"""Persistence: the only package that talks to the database (SQLite by default, PostgreSQL by URL).

`Store` saves and loads `Checkpoint`s; `CheckpointWriter` writes them on one background thread so
training never waits for the disk; `migrations` creates and upgrades the schema on start.
"""

from .checkpoint import Checkpoint
from .store import StaleWrite, Store, StoreError, default_database_url
from .writer import CheckpointWriter

__all__ = ["Checkpoint", "CheckpointWriter", "StaleWrite", "Store", "StoreError", "default_database_url"]
