"""Uploads, the augmentation preview and point editing over HTTP against a real server."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zipfile

import httpx
import numpy as np
import pytest
from PIL import Image

from ..conftest import LiveServer
from .helpers import command, create, wait_for

CSV = b"petal,sepal,kind\n" + b"".join(
    f"{a:.2f},{b:.2f},{'wide' if a > b else 'tall'}\n".encode()
    for a, b in np.random.default_rng(0).uniform(0, 5, (80, 2))
)


def png(value: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (12, 12), value).save(buf, format="PNG")
    return buf.getvalue()


def image_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(6):
            z.writestr(f"dark/{i}.png", png(10 + i))
            z.writestr(f"light/{i}.png", png(240 - i))
    return buf.getvalue()


def test_a_csv_upload_becomes_the_sessions_data_and_trains(client: httpx.Client) -> None:
    sid, auth = create(client)
    r = client.post(
        f"/api/sessions/{sid}/uploads/csv",
        params={"label_column": "kind", "filename": "flowers.csv"},
        content=CSV,
        headers={**auth, "content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["dataset"]["name"] == "upload" and view["dataset"]["upload"]["filename"] == "flowers.csv"
    assert view["task"] == "multiclass" and view["layers"][-1]["output_shape"] == [2]
    assert view["model"]["input_shape"] == [2] and view["train_size"] + view["validation_size"] == 80
    command(client, sid, auth, "step", "epoch")
    command(client, sid, auth, "step", "epoch")
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    assert history[-1]["accuracy"] is not None


def test_an_image_zip_upload_builds_a_small_cnn(client: httpx.Client) -> None:
    sid, auth = create(client)
    r = client.post(
        f"/api/sessions/{sid}/uploads/images",
        params={"side": 8},
        content=image_zip(),
        headers={**auth, "content-type": "application/zip"},
    )
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["model"]["input_shape"] == [1, 8, 8] and view["layers"][0]["type"] == "conv2d"
    assert view["layers"][-1]["output_shape"] == [2]
    command(client, sid, auth, "step", "batch")


@pytest.mark.parametrize(
    ("path", "params", "body", "status", "words"),
    [
        ("csv", {"label_column": "kind"}, b"a,b,kind\n1,x,p\n2,3,q\n", 422, "row 2, column 'b': 'x' is not a number"),
        ("csv", {"label_column": "kind"}, b"a,b,kind\n1,2\n", 422, "row 2 has 2 cells"),
        ("csv", {"label_column": "nope"}, CSV, 422, "no column named 'nope'"),
        ("csv", {"label_column": "kind"}, b"\xff\xfe\xfa", 422, "not UTF-8"),
        ("csv", {"label_column": "kind"}, b"a,kind\n1,p\n2,p\n", 422, "only one class"),
        ("images", {}, b"not a zip", 422, "not a zip archive"),
        ("csv", {"label_column": "kind"}, b"a,kind\n" + b"1,p\n" * 1_400_000, 413, "limit"),
    ],
)
def test_bad_uploads_name_the_problem_and_change_nothing(
    client: httpx.Client, path: str, params: dict, body: bytes, status: int, words: str
) -> None:
    sid, auth = create(client)
    r = client.post(f"/api/sessions/{sid}/uploads/{path}", params=params, content=body, headers=auth)
    assert r.status_code == status and words in r.json()["message"], r.text
    assert client.get(f"/api/sessions/{sid}").json()["dataset"]["name"] == "circle"


def test_uploads_need_the_owner(client: httpx.Client) -> None:
    sid, _ = create(client)
    r = client.post(f"/api/sessions/{sid}/uploads/csv", params={"label_column": "kind"}, content=CSV)
    assert r.status_code == 401
    r = client.post(
        f"/api/sessions/{sid}/uploads/csv",
        params={"label_column": "kind"},
        content=CSV,
        headers={"Authorization": "Bearer wrong"},
    )
    assert r.status_code == 403


def test_uploaded_data_survives_a_fork(client: httpx.Client) -> None:
    sid, auth = create(client)
    client.post(f"/api/sessions/{sid}/uploads/csv", params={"label_column": "kind"}, content=CSV, headers=auth)
    fork = client.post(f"/api/sessions/{sid}/fork").json()
    data = client.get(f"/api/sessions/{fork['id']}/data").json()
    assert data["kind"] == "table" and data["train"]["total"] + data["validation"]["total"] == 80


def test_augmentation_preview_shows_changed_versions_of_one_image(client: httpx.Client) -> None:
    sid, auth = create(client, {"dataset": {"name": "digits", "points": 100}})
    plain = client.get(f"/api/sessions/{sid}/augment-preview", params={"index": 3, "count": 4}).json()
    assert plain["active"] is False and all(s == plain["original"] for s in plain["samples"])
    client.patch(f"/api/sessions/{sid}", json={"dataset": {"augment": {"rotation": 30, "noise": 0.1}}}, headers=auth)
    preview = client.get(f"/api/sessions/{sid}/augment-preview", params={"index": 3, "count": 4}).json()
    assert preview["shape"] == [1, 8, 8] and len(preview["samples"]) == 4
    assert preview["original"] == plain["original"]
    assert all(s != preview["original"] for s in preview["samples"])
    not_images = create(client)[0]
    assert client.get(f"/api/sessions/{not_images}/augment-preview").status_code == 422


def test_drawing_points_keeps_the_weights_and_retrains_on_them(client: httpx.Client) -> None:
    sid, auth = create(client)
    command(client, sid, auth, "step", "epoch")
    weights_before = client.get(f"/api/sessions/{sid}/weights").content
    r = client.patch(
        f"/api/sessions/{sid}",
        json={"dataset": {"added_points": [[0, 0, 0], [5, 5, 1]], "removed_points": [0]}},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["generation"] == 1 and view["step"] == 25 and view["train_size"] == 251
    assert client.get(f"/api/sessions/{sid}/weights").content == weights_before
    data = client.get(f"/api/sessions/{sid}/data").json()
    assert data["train"]["x"][-2:] == [[0, 0], [5, 5]]
    command(client, sid, auth, "play")
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["epoch"] >= 3, what="training on the edited data")
    command(client, sid, auth, "pause")
    bad = client.patch(f"/api/sessions/{sid}", json={"dataset": {"added_points": [[0, 0, 7]]}}, headers=auth)
    assert bad.status_code == 422 and "label 7" in bad.json()["message"]


def test_data_names_classes_and_columns_and_history_can_be_left_out(client: httpx.Client) -> None:
    sid, auth = create(client)
    client.post(f"/api/sessions/{sid}/uploads/csv", params={"label_column": "kind"}, content=CSV, headers=auth)
    data = client.get(f"/api/sessions/{sid}/data").json()
    assert data["class_names"] == ["tall", "wide"] and data["feature_names"] == ["petal", "sepal"]
    command(client, sid, auth, "step", "epoch")
    assert len(client.get(f"/api/sessions/{sid}").json()["history"]) == 2
    light = client.get(f"/api/sessions/{sid}", params={"history": "false"}).json()
    assert light["history"] == [] and light["step"] > 0


def zip_of(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ({"../escape/a.png": png(1), "b/c.png": png(2)}, "points outside the archive"),
        ({"cats/a.png": b"GIF89a not really", "dogs/b.png": png(3)}, "'cats/a.png' is not an image"),
        ({"cats/a.png": png(1), "cats/b.png": png(2)}, "only one class"),
        ({"loose.png": png(1), "dogs/b.png": png(2)}, "not inside a class folder"),
    ],
)
def test_bad_image_archives_name_the_entry_over_http(client: httpx.Client, entries: dict, words: str) -> None:
    sid, auth = create(client)
    r = client.post(f"/api/sessions/{sid}/uploads/images", content=zip_of(entries), headers=auth)
    assert r.status_code == 422 and words in r.json()["message"], r.text
    assert client.get(f"/api/sessions/{sid}").json()["dataset"]["name"] == "circle"


def big_csv(seed: int, rows: int = 4000, columns: int = 20) -> bytes:
    """About 0.6 MB of numeric CSV with two classes."""
    rng = np.random.default_rng(seed)
    header = ",".join(f"f{i}" for i in range(columns)) + ",kind\n"
    lines = [",".join(f"{v:.5f}" for v in row) + f",{'ab'[i % 2]}" for i, row in enumerate(rng.random((rows, columns)))]
    return (header + "\n".join(lines) + "\n").encode()


def test_upload_storage_keeps_to_its_limit_and_deletes_only_unused_files(tmp_path) -> None:
    server = LiveServer(tmp_path, env={"NEUROPLAY_MAX_UPLOAD_STORAGE_MB": "1", "NEUROPLAY_UPLOAD_GRACE_SECONDS": "0"})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            first, first_auth = create(c)
            second, second_auth = create(c)

            def upload(sid: str, auth: dict, data: bytes) -> httpx.Response:
                return c.post(
                    f"/api/sessions/{sid}/uploads/csv",
                    params={"label_column": "kind"},
                    content=data,
                    headers={**auth, "content-type": "text/csv"},
                )

            a, b, other = big_csv(1), big_csv(2), big_csv(3)
            assert 0.5e6 < len(a) < 0.9e6
            assert upload(first, first_auth, a).status_code == 200
            assert upload(first, first_auth, a).status_code == 200  # the same file again costs nothing
            # The first session moves on to b: a is used by nobody and makes room for it.
            assert upload(first, first_auth, b).status_code == 200
            # Now b is in use and a third file does not fit: refused, and nothing changes.
            before = c.get(f"/api/sessions/{second}").json()
            r = upload(second, second_auth, other)
            assert r.status_code == 507 and "room for uploaded files (1 MB) is full" in r.json()["message"], r.text
            assert c.get(f"/api/sessions/{second}").json() == before
            assert kept_uploads(tmp_path) == {hashlib.sha256(b).hexdigest()}
            # A fork uses b too: the first session may not give it up for another file.
            fork = c.post(f"/api/sessions/{first}/fork").json()["id"]
            assert upload(first, first_auth, a).status_code == 507
            # The file in use still works, in both.
            command(c, first, first_auth, "step", "epoch")
            for sid in (first, fork):
                assert (
                    c.get(f"/api/sessions/{sid}").json()["dataset"]["upload"]["digest"] == hashlib.sha256(b).hexdigest()
                )
                assert c.get(f"/api/sessions/{sid}/data").json()["train"]["x"]
    finally:
        server.stop()


def kept_uploads(data_dir) -> set[str]:
    with sqlite3.connect(data_dir / "neuroplay.db", timeout=10) as conn:
        return {row[0] for row in conn.execute("SELECT digest FROM uploads")}


def test_a_session_on_an_uploaded_file_can_go_back_to_a_built_in_set(client: httpx.Client) -> None:
    sid, auth = create(client)
    r = client.post(f"/api/sessions/{sid}/uploads/csv", params={"label_column": "kind"}, content=CSV, headers=auth)
    assert r.status_code == 200, r.text
    r = client.patch(
        f"/api/sessions/{sid}",
        json={
            "dataset": {"name": "circle"},
            "model": {
                "input_shape": [2],
                "layers": [
                    {"type": "dense", "units": 4, "activation": "tanh"},
                    {"type": "dense", "units": 1, "activation": "sigmoid"},
                ],
            },
        },
        headers=auth,
    )
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["dataset"]["name"] == "circle" and view["dataset"]["upload"] is None
    command(client, sid, auth, "step", "epoch")


def test_a_file_being_switched_to_is_never_collected(tmp_path, monkeypatch) -> None:
    # A file kept from earlier, unused and past its grace period, is uploaded again; another
    # user's upload collects unused files at the worst moment: between storing and switching.
    from fastapi.testclient import TestClient

    from neuroplay.app import create_app
    from neuroplay.config import Settings
    from neuroplay.sessions.session import Session

    app = create_app(Settings(data_dir=tmp_path, upload_grace_seconds=0, engine_spares=0))
    manager = app.state.sessions
    a, b = big_csv(1, rows=1000), big_csv(2, rows=1000)
    with TestClient(app) as c:

        def upload(sid: str, auth: dict, data: bytes) -> httpx.Response:
            return c.post(
                f"/api/sessions/{sid}/uploads/csv",
                params={"label_column": "kind"},
                content=data,
                headers={**auth, "content-type": "text/csv"},
            )

        first, first_auth = create(c)
        assert upload(first, first_auth, a).status_code == 200
        assert upload(first, first_auth, b).status_code == 200  # a is now used by nobody
        second, second_auth = create(c)
        collected: list[list[str]] = []
        change = Session.change

        def change_with_a_collection_first(self, new_specs):
            collected.append(manager.collect_unused_uploads())
            return change(self, new_specs)

        monkeypatch.setattr(Session, "change", change_with_a_collection_first)
        r = upload(second, second_auth, a)
        monkeypatch.setattr(Session, "change", change)
        assert r.status_code == 200 and collected == [[]]
        digest = hashlib.sha256(a).hexdigest()
        assert r.json()["dataset"]["upload"]["digest"] == digest and manager.store.has_upload(digest)
