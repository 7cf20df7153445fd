"""GET /api/sessions/{id}/features: the derived inputs of 2-D data over the session's grid, as
data/features.py computes them (the browser draws these and has no formulas of its own)."""

from __future__ import annotations

from typing import get_args

import httpx
import numpy as np

from neuroplay.data.features import FEATURES
from neuroplay.schemas.dataset import FeatureName

from .helpers import create


def test_the_served_maps_are_the_features_formulas_over_the_sessions_grid(client: httpx.Client) -> None:
    sid, _ = create(client, {"dataset": {"name": "xor", "features": ["x1", "x2", "sin_x1"]}})
    grid = client.get(f"/api/sessions/{sid}").json()["grid"]
    r = client.get(f"/api/sessions/{sid}/features")
    assert r.status_code == 200, r.text
    served = r.json()
    assert served["grid"] == grid
    # Every feature the catalog lists, in its order, whatever the session uses now.
    catalog = client.get("/api/catalog").json()
    assert [f["name"] for f in served["features"]] == [f["name"] for f in catalog["features"]] == list(FEATURES)
    # Cell centres, row 0 at the top (the largest x2), column 0 at the left.
    size = grid["size"]
    cols = grid["x_min"] + (np.arange(size) + 0.5) * (grid["x_max"] - grid["x_min"]) / size
    rows = grid["y_max"] - (np.arange(size) + 0.5) * (grid["y_max"] - grid["y_min"]) / size
    x1, x2 = np.meshgrid(cols, rows)
    for entry in served["features"]:
        feature = FEATURES[entry["name"]]
        values = np.array(entry["values"]).reshape(size, size)
        np.testing.assert_allclose(values, feature.formula(x1, x2), atol=1e-4, err_msg=entry["name"])
        assert (entry["low"], entry["high"]) == feature.shown
    x1_map = np.array(served["features"][0]["values"]).reshape(size, size)
    assert x1_map[0, 0] < 0 < x1_map[0, -1]  # x1 grows to the right
    x2_map = np.array(served["features"][1]["values"]).reshape(size, size)
    assert x2_map[0, 0] > 0 > x2_map[-1, 0]  # x2 grows upwards


def test_features_of_an_unknown_session_are_not_found(client: httpx.Client) -> None:
    r = client.get("/api/sessions/no-such-session/features")
    assert r.status_code == 404
    assert r.json()["code"] == "session_not_found"


def test_the_specs_feature_names_are_the_tables() -> None:
    """A dataset spec accepts exactly the features data/features.py defines (schemas/ cannot import
    data/, so the wire's name list is kept beside it and checked here)."""
    assert list(get_args(FeatureName)) == list(FEATURES)
