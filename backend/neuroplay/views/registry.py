"""What a view is: its name, what it applies to, where it is computed and the records it emits.

Each view is defined once, in its own module of this package (`VIEW = ViewDef(...)`), and listed in
`views/__init__.py`'s VIEWS. Everything else reads that table: the websocket schema's ViewName and
record names (schemas/stream.py), the catalog (GET /api/catalog), the engine process and the
session's telemetry. This package imports only the engine, never the server's sessions or schemas, so the schemas can
import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from .context import ViewContext
    from .snapshot_context import SnapshotContext

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
class Record:
    """One tensor record as a view computes it; the session adds the generation and encodes it
    (sessions/telemetry.py). Plain data, so it pickles from the engine process to the server."""

    view: str
    name: str
    layer: int | None
    data: np.ndarray
    step: int
    param: str | None = None
    first_step: int | None = None
    stride: int | None = None
    percentiles: tuple[float, ...] | None = None
    edges: tuple[float, ...] | None = None
    non_finite: int | None = None
    probe: tuple[str, int] | None = None  # (split, index)

    @property
    def key(self) -> str:
        """Latest-wins identity: a newer record with the same key replaces this one."""
        return f"{self.name}/{self.layer}/{self.param}"


Compute = Callable[["ViewContext"], list[Record]]
ComputeFromSnapshot = Callable[["SnapshotContext"], list[Record]]


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
    # Engine views: the records from the context (the last step's caches, the probe, the series).
    compute: Compute | None = None
    # Server views: the records from a weight snapshot (sessions/telemetry.py runs it).
    compute_snapshot: ComputeFromSnapshot | None = None

    def applies_to(self, layer_type: str) -> bool:
        return self.layer_types is None or layer_type in self.layer_types
