"""One server per SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from neuroplay.store.single_server import DatabaseInUse, lock_database


def test_a_second_lock_on_the_same_file_is_refused_and_freed_with_the_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'neuroplay.db'}"
    first = lock_database(url)
    assert first is not None
    with pytest.raises(DatabaseInUse, match="another NeuroPlay server is using"):
        lock_database(url)
    first.close()
    again = lock_database(url)
    assert again is not None
    again.close()


def test_other_databases_need_no_lock() -> None:
    assert lock_database("postgresql+psycopg://u@localhost/db") is None
    assert lock_database("sqlite:///:memory:") is None
