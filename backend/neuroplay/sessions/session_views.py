"""What a session's watchers see: the views watched and the probe, the records of the engine views
(sent by the engine process while it plays, computed here after a manual step or for a new watcher
of a paused session), the server views computed from weight snapshots, and the batch losses.

The session owns one SessionViews; the hub sets what is watched (`watch`) and reads `frames` and
`batch_losses`. Everything here is counted in `computed` (view name -> frames computed), so a test can
see that nobody watching means nothing computed, in the engine process or here.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from ..engine import Network, StepResult, Trainer
from ..schemas.error_codes import coded
from ..views import VIEWS
from ..views.compute import collects_per_step, compute_engine_views, needs_probe
from ..views.context import Probe, ProbeNetwork, ViewContext
from ..views.registry import Record
from ..views.series import GradNormCollector
from .build import TrainingArrays
from .engine_messages import Progress
from .telemetry import EncodedRecord, Snapshot, Telemetry, TelemetryFrames, encode_record

ProbeKey = tuple[str, int]  # (split, index): a probe as the engine process and the hub hold it
MAX_BATCH_LOSSES = 20_000  # kept for watchers that are behind; older pairs are dropped
MAX_SERIES_PIECES = 256  # series pieces kept for the hub (about 8 s of frames)


class ProbeOutOfRange(ValueError):
    """The probe names a sample the split does not have."""


class BatchLossLog:
    """[step, loss] of the batches (already thinned per display frame), in step order."""

    def __init__(self) -> None:
        self.pairs: list[tuple[int, float]] = []

    def extend(self, pairs: list[tuple[int, float]]) -> None:
        self.pairs.extend(pairs)
        if len(self.pairs) > MAX_BATCH_LOSSES:
            del self.pairs[: len(self.pairs) - MAX_BATCH_LOSSES]

    def since(self, step: int) -> list[tuple[int, float]]:
        return after(self.pairs, step)

    def clear(self) -> None:
        self.pairs = []

    def truncate_after(self, step: int) -> None:
        """Drop the pairs after `step` (the session went back to it)."""
        self.pairs = [pair for pair in self.pairs if pair[0] <= step]


T = TypeVar("T")


def after(items: list[tuple[int, T]], number: int) -> list[tuple[int, T]]:
    """The items numbered after `number` (numbered in increasing order; the new ones are few, so
    scanning back from the end beats a bisect)."""
    i = len(items)
    while i > 0 and items[i - 1][0] > number:
        i -= 1
    return items[i:]


class SeriesLog:
    """Encoded series pieces (grad_norms), numbered as they come, the newest MAX_SERIES_PIECES kept:
    series are not latest-wins (each piece covers other steps), so a hub hands every new one to the
    watchers of its view once. The numbering goes on across `clear`."""

    def __init__(self) -> None:
        self.pieces: list[tuple[int, EncodedRecord]] = []
        self._serial = 0

    def add(self, pieces: list[EncodedRecord]) -> None:
        for piece in pieces:
            self._serial += 1
            self.pieces.append((self._serial, piece))
        del self.pieces[: max(0, len(self.pieces) - MAX_SERIES_PIECES)]

    def since(self, serial: int) -> list[tuple[int, EncodedRecord]]:
        return after(self.pieces, serial)

    def clear(self) -> None:
        self.pieces = []


def default_probe(arrays: TrainingArrays) -> ProbeKey:
    return ("validation", 0) if len(arrays.x_val) else ("train", 0)


def check_probe(arrays: TrainingArrays, probe: ProbeKey) -> None:
    check_probe_in(probe, len(arrays.x_train), len(arrays.x_val))


def check_probe_in(probe: ProbeKey, train_size: int, validation_size: int) -> None:
    """check_probe by the splits' sizes (a mirror of a session held by another node has no data)."""
    split, index = probe
    size = validation_size if split == "validation" else train_size
    if index >= size:
        message = f"probe.index: the {split} split has {size} samples (0 to {size - 1}); got {index}"
        raise coded(ProbeOutOfRange(message), "probe_out_of_range", split=split, size=size, index=index)


