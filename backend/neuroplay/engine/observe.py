"""What the views show of a layer after a step, gathered from what forward and backward already
cached: no extra pass through the network. Norms and histograms are computed here on demand, at
display rate, never inside a training step."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .layers import Layer
from .network import Network


@dataclass(frozen=True)
class Histogram:
    counts: np.ndarray  # (bins,) int64
    edges: np.ndarray  # (bins + 1,) float32; the finite range of the values (a tiny one if constant)
    non_finite: int  # values that are NaN or ±Inf, left out of the counts


def histogram(values: np.ndarray, bins: int = 20) -> Histogram:
    flat = np.asarray(values, dtype=np.float32).ravel()
    finite = flat[np.isfinite(flat)]
    if finite.size == 0:
        return Histogram(np.zeros(bins, np.int64), np.linspace(-1, 1, bins + 1, dtype=np.float32), flat.size)
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(finite, bins=bins, range=(lo, hi))
    return Histogram(counts, edges.astype(np.float32), int(flat.size - finite.size))


@dataclass
class LayerReport:
    """Everything the views may draw about one layer after the last step."""

    index: int
    type: str
    arrays: dict[str, np.ndarray]  # observe(): input, preactivation, output, mask, hidden_states, ...
    grad_output: np.ndarray | None  # dL/dy of the last backward
    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    param_norms: dict[str, float] = field(default_factory=dict)
    grad_norms: dict[str, float] = field(default_factory=dict)
    histograms: dict[str, Histogram] = field(default_factory=dict)


def layer_report(index: int, layer: Layer, bins: int = 20) -> LayerReport:
    arrays = layer.observe()
    report = LayerReport(index, layer.type_tag, arrays, layer.grad_output, dict(layer.params), dict(layer.grads))
    for name, p in layer.params.items():
        report.param_norms[name] = float(np.linalg.norm(p))
        report.histograms[f"param:{name}"] = histogram(p, bins)
    for name, g in layer.grads.items():
        report.grad_norms[name] = float(np.linalg.norm(g))
        report.histograms[f"grad:{name}"] = histogram(g, bins)
    for name in ("preactivation", "output", "normalized", "input"):
        if name in arrays:
            report.histograms[name] = histogram(arrays[name], bins)
    if layer.grad_output is not None:
        report.histograms["grad_output"] = histogram(layer.grad_output, bins)
    return report


def network_report(network: Network, bins: int = 20) -> list[LayerReport]:
    return [layer_report(i, layer, bins) for i, layer in enumerate(network.layers)]
