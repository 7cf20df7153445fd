"""What the views show, computed from a weight snapshot: boundary and neuron maps over the input
plane, weights and biases. Computed once per display frame per session, whatever the number of
watchers: on the engine process's reader thread when a snapshot arrives while the session plays
(the process itself does nothing for watchers), otherwise by whoever changed the weights."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..data.features import derive
from ..engine import Network, build_network
from ..schemas.stream import ProbeRef, TensorHeader, ViewName
from ..views.registry import Record
from .frames import encode_tensor_frame

TensorFrame = tuple[str, ViewName, bytes]  # (key for latest-wins, the view it belongs to, frame)
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
    frames: list[TensorFrame]


def grid_points(size: int, extent: float = GRID_EXTENT) -> np.ndarray:
    """(size², 2) points in row-major order; row 0 is the top (largest x2), column 0 the left."""
    centres = -extent + (np.arange(size) + 0.5) * (2 * extent / size)
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1).astype(np.float32)


def encode_record(record: Record, generation: int) -> TensorFrame:
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
    return record.key, record.view, encode_tensor_frame(header, record.data)


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

    def compute(self, snapshot: Snapshot, views: set[ViewName]) -> list[TensorFrame]:
        net = self._network_for(snapshot)
        frames: list[TensorFrame] = []

        def add(
            key: str, view: ViewName, name: str, layer: int | None, data: np.ndarray, param: str | None = None
        ) -> None:
            header = TensorHeader(
                name=name,
                view=view,
                layer=layer,
                param=param,
                shape=list(data.shape),
                step=snapshot.step,
                generation=snapshot.generation,
            )
            frames.append((key, view, encode_tensor_frame(header, data)))

        g = self.grid_size
        if views & {"boundary", "neurons"} and snapshot.features:
            inputs = self._grid_inputs.get(snapshot.features)
            if inputs is None:
                inputs = self._grid_inputs[snapshot.features] = derive(self.grid, list(snapshot.features))
            with np.errstate(all="ignore"):
                out = net.forward(inputs, training=False)
            if "boundary" in views:
                boundary = out[:, 0]
                if snapshot.output_is_logit:
                    boundary = 0.5 * (1 + np.tanh(0.5 * boundary))
                add("boundary", "boundary", "boundary", None, boundary.reshape(g, g))
            if "neurons" in views:
                for i, layer in enumerate(net.layers):
                    y = getattr(layer, "y", None)
                    if y is None or y.ndim != 2 or y.shape[1] > self.max_neuron_maps:
                        continue
                    add(f"neurons/{i}", "neurons", "neurons", i, y.T.reshape(-1, g, g))
        if "weights" in views:
            for i, layer in enumerate(net.layers):
                for param, value in layer.params.items():
                    if param == "b":
                        add(f"biases/{i}", "weights", "biases", i, value, param)
                    else:
                        add(f"weights/{i}/{param}", "weights", "weights", i, value, param)
        return frames
