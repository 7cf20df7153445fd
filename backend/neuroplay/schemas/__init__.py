"""Pydantic models: the one definition of every wire format (exported to shared_schemas/)."""
