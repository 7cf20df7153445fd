"""The probe sample of a session: one training or validation sample, looked at alone (the inspect
endpoint) or trained on alone (a phase step "on the probe")."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..data import Dataset
from ..engine import Network, build_network, get_loss
from ..engine.inspect import Inspection, inspect_sample
from ..schemas.error_codes import coded
from ..schemas.model import NetworkSpec
from .build import Specs
from .telemetry import Snapshot


class Inspectable(Protocol):
    """What inspecting needs of a session (a protocol: session.py imports this module)."""

    @property
    def snapshot(self) -> Snapshot: ...
    @property
    def specs(self) -> Specs: ...
    @property
    def data(self) -> Dataset: ...


# A model change between reading the snapshot and reading the specs can pair a loss with a network
# it does not fit; reading again gets a matching pair (changes are rare next to reads).
ATTEMPTS = 3


class ProbeIndexError(IndexError):
    """The index is not a sample of the split; the message names both."""


def probe_sample(data: Dataset, split: str, index: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of one sample with a batch axis of 1."""
    x, y = (data.x_train, data.y_train) if split == "train" else (data.x_val, data.y_val)
    if not 0 <= index < len(x):
        last = f" (0-{len(x) - 1})" if len(x) else ""
        message = f"index {index} is out of range: the {split} split has {len(x)} samples{last}"
        raise coded(ProbeIndexError(message), "probe_out_of_range", split=split, size=len(x), index=index)
    return x[index : index + 1], y[index : index + 1]


def network_of(snapshot: Snapshot) -> Network:
    """A fresh network with the snapshot's model and weights: the session's own is never touched."""
    network = build_network(NetworkSpec.model_validate_json(snapshot.model_key))
    network.set_weights(snapshot.weights)
    return network


def inspect_probe(session: Inspectable, split: str, index: int) -> tuple[Snapshot, Inspection]:
    """Inspect a sample of the session with its latest published weights:
    the exact ones of a stopped session, a running one's newest snapshot (training never pauses)."""
    for attempt in range(ATTEMPTS):
        snapshot, specs, data = session.snapshot, session.specs, session.data
        x, y = probe_sample(data, split, index)
        network = network_of(snapshot)
        try:
            return snapshot, inspect_sample(network, get_loss(specs.resolved_loss()), x, y)
        except (ValueError, IndexError):
            if attempt == ATTEMPTS - 1 or session.snapshot is snapshot:
                raise  # nothing changed meanwhile: a real error
    raise AssertionError("unreachable")
