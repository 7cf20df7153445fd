"""Share links, forks, my sessions, reconnecting, and the learner's own data, in a real Chromium
against a real server: what a person sees and does."""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import VIEWPORT, changes_sent, open_app, server_view, session_id, submit_broken_csv, watch

pytestmark = pytest.mark.browser


def wait_for_server(client, sid, predicate, timeout=15.0, what="state"):
    """Poll GET /api/sessions/{sid} until predicate(view) holds; returns that view."""
    deadline = time.monotonic() + timeout
    while True:
        view = client.get(f"/api/sessions/{sid}").json()
        if predicate(view):
            return view
        assert time.monotonic() < deadline, (
            f"the server's {what} never matched; last: {view.get('status')} step {view.get('step')}"
        )
        time.sleep(0.1)


def shown_loss(page) -> float:
    return float(page.get_by_test_id("loss-value").inner_text())


def wait_for_loss_below(page, value: float) -> None:
    page.wait_for_function(
        "v => parseFloat(document.querySelector('[data-testid=loss-value]').textContent) < v", arg=value
    )


def chart_points(page) -> int:
    return int(page.get_by_test_id("loss-chart").get_attribute("data-points"))


def wait_for_chart_points(page, n: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('[data-testid=loss-chart]').dataset.points) === n", arg=n
    )


