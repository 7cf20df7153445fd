"""The landscape's trail, the path from before the tab opened: for a one-neuron model on its two
entries the trail's points are exactly the weight and bias the session had after each earlier step;
after playing, the points are in step order within the budget and the trail starts at step 0; a
reset starts it again; a model too large to keep sends none."""

from __future__ import annotations

import httpx
import pytest

from .helpers import command, create, wait_for, weights_of

NEURON = {
    "model": {"input_shape": [1], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]},
    "dataset": {"name": "plane", "features": ["x1"]},
    "training": {"optimizer": "adam", "learning_rate": 0.05, "batch_size": 10},
}


def landscape(client: httpx.Client, sid: str, **params: object) -> dict:
    r = client.get(f"/api/sessions/{sid}/landscape", params={"size": 3, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_trail_is_the_weights_of_each_earlier_step(client: httpx.Client) -> None:
    sid, auth = create(client, NEURON)
    seen = []
    for _ in range(4):
        w = weights_of(client, sid)
        seen.append((float(w["layer0.W"][0, 0]), float(w["layer0.b"][0])))
        command(client, sid, auth, "step", "batch")
    answer = landscape(client, sid)
    trail = answer["trail"]
    assert answer["step"] == 4 and trail["since_step"] == 0 and not trail["thinned"]
    assert [p["step"] for p in trail["points"]] == [0, 1, 2, 3]
    for point, (w, b) in zip(trail["points"], seen, strict=True):
        assert (point["x"], point["y"]) == pytest.approx((w, b), abs=1e-7)
    # Along random directions the same weights are projected onto that plane (the centre is step 4's).
    rand = landscape(client, sid, axes="random")
    assert [p["step"] for p in rand["trail"]["points"]] == [0, 1, 2, 3]
    assert rand["trail"]["points"][-1]["x"] != pytest.approx(0.0, abs=1e-9)

    command(client, sid, auth, "reset")
    assert landscape(client, sid)["trail"] == {"points": [], "since_step": 0, "thinned": False}


def test_after_playing_the_trail_starts_at_the_beginning(client: httpx.Client) -> None:
    sid, auth = create(client, {**NEURON, "training": {**NEURON["training"], "steps_per_second": 400}})
    command(client, sid, auth, "play")
    try:
        wait_for(lambda: client.get(f"/api/sessions/{sid}").json()["step"] > 300, timeout=20, what="training")
    finally:
        command(client, sid, auth, "pause")
    answer = landscape(client, sid)
    steps = [p["step"] for p in answer["trail"]["points"]]
    assert answer["trail"]["since_step"] == 0 and steps[0] == 0
    assert steps == sorted(set(steps)) and steps[-1] < answer["step"] and 3 <= len(steps) <= 401


def test_a_model_too_large_to_keep_sends_no_trail(client: httpx.Client) -> None:
    big = {"input_shape": [2], "layers": [{"type": "dense", "units": 180, "activation": "tanh"}] * 2}
    sid, auth = create(
        client, {"model": {**big, "layers": [*big["layers"], {"type": "dense", "units": 1, "activation": "sigmoid"}]}}
    )
    command(client, sid, auth, "step", "batch")
    answer = landscape(client, sid, axes="random")
    assert answer["trail"] is None and answer["next_step"] is not None
