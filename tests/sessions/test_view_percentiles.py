"""The histograms view's percentiles are numpy's own (linear interpolation), NaN/Inf left out."""

from __future__ import annotations

import numpy as np

from neuroplay.views.histograms import PERCENTILES, percentiles


def test_percentiles_equal_numpys_and_leave_non_finite_values_out() -> None:
    rng = np.random.default_rng(3)
    for size in (1, 2, 7, 100, 5000):
        values = rng.standard_normal(size).astype(np.float32) * 3
        got, non_finite = percentiles(values)
        np.testing.assert_allclose(got, np.percentile(values, PERCENTILES), rtol=1e-6, atol=1e-7)
        assert non_finite == 0
    values = np.array([1.0, np.nan, 2.0, np.inf, -np.inf, 4.0], np.float32)
    got, non_finite = percentiles(values)
    assert non_finite == 3
    np.testing.assert_allclose(got, np.percentile([1.0, 2.0, 4.0], PERCENTILES), rtol=1e-6)
    got, non_finite = percentiles(np.array([np.nan, np.nan], np.float32))
    assert np.isnan(got).all() and non_finite == 2
