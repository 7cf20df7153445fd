"""The distribution of each layer's pre-activations over a batch of samples (GET .../preactivations):
drawn over the plot of f and f' beside each layer, so a learner sees where the units work (the
steep middle of a sigmoid) and where they saturate."""

from __future__ import annotations

import numpy as np

from ..engine.activations import ActivationFn, get_activation
from ..engine.inspect import preactivations
from ..schemas.inspect import ActivationCurve, PreactivationHistogram
from ..schemas.model import NetworkSpec
from .probe import Inspectable, network_of
from .telemetry import Snapshot

MAX_SAMPLES = 2048
MAX_BINS = 100
CURVE_SPAN = 4.0  # the curve's axis reaches at least this far either side of 0 (and covers the histogram)
CURVE_POINTS = 73  # one sample per pixel column of the 72-pixel plot, both ends included


def curve(act: ActivationFn, lo: float, hi: float) -> ActivationCurve | None:
    """f and f′ of `act` at CURVE_POINTS equal steps over [min(-span, lo), max(span, hi)], by the
    engine's own functions (float64); None for softmax, which has no scalar f′."""
    if not act.elementwise:
        return None
    u = np.linspace(min(-CURVE_SPAN, lo), max(CURVE_SPAN, hi), CURVE_POINTS)
    f = act.forward(u)
    return ActivationCurve(u=u.tolist(), f=f.tolist(), slope=act.slope(f).tolist())


def flat_count(act: ActivationFn, u: np.ndarray) -> int | None:
    """How many of the values `u` lie where f′ is under the activation's flat threshold (None: no flat part)."""
    if act.flat_below is None or not act.elementwise:
        return None
    return int(np.count_nonzero(act.slope(act.forward(u)) < act.flat_below))


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
        act = get_activation(getattr(spec.layers[i], "activation", None) or "linear")
        out.append(
            PreactivationHistogram(
                index=i,
                type=spec.layers[i].type,
                activation=act.name,
                edges=[float(e) for e in edges],
                counts=[int(c) for c in counts],
                values=int(finite.size),
                non_finite=int(flat.size - finite.size),
                curve=curve(act, float(edges[0]), float(edges[-1])),
                flat_values=flat_count(act, finite),
            )
        )
    return snapshot, len(batch), out
