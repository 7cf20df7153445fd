"""The loss curve says what each point is over: a subsample's size while a big image set trains,
every sample after a pause."""

from __future__ import annotations

from playwright.sync_api import expect

CONVNET = {
    "input_shape": [1, 28, 28],
    "layers": [
        {"type": "conv2d", "filters": 8, "kernel_size": 5, "padding": "same", "activation": "relu"},
        {"type": "max_pool2d", "pool_size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 4, "activation": "softmax"},
    ],
}


def test_the_curve_says_how_many_samples_a_point_is_over(server, client, watched):
    # 2,500 images a split cannot be scored whole within the scoring budget several times a second.
    created = client.post(
        "/api/sessions",
        json={"dataset": {"name": "shapes", "points": 5000}, "model": CONVNET, "training": {"batch_size": 50}},
    ).json()
    sid, auth = created["id"], {"Authorization": f"Bearer {created['owner_token']}"}
    page = watched.page
    page.goto(f"{server.url}/s/{sid}")
    note = page.get_by_test_id("chart-scored")
    expect(note).to_contain_text("all 2,500 training and all 2,500 validation", timeout=30000)  # the first point
    client.post(f"/api/sessions/{sid}/commands", json={"action": "play"}, headers=auth).raise_for_status()
    expect(note).to_contain_text(" of 2,500 training", timeout=30000)
    text = note.inner_text()
    assert "all 2,500" not in text, text
    shown = int(text.split(" of 2,500 training")[0].split()[-1].replace(",", ""))
    counts = {p["train_samples"] for p in client.get(f"/api/sessions/{sid}").json()["history"]}
    assert shown in counts and 0 < shown < 2500  # the page shows what the server's point is over
    client.post(f"/api/sessions/{sid}/commands", json={"action": "pause"}, headers=auth).raise_for_status()
    last = client.get(f"/api/sessions/{sid}").json()["history"][-1]  # the pause's own point
    assert (last["train_samples"], last["val_samples"]) == (2500, 2500)
    expect(note).to_contain_text("all 2,500 training and all 2,500 validation")
