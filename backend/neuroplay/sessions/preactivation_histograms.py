"""The distribution of each layer's pre-activations over a batch of samples (GET .../preactivations):
drawn over the plot of f and f' beside each layer, so a learner sees where the units work (the
steep middle of a sigmoid) and where they saturate."""

from __future__ import annotations

import numpy as np

from ..engine.inspect import preactivations
from ..schemas.inspect import PreactivationHistogram
from ..schemas.model import NetworkSpec
from .probe import Inspectable, network_of
from .telemetry import Snapshot

MAX_SAMPLES = 2048
MAX_BINS = 100


def histograms(
    session: Inspectable, split: str, samples: int, bins: int
) -> tuple[Snapshot, int, list[PreactivationHistogram]]:
    """The first `samples` samples of `split` through a copy of the latest snapshot's network; one
    histogram of `bins` equal bins (over the finite values' range) per layer that has a u."""
    snapshot, data = session.snapshot, session.data
    x = data.x_train if split == "train" else data.x_val
    batch = x[:samples]
    spec = NetworkSpec.model_validate_json(snapshot.model_key)
    if not len(batch):
        return snapshot, 0, []
    network = network_of(snapshot)
    out = []
    for i, u in enumerate(preactivations(network, batch)):
        if u is None:
            continue
        flat = u.astype(np.float64).ravel()
        finite = flat[np.isfinite(flat)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        if hi - lo < 1e-6:  # one value (or none): a narrow bin around it
            lo, hi = lo - 0.5, hi + 0.5
        counts, edges = np.histogram(finite, bins=bins, range=(lo, hi))
        out.append(
            PreactivationHistogram(
                index=i,
                type=spec.layers[i].type,
                activation=getattr(spec.layers[i], "activation", None) or "linear",
                edges=[float(e) for e in edges],
                counts=[int(c) for c in counts],
                values=int(finite.size),
                non_finite=int(flat.size - finite.size),
            )
        )
    return snapshot, len(batch), out
