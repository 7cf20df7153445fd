"""/api/lessons and POST /api/sessions with {"lesson": id}, against a real server process."""

from __future__ import annotations

import io

import httpx
import numpy as np

from neuroplay.lessons.catalog import load_lessons

LESSONS = load_lessons()


def test_the_list_has_every_lesson_with_both_languages(client: httpx.Client) -> None:
    r = client.get("/api/lessons")
    assert r.status_code == 200
    listed = r.json()
    assert [entry["id"] for entry in listed] == list(LESSONS)
    assert {c for entry in listed for c in entry["concepts"]} == set(range(1, 26))
    dropout = next(entry for entry in listed if entry["id"] == "15-dropout")
    assert dropout["concepts"] == [15] and dropout["runs"] == 2
    assert dropout["title"] == {"en": "Dropout", "zh": "丢弃"}
    assert "丢弃" in dropout["summary"]["zh"] and "dropout" in dropout["summary"]["en"].lower()


def test_one_lesson_comes_whole(client: httpx.Client) -> None:
    lesson = client.get("/api/lessons/16-batch-norm").json()
    assert [run["name"] for run in lesson["runs"]] == ["with_bn", "without_bn"]
    assert "bn_stats" in lesson["views"]
    assert len(lesson["steps"]) == 3 and lesson["steps"][0]["title"]["zh"]
    assert lesson["effects"][0]["kind"] == "sooner"
    assert "批量归一化" in lesson["text"]["zh"]


def test_an_unknown_lesson_is_a_404_naming_it(client: httpx.Client) -> None:
    r = client.get("/api/lessons/99-nothing")
    assert r.status_code == 404 and "99-nothing" in r.json()["message"]
    r = client.post("/api/sessions", json={"lesson": "99-nothing"})
    assert r.status_code == 404 and "no lesson '99-nothing'" in r.json()["message"]


def test_a_comparison_lesson_creates_its_twin_sessions(client: httpx.Client) -> None:
    r = client.post("/api/sessions", json={"lesson": "15-dropout"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["lesson"] == "15-dropout"
    assert [s["run"] for s in body["sessions"]] == ["with_dropout", "without_dropout"]
    assert body["id"] == body["sessions"][0]["id"] and body["owner_token"] == body["sessions"][0]["owner_token"]
    states = [client.get(f"/api/sessions/{s['id']}").json() for s in body["sessions"]]
    assert [layer["type"] for layer in states[0]["model"]["layers"]].count("dropout") == 2
    assert "dropout" not in [layer["type"] for layer in states[1]["model"]["layers"]]
    assert states[0]["training"]["seed"] == states[1]["training"]["seed"]
    assert states[0]["dataset"] == states[1]["dataset"]
    # twins: the dense layers of both start with the same weights (the dropout layers sit between them)
    dense_weights = []
    for created, state in zip(body["sessions"], states, strict=True):
        npz = np.load(io.BytesIO(client.get(f"/api/sessions/{created['id']}/weights").content), allow_pickle=False)
        dense = [i for i, layer in enumerate(state["model"]["layers"]) if layer["type"] == "dense"]
        dense_weights.append([npz[f"layer{i}.W"] for i in dense])
    assert len(dense_weights[0]) == len(dense_weights[1]) == 3
    assert all(np.array_equal(a, b) for a, b in zip(*dense_weights, strict=True))
    # each run is a session of its own, owned by its own token
    s = body["sessions"][1]
    ok = client.post(
        f"/api/sessions/{s['id']}/commands",
        json={"action": "step"},
        headers={"Authorization": f"Bearer {s['owner_token']}"},
    )
    assert ok.status_code == 200 and ok.json()["step"] == 1
    wrong = client.post(
        f"/api/sessions/{s['id']}/commands",
        json={"action": "step"},
        headers={"Authorization": f"Bearer {body['sessions'][0]['owner_token']}"},
    )
    assert wrong.status_code == 403


def test_a_single_run_lesson_and_a_plain_create_keep_their_shapes(client: httpx.Client) -> None:
    lesson = client.post("/api/sessions", json={"lesson": "05-tour"}).json()
    assert len(lesson["sessions"]) == 1 and lesson["share_url"].endswith(f"/s/{lesson['id']}")
    plain = client.post("/api/sessions", json={"dataset": {"name": "xor"}})
    assert plain.status_code == 201 and set(plain.json()) == {"id", "owner_token", "share_url"}


def test_a_lesson_with_settings_of_its_own_is_refused(client: httpx.Client) -> None:
    r = client.post("/api/sessions", json={"lesson": "15-dropout", "training": {"learning_rate": 0.1}})
    assert r.status_code == 422
    assert "send {'lesson': id} alone" in r.json()["message"]