def separable_csv(rows: int = 150) -> str:
    """Three classes that a small network separates easily."""
    rng = random.Random(3)
    names = ["setosa", "versicolor", "virginica"]
    lines = ["petal,sepal,stem,species"]
    for i in range(rows):
        k = i % 3
        lines.append(
            f"{2 * k + rng.gauss(0, 0.3):.3f},{rng.gauss(0, 1):.3f},{1 - k + rng.gauss(0, 0.3):.3f},{names[k]}"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- uploads
def test_upload_csv_switches_the_session_and_trains(server, client, watched, tmp_path):
    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    path = tmp_path / "flowers.csv"
    path.write_text(separable_csv())

    page.get_by_test_id("open-upload").click()
    dialog = page.get_by_test_id("upload-dialog")
    expect(dialog).to_be_visible()
    limits = dialog.get_by_test_id("upload-limits")
    expect(limits).to_contain_text("5 MB")
    expect(limits).to_contain_text("20,000 rows")
    expect(limits).to_contain_text("256 columns")
    dialog.get_by_test_id("upload-file").set_input_files(str(path))
    # The header is read in the browser; the label column is picked from it.
    column = dialog.get_by_test_id("label-column")
    expect(column.locator("option")).to_have_text(["petal", "sepal", "stem", "species"])
    column.select_option("stem")
    column.select_option("species")
    expect(dialog.get_by_test_id("csv-head")).to_contain_text("versicolor")
    dialog.get_by_test_id("upload-submit").click()
    expect(dialog).to_be_hidden()

    # The session now trains on the file: its name, the new input and output shapes, its rows.
    expect(page.get_by_test_id("upload-filename")).to_have_text("flowers.csv")
    expect(page.get_by_test_id("upload-info")).to_contain_text("species")
    expect(page.get_by_test_id("dataset-upload")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_test_id("input-shape")).to_have_text("(3)")
    expect(page.get_by_test_id("layer-shape").last).to_have_text("(3)")
    expect(page.get_by_test_id("samples").get_by_test_id("sample")).to_have_count(8)
    view = server_view(client, page)
    assert view["dataset"]["name"] == "upload"
    assert view["dataset"]["upload"]["label_column"] == "species"
    assert view["model"]["input_shape"] == [3]
    shown = [s.strip("()") for s in page.get_by_test_id("layer-shape").all_inner_texts()]
    assert shown == [", ".join(map(str, layer["output_shape"])) for layer in view["layers"]]
    assert session_id(page) == sid  # the same session, now on the learner's data

    expect(page.get_by_test_id("loss-value")).to_have_text(re.compile(r"^\d+\.\d+$"))
    start = shown_loss(page)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    wait_for_loss_below(page, start * 0.8)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")


def test_malformed_csv_shows_the_servers_message(server, client, watched, tmp_path):
    page = watched.page
    watched.allow(r"status of 422")  # the browser logs the refused request itself
    open_app(page, server.url)
    before = server_view(client, page)
    dialog = submit_broken_csv(page, tmp_path)
    error = dialog.get_by_test_id("upload-error")
    expect(error).to_contain_text("Row 3, column b: oops is not a number")
    expect(dialog).to_be_visible()  # the dialog stays open to try another file
    after = server_view(client, page)
    assert after["dataset"] == before["dataset"] and after["generation"] == before["generation"]
    # Escape closes it; the session is untouched.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("dataset-circle")).to_have_attribute("aria-checked", "true")


# ---------------------------------------------------------------------------------------- sharing
def test_share_link_view_only_then_fork(server, client, browser, watched):
    owner = watched.page
    owner.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_app(owner, server.url)
    original = session_id(owner)
    owner.get_by_test_id("step-epoch").click()
    expect(owner.get_by_test_id("epoch-counter")).to_have_text("1")
    owner.get_by_test_id("step-epoch").click()
    expect(owner.get_by_test_id("epoch-counter")).to_have_text("2")
    before = wait_for_server(client, original, lambda v: v["epoch"] == 2 and v["status"] == "paused")

    # The share popover shows the link and copies it.
    owner.get_by_test_id("share").click()
    link = owner.get_by_test_id("share-url").input_value()
    assert link.endswith(f"/s/{original}")
    owner.get_by_test_id("copy-link").click()
    expect(owner.get_by_test_id("copy-link")).to_have_text("Copied")
    assert owner.evaluate("navigator.clipboard.readText()") == link
    owner.keyboard.press("Escape")
    expect(owner.get_by_test_id("share-panel")).to_have_count(0)
    expect(owner.get_by_test_id("share")).to_be_focused()

    viewer_ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", bypass_csp=True)  # see conftest.py
    try:
        viewer = viewer_ctx.new_page()
        viewer.set_default_timeout(15000)
        seen = watch(viewer)
        viewer.goto(link)
        viewer.get_by_test_id("layer-card").first.wait_for()
        expect(viewer.get_by_test_id("view-only")).to_contain_text("View only — fork to experiment")
        # The same network and the same history as the owner's.
        expect(viewer.get_by_test_id("layer-card")).to_have_count(3)
        expect(viewer.get_by_test_id("layer-shape")).to_have_text(owner.get_by_test_id("layer-shape").all_inner_texts())
        expect(viewer.get_by_test_id("layer-params")).to_have_text(
            owner.get_by_test_id("layer-params").all_inner_texts()
        )
        wait_for_chart_points(viewer, len(before["history"]))
        expect(viewer.get_by_test_id("epoch-counter")).to_have_text("2")
        # Nothing the viewer does changes the session.
        for testid in ("play-pause", "step-epoch", "reset", "add-dense", "dataset-xor", "draw-toggle"):
            locator = viewer.get_by_test_id(testid)
            if locator.count():
                expect(locator).to_be_disabled()
        expect(viewer.get_by_test_id("draw-toggle")).to_have_count(0)
        with changes_sent(viewer) as sent:
            viewer.get_by_test_id("play-pause").click(force=True)
            viewer.get_by_test_id("dataset-xor").click(force=True)
            viewer.evaluate(
                "async () => { const a = await import('/js/actions.js'); await a.command('play'); "
                "await a.changeDataset({name: 'xor'}); }"
            )
        assert sent.requests == [], "a viewer's page asked the server to change something"
        now = server_view(client, owner)
        assert (now["status"], now["step"], now["dataset"]["name"], now["generation"]) == (
            "paused",
            before["step"],
            "circle",
            before["generation"],
        )
        assert viewer.evaluate("localStorage.getItem('neuroplay.tokens')") in (None, "{}")

        # Fork: the viewer now owns a copy with the same network and history.
        viewer.get_by_test_id("fork-banner").click()
        viewer.wait_for_url(re.compile(r"/s/(?!" + re.escape(original) + r")[^/]+$"))
        fork = session_id(viewer)
        expect(viewer.get_by_test_id("view-only")).to_have_count(0)
        expect(viewer.get_by_test_id("play-pause")).to_be_enabled()
        expect(viewer.get_by_test_id("forked-from")).to_contain_text(original[:8])
        expect(viewer.get_by_test_id("forked-from-link")).to_have_attribute("href", f"/s/{original}")
        expect(viewer.get_by_test_id("notice")).to_be_visible()
        assert json.loads(viewer.evaluate("localStorage.getItem('neuroplay.tokens')"))[fork]
        forked = client.get(f"/api/sessions/{fork}").json()
        assert forked["forked_from"] == original and forked["step"] == before["step"]
        wait_for_chart_points(viewer, len(forked["history"]))
        expect(viewer.get_by_test_id("layer-card")).to_have_count(3)

        # Train the fork: its loss falls; the original does not move.
        start = shown_loss(viewer)
        viewer.get_by_test_id("play-pause").click()
        expect(viewer.get_by_test_id("status")).to_have_text("running")
        wait_for_loss_below(viewer, start - 0.02)
        viewer.get_by_test_id("play-pause").click()
        expect(viewer.get_by_test_id("status")).to_have_text("paused")
        assert client.get(f"/api/sessions/{fork}").json()["step"] > before["step"]
        after = client.get(f"/api/sessions/{original}").json()
        assert (after["step"], after["status"]) == (before["step"], "paused")
        expect(owner.get_by_test_id("step-counter")).to_have_text(f"{before['step']:,}")
        assert not seen.unexpected(), seen.errors
    finally:
        viewer_ctx.close()


def test_owner_forks_and_goes_back(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    original = session_id(page)
    page.get_by_test_id("step-batch").click()
    expect(page.get_by_test_id("step-counter")).to_have_text("1")
    page.get_by_test_id("fork").click()
    page.wait_for_url(re.compile(r"/s/(?!" + re.escape(original) + r")[^/]+$"))
    expect(page.get_by_test_id("forked-from")).to_be_visible()
    expect(page.get_by_test_id("step-counter")).to_have_text("1")
    fork = session_id(page)
    page.get_by_test_id("step-batch").click()
    expect(page.get_by_test_id("step-counter")).to_have_text("2")
    # The link back to the original opens it, still at step 1 and still ours.
    page.get_by_test_id("forked-from-link").click()
    page.wait_for_url(f"**/s/{original}")
    expect(page.get_by_test_id("step-counter")).to_have_text("1")
    expect(page.get_by_test_id("play-pause")).to_be_enabled()
    expect(page.get_by_test_id("forked-from")).to_have_count(0)
    # The browser's back button returns to the fork.
    page.go_back()
    page.wait_for_url(f"**/s/{fork}")
    expect(page.get_by_test_id("step-counter")).to_have_text("2")


def test_my_sessions_lists_every_session_of_this_browser(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    first = session_id(page)
    page.get_by_test_id("my-sessions").click()
    dialog = page.get_by_test_id("sessions-dialog")
    expect(dialog.get_by_test_id("session-row")).to_have_count(1)
    expect(dialog.get_by_test_id("session-row")).to_contain_text("open now")
    dialog.get_by_test_id("new-session").click()
    expect(dialog).to_be_hidden()
    page.wait_for_url(re.compile(r"/s/(?!" + re.escape(first) + r")[^/]+$"))
    second = session_id(page)
    expect(page.get_by_test_id("play-pause")).to_be_enabled()
    page.get_by_test_id("step-epoch").click()
    expect(page.get_by_test_id("epoch-counter")).to_have_text("1")

    page.get_by_test_id("my-sessions").click()
    rows = page.get_by_test_id("session-row")
    expect(rows).to_have_count(2)
    expect(page.locator(f'[data-testid=session-row][data-id="{second}"]')).to_contain_text("open now")
    expect(page.locator(f'[data-testid=session-row][data-id="{second}"]')).to_contain_text("Epoch 1")
    other = page.locator(f'[data-testid=session-row][data-id="{first}"]')
    expect(other).to_contain_text("Circle")
    expect(other).to_contain_text("Step 0")
    # A session the server no longer has is dropped from the list.
    watched.allow(r"status of 404")  # the browser logs the read of the missing session
    page.evaluate("""() => { const t = JSON.parse(localStorage.getItem('neuroplay.tokens'));
        t['AAAAAAAAAAAAAAAAAAAAAA'] = 'x'; localStorage.setItem('neuroplay.tokens', JSON.stringify(t)); }""")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("sessions-dialog")).to_have_count(0)
    page.get_by_test_id("my-sessions").click()
    expect(page.get_by_test_id("session-list")).to_have_attribute("data-loading", "0")
    expect(rows).to_have_count(2)
    assert "AAAAAAAAAAAAAAAAAAAAAA" not in page.evaluate("localStorage.getItem('neuroplay.tokens')")
    other.get_by_test_id("open-session").click()
    page.wait_for_url(f"**/s/{first}")
    expect(page.get_by_test_id("epoch-counter")).to_have_text("0")
    expect(page.get_by_test_id("play-pause")).to_be_enabled()


# ---------------------------------------------------------------------------------------- reconnect
def test_stream_resumes_after_a_dropped_connection(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    page.wait_for_function("document.querySelector('[data-testid=loss-chart]').dataset.points > 5")
    # The connection drops and stays down for a while; training goes on on the server.
    page.evaluate("window.__neuroplay.dropStream(1500)")
    expect(page.get_by_test_id("connection")).to_have_text("offline, reconnecting…")
    offline_points = chart_points(page)
    wait_for_server(client, sid, lambda v: len(v["history"]) > offline_points + 20, what="history")
    expect(page.get_by_test_id("connection")).to_have_count(0, timeout=10000)  # live again
    page.wait_for_function(
        "n => document.querySelector('[data-testid=loss-chart]').dataset.points > n", arg=offline_points + 20
    )
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    view = wait_for_server(client, sid, lambda v: v["status"] == "paused")
    steps = [p["step"] for p in view["history"]]
    wait_for_chart_points(page, len(steps))
    # Exactly the server's points: no gap, no duplicate, and no full history was resent.
    assert page.evaluate("window.__neuroplay.chartSteps()") == steps
    assert page.evaluate("window.__neuroplay.stats.histories") == 0
    expect(page.get_by_test_id("step-counter")).to_have_text(f"{view['step']:,}")


# ---------------------------------------------------------------------------------------- drawing
def _canvas_point(page, x1: float, x2: float) -> dict:
    """Where on the boundary canvas the plane point (x1, x2) is drawn (relative to the canvas)."""
    box = page.get_by_test_id("boundary-canvas").bounding_box()
    return {"x": (x1 + 6) / 12 * box["width"], "y": (6 - x2) / 12 * box["height"]}


def _data(client, sid):
    return client.get(f"/api/sessions/{sid}/data").json()


def test_draw_and_remove_points(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    canvas = page.get_by_test_id("boundary-canvas")
    before = server_view(client, page)
    generated = len(_data(client, sid)["train"]["x"])

    page.get_by_test_id("draw-toggle").click()
    expect(page.get_by_test_id("draw-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("draw-hint")).to_be_visible()
    page.get_by_test_id("draw-class-0").click()
    # A corner of the plane where the circle set has no points.
    canvas.click(position=_canvas_point(page, 5.4, 5.4))
    view = wait_for_server(client, sid, lambda v: len(v["dataset"]["added_points"]) == 1, what="drawn points")
    ((x1, x2, label),) = view["dataset"]["added_points"]
    assert abs(x1 - 5.4) < 0.1 and abs(x2 - 5.4) < 0.1 and label == 0
    assert view["generation"] == before["generation"]  # the network keeps its weights
    data = _data(client, sid)
    assert len(data["train"]["x"]) == generated + 1
    assert any(abs(p[0] - 5.4) < 0.1 and abs(p[1] - 5.4) < 0.1 for p in data["train"]["x"])
    expect(page.get_by_test_id("split")).to_contain_text(f"{generated + 1} training")

    # Clicking the drawn point removes it.
    canvas.click(position=_canvas_point(page, x1, x2))
    wait_for_server(client, sid, lambda v: v["dataset"]["added_points"] == [], what="drawn points")
    expect(page.get_by_test_id("split")).to_contain_text(f"{generated} training")

    # Clicking a generated point removes it too (by its index among the generated points).
    index = page.evaluate("""async () => {
        const S = await import('/js/state.js');
        const pts = S.points.value.train.x;
        const near = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.5;
        return pts.findIndex((p, i) => Math.abs(p[0]) < 5 && Math.abs(p[1]) < 5
                                       && !pts.some((q, j) => j !== i && near(p, q)));
    }""")
    assert index >= 0
    target = _data(client, sid)["train"]["x"][index]
    canvas.click(position=_canvas_point(page, *target))
    view = wait_for_server(client, sid, lambda v: v["dataset"]["removed_points"] == [index], what="removed points")
    assert view["generation"] == before["generation"]
    remaining = _data(client, sid)["train"]["x"]
    assert len(remaining) == generated - 1 and target not in remaining
    # "Restore the data" puts it back.
    page.get_by_test_id("draw-reset").click()
    wait_for_server(client, sid, lambda v: v["dataset"]["removed_points"] == [], what="removed points")
    expect(page.get_by_test_id("split")).to_contain_text(f"{generated} training")


def test_points_can_be_drawn_and_removed_with_the_keyboard(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    page.get_by_test_id("draw-toggle").click()
    page.get_by_test_id("draw-class-1").focus()
    page.keyboard.press("Tab")  # on to the plane
    canvas = page.get_by_test_id("boundary-canvas")
    expect(canvas).to_be_focused()
    expect(page.get_by_test_id("draw-hint")).to_contain_text("(0.00, 0.00)")
    page.keyboard.press("Shift+ArrowRight")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowUp")  # (1, 5): a corner the circle set leaves empty
    expect(page.get_by_test_id("draw-hint")).to_contain_text("(1.00, 5.00)")
    page.keyboard.press("0")
    expect(page.get_by_test_id("draw-class-0")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("draw-hint")).to_contain_text("empty: Enter adds a point of class 0")
    expect(canvas).to_have_attribute("role", "application")
    page.keyboard.press("Enter")
    view = wait_for_server(client, sid, lambda v: len(v["dataset"]["added_points"]) == 1, what="a drawn point")
    assert view["dataset"]["added_points"] == [[1.0, 5.0, 0]]
    # The live text says what the cross is on now, and so what Enter will do.
    expect(page.get_by_test_id("draw-hint")).to_contain_text("on a point of class 0: Enter removes it")
    page.keyboard.press("Control+0")  # the browser's zoom reset is not taken for "class 0"
    page.keyboard.press("Enter")  # the cross is on the drawn point: it goes
    wait_for_server(client, sid, lambda v: v["dataset"]["added_points"] == [], what="the point removed")


# ---------------------------------------------------------------------------------------- augmentation
def _layer_types(client) -> set[str]:
    return {layer["type"] for layer in client.get("/api/catalog").json()["layers"]}


def _thumbs(page, side: int = 8) -> dict:
    """The preview's images once every canvas is drawn (read in the same moment): a canvas that a
    re-render re-created is blank (300 x 150) until its effect paints it, and blank ones look alike."""
    return page.wait_for_function(
        """side => {
        const one = (id) => [...document.querySelectorAll(`[data-testid=${id}]`)];
        const canvases = [...one('augment-original'), ...one('augment-sample')];
        if (canvases.length !== 13 || !canvases.every(c => c.width === side && c.height === side)) return false;
        return { original: canvases[0].toDataURL(), samples: canvases.slice(1).map(c => c.toDataURL()) };
    }""",
        arg=side,
    ).json_value()


def test_augmentation_preview_changes_when_rotation_is_on(server, client, watched):
    assert "conv2d" in _layer_types(client), "image datasets need conv2d"
    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    page.get_by_test_id("dataset-digits").click()
    expect(page.get_by_test_id("dataset-digits")).to_have_attribute("aria-checked", "true")
    wait_for_server(client, sid, lambda v: v["dataset"]["name"] == "digits", what="dataset")
    expect(page.get_by_test_id("input-shape")).to_have_text("(1, 8, 8)")
    expect(page.get_by_test_id("samples").get_by_test_id("sample")).to_have_count(32)
    preview = page.get_by_test_id("augment-preview")
    expect(preview.get_by_test_id("augment-sample")).to_have_count(12)
    expect(preview).to_have_attribute("data-loading", "0")
    off = _thumbs(page)
    assert all(s == off["original"] for s in off["samples"])  # nothing on: every copy is the original

    page.get_by_test_id("augment-rotation").check()
    wait_for_server(client, sid, lambda v: v["dataset"]["augment"]["rotation"] > 0, what="augmentation")
    expect(preview).to_have_attribute("data-active", "1")
    # the rotated versions arrive after the setting: wait until most copies differ from the original
    page.wait_for_function("""() => {
        const original = document.querySelector('[data-testid=augment-original]').toDataURL();
        const samples = [...document.querySelectorAll('[data-testid=augment-sample]')].map(c => c.toDataURL());
        return samples.length === 12 && samples.filter(s => s !== original).length >= 6;
    }""")
    on = _thumbs(page)
    assert on["original"] == off["original"]
    # Shuffle: new random versions.
    page.get_by_test_id("augment-shuffle").click()
    page.wait_for_function(
        "old => [...document.querySelectorAll('[data-testid=augment-sample]')].map(c => c.toDataURL()).join() !== old",
        arg=",".join(on["samples"]),
    )
    # The network kept its weights through the change, and trains on.
    page.get_by_test_id("step-epoch").click()
    expect(page.get_by_test_id("epoch-counter")).to_have_text("1")


# ---------------------------------------------------------------------------------------- downloads
def test_download_menu(server, client, watched):
    import io

    import numpy as np

    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    page.get_by_test_id("step-epoch").click()
    expect(page.get_by_test_id("epoch-counter")).to_have_text("1")
    files = {}
    for what in ("spec", "weights", "pytorch"):
        page.get_by_test_id("download").click()
        item = page.get_by_test_id(f"download-{what}")
        if what == "spec":
            expect(item).to_be_focused()  # the menu takes focus: keyboard users land on its first entry
        with page.expect_download() as info:
            item.click()
        files[what] = (info.value.suggested_filename, Path(info.value.path()).read_bytes())
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("download-panel")).to_have_count(0)
    name, body = files["spec"]
    assert name == f"neuroplay-{sid}-spec.json"
    spec = json.loads(body)
    assert [l["units"] for l in spec["model"]["layers"]] == [4, 2, 1] and spec["dataset"]["name"] == "circle"
    name, body = files["weights"]
    assert name.endswith(".npz")
    weights = np.load(io.BytesIO(body), allow_pickle=False)
    assert weights["layer0.W"].shape == (2, 4)
    name, body = files["pytorch"]
    assert name.endswith(".py") and b"torch" in body


# ---------------------------------------------------------------------------------------- sequences
def test_sequence_data_shows_samples_and_layer_blocks(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    sid = session_id(page)
    page.get_by_test_id("dataset-sine").click()
    expect(page.get_by_test_id("dataset-sine")).to_have_attribute("aria-checked", "true")
    view = wait_for_server(client, sid, lambda v: v["dataset"]["name"] == "sine", what="dataset")
    assert [l["type"] for l in view["model"]["layers"]] == ["simple_rnn", "dense"]
    # No input plane: the boundary gives way to the samples, the neuron graph to the layer blocks.
    expect(page.get_by_test_id("boundary-canvas")).to_have_count(0)
    expect(page.get_by_test_id("samples").get_by_test_id("sample")).to_have_count(4)
    blocks = page.get_by_test_id("layer-block")
    expect(blocks).to_have_count(3)
    expect(blocks.nth(1)).to_contain_text("Simple RNN")
    expect(page.get_by_test_id("block-shape")).to_have_text(["(20, 16)", "(20, 1)"])
    expect(page.get_by_test_id("input-shape")).to_have_text("(20, 1)")
    # Settings that apply to sequences, and none that do not.
    expect(page.get_by_test_id("length")).to_be_visible()
    expect(page.get_by_test_id("features")).to_have_count(0)
    expect(page.get_by_test_id("draw-toggle")).to_have_count(0)
    page.locator("#length").fill("12")
    page.locator("#length").dispatch_event("change")
    wait_for_server(client, sid, lambda v: v["model"]["input_shape"] == [12, 1], what="sequence length")
    expect(page.get_by_test_id("block-shape")).to_have_text(["(12, 16)", "(12, 1)"])
    expect(page.get_by_test_id("loss-value")).to_have_text(re.compile(r"^\d+\.\d+$"))
    start = shown_loss(page)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    wait_for_loss_below(page, start * 0.7)
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    # Back to a 2-D set: the 2-D network and views return.
    page.get_by_test_id("dataset-circle").click()
    wait_for_server(client, sid, lambda v: v["dataset"]["name"] == "circle", what="dataset")
    expect(page.get_by_test_id("layer-shape")).to_have_text(["(4)", "(2)", "(1)"])
    page.wait_for_function("document.querySelector('[data-testid=boundary-canvas]')?.dataset.frames > 0")
