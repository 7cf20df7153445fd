"""POST /api/sessions/{id}/fork: a copy owned by the caller, remembering its origin, that goes its own
way: training the fork leaves the original untouched."""

from __future__ import annotations

import httpx

from .helpers import command, wait_for


def test_a_fork_copies_everything_and_is_independent(client: httpx.Client) -> None:
    created = client.post("/api/sessions", json={"training": {"optimizer": "momentum"}}).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    for _ in range(2):
        command(client, sid, auth, "step", "epoch")
    original = client.get(f"/api/sessions/{sid}").json()
    original_weights = client.get(f"/api/sessions/{sid}/weights").content

    r = client.post(f"/api/sessions/{sid}/fork")  # no token needed: the link is enough
    assert r.status_code == 201, r.text
    forked = r.json()
    fid, fork_auth = forked["id"], {"Authorization": f"Bearer {forked['owner_token']}"}
    assert fid != sid and len(fid) >= 22 and forked["share_url"].endswith(f"/s/{fid}")
    assert forked["owner_token"] != created["owner_token"]

    fork = client.get(f"/api/sessions/{fid}").json()
    assert fork["forked_from"] == sid and original["forked_from"] is None
    assert fork["status"] == "paused"
    for key in ("step", "epoch", "generation", "model", "dataset", "training", "history"):
        assert fork[key] == original[key], key
    assert client.get(f"/api/sessions/{fid}/weights").content == original_weights

    # The fork's owner token does not open the original, nor the original's the fork.
    assert client.post(f"/api/sessions/{sid}/commands", json={"action": "play"}, headers=fork_auth).status_code == 403
    assert client.post(f"/api/sessions/{fid}/commands", json={"action": "play"}, headers=auth).status_code == 403

    # Train the fork hard, change its settings: the original does not move.
    command(client, fid, fork_auth, "step", "epoch")
    assert (
        client.patch(f"/api/sessions/{fid}", json={"training": {"learning_rate": 0.3}}, headers=fork_auth).status_code
        == 200
    )
    command(client, fid, fork_auth, "play")
    wait_for(
        lambda: client.get(f"/api/sessions/{fid}").json()["step"] > original["step"] + 200, what="the fork to train"
    )
    command(client, fid, fork_auth, "pause")
    assert client.get(f"/api/sessions/{sid}/weights").content == original_weights
    assert client.get(f"/api/sessions/{sid}").json() == original
    trained = client.get(f"/api/sessions/{fid}").json()
    assert trained["history"][: len(original["history"])] == original["history"]
    assert len(trained["history"]) > len(original["history"])


def test_forking_a_running_session_leaves_it_running(client: httpx.Client) -> None:
    created = client.post("/api/sessions", json={}).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    command(client, sid, auth, "play")
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > 50, what="training")
    fork = client.post(f"/api/sessions/{sid}/fork").json()
    fork_view = client.get(f"/api/sessions/{fork['id']}").json()
    assert fork_view["status"] == "paused" and fork_view["step"] > 50
    step = client.get(f"/api/sessions/{sid}").json()["step"]
    wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > step + 50, what="the original to go on")
    assert client.get(f"/api/sessions/{sid}").json()["status"] == "running"
    command(client, sid, auth, "pause")
    assert client.get(f"/api/sessions/{fork['id']}").json()["step"] == fork_view["step"]


def test_an_idle_session_forks_idle_and_an_unknown_one_is_404(client: httpx.Client) -> None:
    sid = client.post("/api/sessions", json={}).json()["id"]
    fork = client.post(f"/api/sessions/{sid}/fork").json()
    assert client.get(f"/api/sessions/{fork['id']}").json()["status"] == "idle"
    r = client.post("/api/sessions/nope/fork")
    assert r.status_code == 404 and "nope" in r.json()["message"]
