"""The server views (views/ with compute_snapshot: boundary and neuron maps over the input plane,
every parameter) computed from a weight snapshot, and every view's records encoded for the wire.
Computed once per display frame per session, whatever the number of watchers: on the engine
process's reader thread when a snapshot arrives while the session plays, otherwise by whoever
changed the weights."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..data.features import derive
from ..engine import Network, build_network
from ..schemas.inspect import ProbeRef
from ..schemas.session import GridSpec
from ..schemas.stream import TensorHeader, ViewName
from ..views import VIEWS
from ..views.registry import Record
from ..views.snapshot_context import SnapshotContext
from .tensor_records import encode_tensor_record

EncodedRecord = tuple[str, ViewName, bytes]  # (key for latest-wins, the view it belongs to, the record's bytes)
GRID_EXTENT = 6.0  # 2-D data lives in [-6, 6]²


@dataclass(frozen=True)
class Snapshot:
    """Weights at one moment; published by replacing Session.snapshot whole."""

    generation: int
    step: int
    epoch: int
    weights: dict[str, np.ndarray]
    model_key: str
    output_is_logit: bool = False  # the loss reads the output as a raw score: show sigmoid of it
    features: tuple[str, ...] | None = None  # 2-D data: the inputs derived from (x1, x2); else no maps


@dataclass(frozen=True)
class TelemetryFrames:
    """The encoded tensor frames of one snapshot for a set of views; replaced whole."""

    snapshot: Snapshot
    views: frozenset[ViewName]
    frames: list[EncodedRecord]


def grid_points(size: int, extent: float = GRID_EXTENT) -> np.ndarray:
    """(size², 2) points in row-major order; row 0 is the top (largest x2), column 0 the left."""
    centres = -extent + (np.arange(size) + 0.5) * (2 * extent / size)
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1).astype(np.float32)


def grid_spec(size: int, extent: float = GRID_EXTENT) -> GridSpec:
    """The grid `grid_points(size, extent)` lays over the plane, as the wire describes it."""
    return GridSpec(x_min=-extent, x_max=extent, y_min=-extent, y_max=extent, size=size)


def encode_record(record: Record, generation: int) -> EncodedRecord:
    """An engine view's record as a binary tensor record (docs/protocol.md)."""
    header = TensorHeader(
        name=record.name,
        view=record.view,
        layer=record.layer,
        shape=list(record.data.shape),
        step=record.step,
        generation=generation,
        param=record.param,
        first_step=record.first_step,
        stride=record.stride,
        percentiles=list(record.percentiles) if record.percentiles is not None else None,
        edges=list(record.edges) if record.edges is not None else None,
        non_finite=record.non_finite,
        probe=ProbeRef(split=record.probe[0], index=record.probe[1]) if record.probe is not None else None,  # type: ignore[arg-type]
    )
    # A series piece has a key of its own, so that one piece never replaces another.
    key = record.key if record.first_step is None else f"{record.key}@{record.first_step}"
    return key, record.view, encode_tensor_record(header, record.data)


class Telemetry:
    """Keeps a forward-only copy of the session's network and fills it from snapshots."""

    def __init__(self, grid_size: int, max_neuron_maps: int) -> None:
        self.grid_size = grid_size
        self.max_neuron_maps = max_neuron_maps
        self.grid = grid_points(grid_size)
        self._grid_inputs: dict[tuple[str, ...], np.ndarray] = {}
        self._model_key: str | None = None
        self._network: Network | None = None

    def _network_for(self, snapshot: Snapshot) -> Network:
        if self._network is None or self._model_key != snapshot.model_key:
            self._network = build_network(json.loads(snapshot.model_key))
            self._model_key = snapshot.model_key
        self._network.set_weights(snapshot.weights)
        return self._network

    def compute(self, snapshot: Snapshot, views: set[ViewName]) -> list[EncodedRecord]:
        """The records of the watched server views for `snapshot`, encoded."""
        net = self._network_for(snapshot)
        inputs = None
        if snapshot.features:
            inputs = self._grid_inputs.get(snapshot.features)
            if inputs is None:
                inputs = self._grid_inputs[snapshot.features] = derive(self.grid, list(snapshot.features))
        ctx = SnapshotContext(
            net, snapshot.step, self.grid_size, inputs, snapshot.output_is_logit, self.max_neuron_maps
        )
        frames: list[EncodedRecord] = []
        for name, view in VIEWS.items():
            if name in views and view.compute_snapshot is not None:
                frames.extend(encode_record(record, snapshot.generation) for record in view.compute_snapshot(ctx))
        return frames
