"""What a view is: its name, what it applies to, where it is computed and the records it emits.

Each view is defined once, in its own module of this package (`VIEW = ViewDef(...)`), and listed in
`views/__init__.py`'s VIEWS. Everything else reads that table: the websocket schema's ViewName and
record names (schemas/stream.py), the catalog (GET /api/catalog), the engine process and the
session's telemetry. This module imports nothing of the server, so the schemas can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ComputedIn = Literal["engine", "server"]

DATA_KINDS = frozenset({"points", "image", "sequence", "table"})
# Layer types with trained parameters (the ones gradients, weights and their histograms exist for).
PARAMETRIC_LAYERS = frozenset({"dense", "conv2d", "batch_norm", "simple_rnn"})
ALL_LAYERS = frozenset(
    {"dense", "activation", "conv2d", "max_pool2d", "avg_pool2d", "flatten", "dropout", "batch_norm", "simple_rnn"}
)


@dataclass(frozen=True)
class RecordDef:
    """One kind of binary tensor record a view emits (docs/protocol.md lists them all)."""

    name: str
    per_layer: bool  # the header's `layer` is set (else null)
    shape: str  # the shape, in words: "(units, time)"
    meaning: str


@dataclass(frozen=True)
class ViewDef:
    name: str
    description: str
    computed_in: ComputedIn  # "engine": in the engine process from the last step's caches; "server": from snapshots
    records: tuple[RecordDef, ...]
    layer_types: frozenset[str] | None  # the layers it shows something of; None: the whole network
    data_kinds: frozenset[str] = DATA_KINDS
    needs_probe: bool = False  # shows the probe sample named in the subscribe
    per_step: bool = False  # collects something at every training step while watched

    def applies_to(self, layer_type: str) -> bool:
        return self.layer_types is None or layer_type in self.layer_types
