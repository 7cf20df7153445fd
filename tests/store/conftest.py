"""Store tests take `database_url` (tests/conftest.py): each runs on a SQLite file and on a PostgreSQL
database of its own, so the same code is tested on both."""