class SessionViews:
    def __init__(self, grid_size: int, max_neuron_maps: int) -> None:
        self.watched: frozenset[str] = frozenset()  # the union of what the watchers open
        self._kind = ""  # the data kind and layer types the views must apply to (set_network)
        self._layer_types: frozenset[str] = frozenset()
        self.requested_probe: ProbeKey | None = None  # as the latest subscribe named it
        self.computed: Counter[str] = Counter()
        self.batch_losses = BatchLossLog()
        self.frames: TelemetryFrames | None = None
        self._telemetry = Telemetry(grid_size, max_neuron_maps)
        self._records: dict[str, Record] = {}  # the latest record per key, of the engine views
        self._new_series: list[Record] = []  # series records kept, to be encoded into `series`
        self.series = SeriesLog()
        self._grad_norms: GradNormCollector | None = None
        self._probe_network: ProbeNetwork | None = None
        # Held while records are kept or encoded: the engine's reader thread keeps them while the
        # view worker encodes (re-entrant: a refresh of a stopped session computes, then keeps).
        self._lock = threading.RLock()

    # ---- what is watched ----
    def watch(self, views: frozenset[str], probe: ProbeKey | None, arrays: TrainingArrays | None) -> None:
        """Raises ProbeOutOfRange (changing nothing) for a sample the data does not have."""
        if probe is not None and arrays is not None:
            check_probe(arrays, probe)
            if self.probe(arrays) != probe:  # records of the old probe are not this one's
                self._records = {k: r for k, r in self._records.items() if r.probe is None}
            self.requested_probe = probe
        self.watched = views
        views = self.views
        if not collects_per_step(views):
            self._grad_norms = None
        elif self._grad_norms is None:
            self._grad_norms = GradNormCollector()

    @property
    def views(self) -> frozenset[str]:
        """The watched views that apply to this network and data (the others have nothing to show)."""
        return frozenset(name for name in self.watched if self._applies(name))

    def _applies(self, name: str) -> bool:
        view = VIEWS[name]
        if self._kind not in view.data_kinds:
            return False
        return view.layer_types is None or bool(view.layer_types & self._layer_types)

    def set_network(self, kind: str, layer_types: frozenset[str]) -> None:
        """The data kind and the network's layer types (after a build, a rebuild or a data change)."""
        self._kind, self._layer_types = kind, layer_types
        self.watch(self.watched, None, None)

    def probe(self, arrays: TrainingArrays) -> ProbeKey:
        """The probe the views show: the one asked for while it exists, else the default."""
        probe = self.requested_probe
        if probe is not None:
            try:
                check_probe(arrays, probe)
                return probe
            except ProbeOutOfRange:  # the data changed under it
                pass
        return default_probe(arrays)

    def engine_watch(self, arrays: TrainingArrays) -> tuple[frozenset[str], ProbeKey | None]:
        """What an engine process is told: the watched views and, if one of them needs it, the probe."""
        return self.views, self.probe(arrays) if needs_probe(self.views) else None

    # ---- a new network ----
    def new_generation(self, build_network: Callable[[], Network]) -> None:
        self._records = {}
        self._new_series = []
        self.series.clear()
        self.batch_losses.clear()
        if self._grad_norms is not None:
            self._grad_norms = GradNormCollector()
        self._probe_network = ProbeNetwork(build_network)

    # ---- while the engine process plays ----
    def take_progress(self, message: Progress) -> None:
        with self._lock:
            self.batch_losses.extend(message.batch_losses)
            self.computed.update(message.computed)
            self._keep_locked(message.records)

    def _keep(self, records: list[Record]) -> None:
        with self._lock:
            self._keep_locked(records)

    def _keep_locked(self, records: list[Record]) -> None:
        for record in records:
            if record.first_step is not None:  # a piece of a series: every piece reaches the watchers
                self._new_series.append(record)
            else:
                self._records[record.key] = record

    # ---- a step taken here (manual step) ----
    def after_step(self, trainer: Trainer, step: int, result: StepResult, arrays: TrainingArrays) -> None:
        """Collect what a step leaves (its loss; its gradient norms if watched), and compute the
        engine views now, while the layers' caches are this step's."""
        self.batch_losses.extend([(step, result.loss)])
        if self._grad_norms is not None:
            self._grad_norms.add(step, trainer, result)
        if self.views:
            series = self._grad_norms.take() if self._grad_norms is not None else None
            self._compute(trainer, step, arrays, series, fresh_caches=True)

    def _compute(self, trainer: Trainer, step: int, arrays: TrainingArrays, series: object, fresh_caches: bool) -> None:
        probe = None
        if needs_probe(self.views):
            probe = Probe.of(self.probe(arrays), (arrays.x_train, arrays.y_train), (arrays.x_val, arrays.y_val))
        ctx = ViewContext(trainer, step, probe, self._probe_network, series, fresh_caches)  # type: ignore[arg-type]
        records, computed = compute_engine_views(self.views, ctx)
        self.computed.update(computed)
        self._keep(records)

    # ---- frames for the watchers ----
    def refresh(
        self,
        snapshot: Snapshot,
        generation: int,
        trainer: Trainer | None,
        step: int,
        arrays: TrainingArrays,
        still_current: Callable[[], bool] | None = None,
    ) -> None:
        """Encode the watched views for `snapshot`: the server views computed from it, the engine
        views' latest records. With `trainer` (a stopped session), the engine views that need no
        training step's caches (the probe, weights' percentiles, running statistics) are computed
        from it first, so a watcher who opens them on a paused session sees them. A refresh whose
        `still_current()` says no (a newer snapshot was published meanwhile) does nothing."""
        views = self.views
        with self._lock:
            if still_current is not None and not still_current():
                return
            if trainer is not None and views:
                self._compute(trainer, step, arrays, None, fresh_caches=False)
            server = {name for name in views if VIEWS[name].computed_in == "server"}
            frames = self._telemetry.compute(snapshot, server) if server else []
            for record in self._records.values():
                if record.view in views:
                    frames.append(encode_record(record, generation))
            self.frames = TelemetryFrames(snapshot, views, frames)
            new, self._new_series = self._new_series, []
            self.series.add([encode_record(record, generation) for record in new])
            self.computed.update(server)

    def series_since(self, serial: int) -> list[tuple[int, EncodedRecord]]:
        """The series pieces after `serial` (the hub hands each to the watchers once)."""
        return self.series.since(serial)
