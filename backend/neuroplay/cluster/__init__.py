"""Several NeuroPlay servers sharing one classroom (issue 15): PostgreSQL for what is saved, Redis for
what is live. Nothing here is used without NEUROPLAY_REDIS_URL; the single server needs none of it.
The design is in docs/decisions.md ("Many servers")."""
