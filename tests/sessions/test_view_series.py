"""The per-step series of the gradient meter and the loss curve, thinned at display rate: at most
256 values a frame, each the largest of its stretch of steps (so no spike is missed), every step
covered once; batch losses thinned to at most 256 pairs of real steps."""

from __future__ import annotations

import numpy as np

from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs, build_data, build_trainer
from neuroplay.views.series import MAX_VALUES, GradNormCollector, stretch_max, thin_batch_losses

SPECS = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 6, "activation": "tanh"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
        }
    ),
    DatasetSpec(name="plane"),
    TrainingConfig(batch_size=8, clip_norm=0.05),
)


def test_a_frame_of_many_steps_keeps_each_stretchs_largest_norm_before_and_after_clipping() -> None:
    trainer = build_trainer(SPECS, build_data(SPECS.dataset))
    collector = GradNormCollector()
    steps = 1000  # more than MAX_VALUES steps in one frame: thinned, stride 4
    before, after, glob, acted = [], [], [], []
    for step in range(1, steps + 1):
        result = trainer.train_step()
        collector.add(step, trainer, result)
        norms = [v for _, v in sorted(trainer.layer_grad_norms().items())]
        scale = min(1.0, 0.05 / result.grad_norm) if result.grad_norm > 0 else 1.0
        before.append(norms)
        after.append([n * scale for n in norms])
        glob.append(result.grad_norm)
        acted.append(1.0 if result.grad_norm > 0.05 else 0.0)
    series = collector.take()
    assert series is not None and collector.take() is None  # taken once
    assert series.stride == 4 and series.first_step == 1 and series.last_step == steps
    assert series.before.shape == (2, 250) and series.before.shape[1] <= MAX_VALUES
    b, a = np.asarray(before).T, np.asarray(after).T
    for j in range(250):  # value j: the largest over steps 1 + 4j .. 4 + 4j
        stretch = slice(4 * j, 4 * j + 4)
        np.testing.assert_allclose(series.before[:, j], b[:, stretch].max(axis=1), rtol=1e-5)
        np.testing.assert_allclose(series.after[:, j], a[:, stretch].max(axis=1), rtol=1e-5)
        np.testing.assert_allclose(series.global_before[j], max(glob[stretch]), rtol=1e-6)
        assert series.clip_acted[j] == max(acted[stretch])
    assert (series.after <= series.before * (1 + 1e-6)).all() and (series.after < series.before).any()


def test_a_single_spike_survives_thinning_and_the_last_stretch_may_be_short() -> None:
    values = np.ones((1, 1001))
    values[0, 517] = 1e6
    thinned = stretch_max(values, 4)
    assert thinned.shape == (1, 251)  # 250 full stretches and one of a single step
    assert thinned[0, 517 // 4] == 1e6 and np.count_nonzero(thinned == 1e6) == 1
    assert not np.isinf(thinned).any()  # the short stretch's padding never shows


def test_batch_losses_above_256_a_frame_are_thinned_to_real_pairs() -> None:
    pairs = [(s, float(s) / 10) for s in range(1, 1001)]
    thinned = thin_batch_losses(pairs)
    assert 200 < len(thinned) <= MAX_VALUES
    assert set(thinned) <= set(pairs)  # real steps with their own losses, in order
    assert [s for s, _ in thinned] == sorted(s for s, _ in thinned) and thinned[-1] == pairs[-1]
    assert thin_batch_losses(pairs[:256]) == pairs[:256]  # up to 256: every batch
