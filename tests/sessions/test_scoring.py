"""The scoring schedule of a playing session: whole splits when they are cheap, a fixed subsample
(with its size on the point) when they are not, and never more than its share of the time."""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits

from neuroplay.engine import build_network, get_loss
from neuroplay.sessions import scoring
from neuroplay.sessions.build import TrainingArrays
from neuroplay.sessions.evaluation import evaluate
from neuroplay.sessions.scoring import ScoringSchedule

LOSS = get_loss("cross_entropy")


def classifier(inputs: int):
    return build_network(
        {
            "input_shape": [inputs],
            "layers": [
                {"type": "dense", "units": 16, "activation": "relu"},
                {"type": "dense", "units": 3, "activation": "softmax"},
            ],
        },
        seed=3,
    )


def convnet():
    """Slow enough per sample that tens of thousands of samples cannot be scored twice a second."""
    return build_network(
        {
            "input_shape": [1, 12, 12],
            "layers": [
                {"type": "conv2d", "filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"},
                {"type": "flatten"},
                {"type": "dense", "units": 3, "activation": "softmax"},
            ],
        },
        seed=3,
    )


def arrays(n_train: int, n_val: int, inputs: int | tuple[int, ...] = 4) -> TrainingArrays:
    rng = np.random.default_rng(1)
    shape = (inputs,) if isinstance(inputs, int) else inputs
    x = rng.normal(size=(n_train + n_val, *shape)).astype(np.float32)
    y = rng.integers(0, 3, size=(n_train + n_val, 1)).astype(np.float32)
    return TrainingArrays("multiclass", x[:n_train], y[:n_train], x[n_train:], y[n_train:], None)


def test_small_splits_are_scored_whole_and_say_so() -> None:
    data, net = arrays(200, 100), classifier(4)
    schedule = ScoringSchedule(data, clock=lambda: 0.0)
    probe = schedule.take(net, LOSS, 10, 1, now=0.0)  # the first point is taken at once, on a probe
    assert probe is not None and (probe.train_samples, probe.val_samples) == (scoring.PROBE, scoring.PROBE)
    later = schedule.take(net, LOSS, 20, 2, now=1000.0)
    assert later == evaluate(net, LOSS, data, 20, 2)  # exactly the whole-split point
    assert (later.train_samples, later.val_samples) == (200, 100)


def test_large_splits_get_a_fixed_subsample_with_its_size_on_the_point() -> None:
    data, net = arrays(8_000, 4_000, (1, 12, 12)), convnet()
    schedule = ScoringSchedule(data, clock=lambda: 0.0)
    points = [schedule.take(net, LOSS, step, step, now=1000.0 * step) for step in range(1, 5)]
    assert all(p is not None for p in points)
    assert (points[0].train_samples, points[0].val_samples) == (scoring.PROBE, scoring.PROBE)
    points = points[1:]  # after the probe
    whole = evaluate(net, LOSS, data, 1, 1)
    for p in points:
        assert p.train_samples is not None and p.val_samples is not None
        assert scoring.MIN_SUBSAMPLE <= p.train_samples < 8_000 and scoring.MIN_SUBSAMPLE <= p.val_samples < 4_000
        assert p.loss != whole.loss  # a subsample, not the whole split relabelled
        assert abs(p.loss - whole.loss) < 0.2  # ... but a fair one
    # Same weights, same subsample size: the same rows, so the same numbers.
    same_size = [p for p in points if p.train_samples == points[0].train_samples]
    assert len({(p.loss, p.val_loss, p.accuracy) for p in same_size}) == 1


def test_a_split_smaller_than_the_subsample_is_scored_whole() -> None:
    data, net = arrays(12_000, 40, (1, 12, 12)), convnet()
    schedule = ScoringSchedule(data, clock=lambda: 0.0)
    for step in range(1, 4):
        point = schedule.take(net, LOSS, step, step, now=1000.0 * step)
        assert point is not None and point.val_samples == 40 and point.train_samples < 12_000


def test_scoring_keeps_to_its_share_of_the_work() -> None:
    # A loop that trains a stand-in (a matrix product) and asks for a point after every "epoch":
    # the schedule alone decides. Over the run, scoring may take its share of the process's CPU time
    # plus one point.
    data, net = arrays(3_000, 3_000, inputs=64), classifier(64)
    work = np.ones((160, 160), np.float32)
    # One BLAS thread, as in the engine processes (engine_pool.py): the schedule counts its own
    # thread's CPU time, which with a second BLAS thread would leave out half of what it spends.
    with threadpool_limits(1):
        started = time.process_time()
        schedule = ScoringSchedule(data)  # the engine process's clock: its CPU time
        taken, costs = 0, []
        while time.process_time() - started < 1.0:
            before = time.process_time()
            point = schedule.take(net, LOSS, taken + 1, taken + 1)
            if point is not None:
                taken += 1
                costs.append(time.process_time() - before)
            for _ in range(20):
                work = (work @ work) * np.float32(1e-3)  # training would run here
        elapsed = time.process_time() - started
    assert taken >= 2
    # Twice the share: CPU time on a shared machine is noisy (cache misses, the other core's load);
    # a schedule that ignored its budget would score at every epoch, several times over this.
    assert sum(costs) <= 2 * scoring.SCORING_SHARE * elapsed + max(costs)


def test_a_point_waits_while_the_budget_is_spent() -> None:
    data, net = arrays(500, 500), classifier(4)
    schedule = ScoringSchedule(data, clock=lambda: 0.0)
    assert schedule.take(net, LOSS, 1, 1, now=0.0) is not None  # the first point spends ahead
    assert schedule.take(net, LOSS, 2, 2, now=0.0) is None  # nothing has been earned since
    assert schedule.take(net, LOSS, 3, 3, now=100.0 / scoring.SCORING_SHARE) is not None
