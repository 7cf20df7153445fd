"""The errors a learner causes with a file, the loss landscape or a hand edit of a parameter come
with a code (or validation reason) and every value their sentence names, so the browser says them in
the learner's language without the server's English (schemas/error_codes.py)."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from ..locale_helpers import unfilled
from .helpers import create

MLP = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 4, "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def _refused(r: httpx.Response, status: int = 422) -> dict:
    assert r.status_code == status, r.text
    error = r.json()
    assert unfilled(error, "zh") == [] and unfilled(error, "en") == [], error
    return error


def _csv(client: httpx.Client, text: str, label: str = "label") -> dict:
    sid, auth = create(client)
    r = client.post(
        f"/api/sessions/{sid}/uploads/csv", params={"label_column": label}, content=text.encode(), headers=auth
    )
    return _refused(r)


@pytest.mark.parametrize(
    ("text", "label", "code", "params"),
    [
        ("a,b,label\n1,2,x\n3,oops,y\n", "label", "upload_not_a_number", {"row": 3, "column": "b", "cell": "oops"}),
        ("a,b,label\n1,2,x\n3,4,x\n", "label", "upload_one_class", {"column": "label", "label": "x"}),
        ("a,b,label\n1,2,x\n", "class", "upload_no_label_column", {"column": "class", "columns": ["a", "b", "label"]}),
        ("a,b,label\n1,2,x\n3,y\n", "label", "upload_row_cells", {"row": 3, "count": 2, "expected": 3}),
        ("a,b,label\n1,inf,x\n", "label", "upload_not_finite", {"row": 2, "column": "b", "cell": "inf"}),
        ("a,b,label\n1,2,\n", "label", "upload_label_empty", {"row": 2, "column": "label"}),
        ("a,b,label\n", "label", "upload_no_rows", {}),
        ("label\n1\n", "label", "upload_no_features", {}),
        ("a,a,label\n1,2,x\n", "label", "upload_duplicate_columns", {}),
    ],
)
def test_a_bad_csv_names_its_row_column_and_cell(client: httpx.Client, text, label, code, params) -> None:
    error = _csv(client, text, label)
    assert (error["code"], error["params"]) == (code, params)


def test_a_bad_image_archive_names_its_entry(client: httpx.Client) -> None:
    sid, auth = create(client)
    url = f"/api/sessions/{sid}/uploads/images"
    error = _refused(client.post(url, content=b"not a zip at all", headers=auth))
    assert error["code"] == "upload_not_zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cats/one.png", b"these bytes are no image")
        archive.writestr("dogs/two.png", b"nor are these")
    error = _refused(client.post(url, content=buffer.getvalue(), headers=auth))
    assert (error["code"], error["params"]) == ("upload_entry_unreadable", {"entry": "cats/one.png"})


@pytest.mark.parametrize(
    ("query", "reason", "values"),
    [
        ({"size": 40}, "must_be_odd", {"field": "size"}),
        (
            {"axes": "entries"},
            "entries_needed",
            {"field": "x", "examples": ["layer0.W[0, 0]", "layer0.W[0, 1]", "layer0.W[0, 2]"]},
        ),
        ({"x": "W[0]", "y": "layer1.b[0]"}, "entry_syntax", {"field": "x"}),
        ({"x": "layer5.W[0, 0]", "y": "layer1.b[0]"}, "no_such_layer", {"field": "x", "index": 5, "count": 2}),
        ({"x": "layer0.Q[0, 0]", "y": "layer1.b[0]"}, "no_such_param", {"entry": "layer0.Q", "has": ["W", "b"]}),
        (
            {"x": "layer0.W[0, 9]", "y": "layer1.b[0]"},
            "no_such_entry",
            {"entry": "layer0.W", "index": [0, 9], "shape": [2, 4]},
        ),
        ({"x": "layer1.b[0]", "y": "layer1.b[0]"}, "same_entry", {"field": "y"}),
    ],
)
def test_a_bad_landscape_request_has_its_reason(client: httpx.Client, query, reason, values) -> None:
    sid, _ = create(client, {"model": MLP})
    error = _refused(client.get(f"/api/sessions/{sid}/landscape", params=query))
    assert error["code"] == "invalid" and error["params"]["reason"] == reason
    assert {k: error["params"][k] for k in values} == values


def test_too_much_landscape_work_names_the_grid_and_the_largest_that_fits(client: httpx.Client) -> None:
    big = {
        "input_shape": [2],
        "layers": [{"type": "dense", "units": 256, "activation": "relu"}] * 2 + MLP["layers"][1:],
    }
    sid, _ = create(client, {"model": big, "dataset": {"name": "circle", "points": 5000}})
    error = _refused(client.get(f"/api/sessions/{sid}/landscape", params={"size": 81}))
    p = error["params"]
    assert (p["reason"], p["field"], p["size"], p["count"]) == ("landscape_too_much_work", "size", 81, 66_817)
    assert p["samples"] > 0 and p["largest"] % 2 == 1 and 3 <= p["largest"] < 81
    assert f"use size {p['largest']} or less" in error["message"]


@pytest.mark.parametrize(
    ("body", "reason", "values"),
    [
        ({"layer": 5, "param": "W", "index": [0, 0], "value": 1.0}, "no_such_layer", {"field": "layer", "count": 2}),
        ({"layer": 0, "param": "Q", "index": [0, 0], "value": 1.0}, "no_such_param", {"entry": "layer0.Q"}),
        (
            {"layer": 0, "param": "W", "index": [2, 0], "value": 1.0},
            "no_such_entry",
            {"index": [2, 0], "shape": [2, 4]},
        ),
        ({"layer": 0, "param": "W", "index": [0, 0], "value": 1e39}, "float32_overflow", {"field": "value"}),
        ({"layer": 0, "param": "b", "values": [1.0, 2.0]}, "wrong_shape", {"got": [2], "shape": [4]}),
        ({"layer": 0, "param": "W", "values": [[1.0, 2.0], [3.0]]}, "not_nested", {"shape": [2, 4]}),
        ({"layer": 0, "param": "b", "values": [1.0, None, 2.0, 3.0]}, "not_finite_at", {"index": [1]}),
    ],
)
def test_a_bad_parameter_edit_has_its_reason(client: httpx.Client, body, reason, values) -> None:
    sid, auth = create(client, {"model": MLP})
    error = _refused(client.patch(f"/api/sessions/{sid}/params", json=body, headers=auth))
    assert error["code"] == "invalid" and error["params"]["reason"] == reason
    assert {k: error["params"][k] for k in values} == values


def test_an_upload_over_the_limit_without_a_declared_size_names_the_limit(client: httpx.Client) -> None:
    sid, auth = create(client)

    def chunks():
        for _ in range(6):
            yield b"a,b,label\n" * 100_000  # 1 MB each, no Content-Length

    r = client.post(
        f"/api/sessions/{sid}/uploads/csv", params={"label_column": "label"}, content=chunks(), headers=auth
    )
    error = _refused(r, 413)
    assert (error["code"], error["params"]) == ("upload_over_limit", {"limit": 5 * 1024 * 1024})
