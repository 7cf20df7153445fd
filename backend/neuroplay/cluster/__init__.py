"""Several NeuroPlay servers sharing one classroom (issue 15): PostgreSQL for what is saved, Redis for
what is live. Nothing here is used without NEUROPLAY_REDIS_URL; the single server needs none of it.
The design is in docs/decisions.md ("Many servers")."""

# The ASGI scope key of a request another node forwarded here (cluster/requests.py). A scope key, not
# a header: no client can set it, so the middlewares may trust it (no second rate count, no re-routing).
FORWARDED = "neuroplay.forwarded"
# The header of an answer whose node found the session held by another (api/cluster_routing.py sends
# the request on there); never shown to a client.
HELD_BY = "x-neuroplay-held-by"
