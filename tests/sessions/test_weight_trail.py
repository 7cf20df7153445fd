"""The weight trail behind the landscape's path from before its tab opened: every point a snapshot
offered (never made up), thinned evenly when full, the newest always there; a new network or a step
counter going back starts it again; an edit at the same step replaces that step's weights; a model
too large for the budget keeps none."""

from __future__ import annotations

import numpy as np

from neuroplay.sessions.telemetry import Snapshot
from neuroplay.sessions.weight_trail import MIN_POINTS, WeightTrail


def snap(step: int, generation: int = 1, size: int = 3) -> Snapshot:
    weights = {"layer0.W": np.full(size, float(step), dtype=np.float32)}
    return Snapshot(generation=generation, step=step, epoch=0, weights=weights, model_key="{}")


def test_thinned_evenly_with_real_snapshots_and_the_newest_last() -> None:
    trail = WeightTrail(budget_floats=10_000, max_points=8)
    offered = [snap(step) for step in range(100)]
    for snapshot in offered:
        trail.offer(snapshot)
    view = trail.view()
    assert view is not None and view.thinned and view.generation == 1
    steps = [step for step, _ in view.points]
    assert steps[0] == 0 and steps[-1] == 99 and len(steps) <= 9
    gaps = np.diff(steps[:-1])
    assert len(set(gaps)) == 1, steps  # evenly spread (the newest comes on top)
    for step, weights in view.points:
        assert weights is offered[step].weights  # the snapshot's own weights, not a copy or a guess


def test_a_short_run_keeps_every_step() -> None:
    trail = WeightTrail(budget_floats=10_000, max_points=8)
    for step in range(5):
        trail.offer(snap(step))
    view = trail.view()
    assert view is not None and not view.thinned
    assert [step for step, _ in view.points] == [0, 1, 2, 3, 4]


def test_new_network_restore_and_edits() -> None:
    trail = WeightTrail(budget_floats=10_000, max_points=8)
    for step in range(4):
        trail.offer(snap(step))
    edited = snap(3)
    trail.offer(edited)  # the same step again: an edit moved the weights in place
    view = trail.view()
    assert view is not None and [s for s, _ in view.points] == [0, 1, 2, 3] and view.points[-1][1] is edited.weights
    trail.offer(snap(1))  # the counter went back (a restore): a new trail from there
    view = trail.view()
    assert view is not None and [s for s, _ in view.points] == [1]
    trail.offer(snap(0, generation=2))
    view = trail.view()
    assert view is not None and view.generation == 2 and [s for s, _ in view.points] == [0]


def test_a_model_too_large_keeps_nothing() -> None:
    trail = WeightTrail(budget_floats=1000, max_points=400)
    trail.offer(snap(0, size=1000 // MIN_POINTS + 1))
    assert trail.view() is None
    trail.offer(snap(0, generation=2, size=1000 // MIN_POINTS))  # a smaller network fits again
    assert trail.view() is not None
