"""The views a watcher can open: one module per view, each defining VIEW; this table lists them.

Adding a view: write its module (definition and computation), add it to the tuple below
(docs/extending.md). Nothing else keeps a list of views.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import batch, bn_stats, boundary, dropout_mask, grad_norms, histograms, neurons, probe, rnn_states, weights
from .registry import RecordDef, ViewDef

VIEWS: Mapping[str, ViewDef] = MappingProxyType(
    {
        module.VIEW.name: module.VIEW
        for module in (
            boundary,
            neurons,
            weights,
            probe,
            grad_norms,
            histograms,
            dropout_mask,
            bn_stats,
            rnn_states,
            batch,
        )
    }
)
VIEW_NAMES: tuple[str, ...] = tuple(VIEWS)
RECORD_NAMES: tuple[str, ...] = tuple(record.name for view in VIEWS.values() for record in view.records)

__all__ = ["RECORD_NAMES", "VIEWS", "VIEW_NAMES", "RecordDef", "ViewDef"]
