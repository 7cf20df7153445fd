"""Lessons in Chromium: the picker, starting lessons in English and Chinese, walking the steps,
the challenge checked live, and leaving a lesson with the network kept."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .helpers import open_app, session_id
from .lessons_helpers import LESSON_COUNT, focused, open_picker, start_lesson, stored_progress, stored_tokens

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_picker_lists_every_lesson_by_concept_and_works_by_keyboard(server, client, watched):
    page = watched.page
    open_app(page, server.url)
    open_picker(page)
    items = page.get_by_test_id("lesson-item")
    lessons = client.get("/api/lessons").json()
    expect(items.get_by_test_id("lesson-title")).to_have_text([lesson["title"]["en"] for lesson in lessons])
    # the concept's English and Chinese names, whatever the language
    expect(page.locator('[data-lesson="15-dropout"] [data-testid=lesson-concepts]')).to_have_text("15 dropout · 丢弃")
    expect(items.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(items.nth(2)).to_be_focused()
    page.keyboard.press("End")
    expect(items.nth(LESSON_COUNT - 1)).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("lesson-picker")).to_have_count(0)
    expect(page.get_by_test_id("lessons-button")).to_be_focused()
    # Enter on the focused lesson starts it
    open_picker(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lesson-panel")).to_have_attribute("data-lesson", lessons[1]["id"])


@pytest.mark.parametrize(
    ("language", "lesson_ids"),
    [("en", ["01-neuron", "15-dropout", "18-cnn"]), ("zh", ["05-tour", "11-learning-rate", "22-recurrent-neuron"])],
)
def test_lessons_start_in_the_chosen_language(server, client, watched, language, lesson_ids):
    page = watched.page
    page.add_init_script(f"localStorage.setItem('neuroplay.lang', '{language}')")
    open_app(page, server.url)
    for lesson_id in lesson_ids:
        lesson = client.get(f"/api/lessons/{lesson_id}").json()
        progress = start_lesson(page, server.url, lesson_id, fresh=False)
        panel = page.get_by_test_id("lesson-panel")
        expect(panel.get_by_test_id("lesson-panel-title")).to_have_text(lesson["title"][language])
        expect(panel.get_by_test_id("lesson-step-title")).to_have_text(lesson["steps"][0]["title"][language])
        text = panel.get_by_test_id("lesson-text").inner_text()
        assert bool(CJK.search(text)) == (language == "zh"), f"{lesson_id} text is not in {language}: {text[:80]}"
        # every run's session exists, is this browser's, and the page shows the first run's
        tokens = stored_tokens(page)
        assert [s["run"] for s in progress["sessions"]] == [run["name"] for run in lesson["runs"]]
        for run, ref in zip(lesson["runs"], progress["sessions"], strict=True):
            view = client.get(f"/api/sessions/{ref['id']}").json()
            assert view["dataset"]["name"] == run["session"]["dataset"]["name"]
            answer = client.post(
                f"/api/sessions/{ref['id']}/commands",
                json={"action": "pause"},
                headers={"Authorization": f"Bearer {tokens[ref['id']]}"},
            )
            assert answer.status_code == 200, answer.text
        assert session_id(page) == progress["sessions"][0]["id"]
        shown = client.get(f"/api/sessions/{progress['sessions'][0]['id']}").json()
        expect(page.get_by_test_id("layer-card")).to_have_count(len(shown["model"]["layers"]))


def test_walking_the_steps_moves_the_highlight_and_progress_survives_a_reload(server, client, watched):
    page = watched.page
    start_lesson(page, server.url, "05-tour")
    panel = page.get_by_test_id("lesson-panel")
    expect(panel.get_by_test_id("lesson-step-count")).to_have_text("Step 1 of 4")
    assert focused(page) == []
    panel.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("play-pause")).to_have_attribute("data-lesson-focus", "")
    assert focused(page) == ["play_pause"]
    # the step's action, offered as a button, plays the session
    panel.get_by_test_id("lesson-action").click()
    expect(page.get_by_test_id("status")).to_have_text("running")
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")
    # the arrow keys walk while the panel has focus
    panel.focus()
    page.keyboard.press("ArrowRight")
    expect(panel.get_by_test_id("lesson-step-count")).to_have_text("Step 3 of 4")
    expect(page.get_by_test_id("palette")).to_have_attribute("data-lesson-focus", "")
    assert focused(page) == ["layer_stack model.layers", "palette"]
    assert stored_progress(page)["step"] == 2
    page.reload()
    expect(page.get_by_test_id("lesson-panel")).to_have_attribute("data-lesson", "05-tour")
    expect(page.get_by_test_id("lesson-step-count")).to_have_text("Step 3 of 4")
    expect(page.get_by_test_id("palette")).to_have_attribute("data-lesson-focus", "")
    page.get_by_test_id("lesson-back").click()
    expect(page.get_by_test_id("play-pause")).to_have_attribute("data-lesson-focus", "")
    expect(page.get_by_test_id("palette")).not_to_have_attribute("data-lesson-focus", "")


def test_a_lesson_hides_its_hidden_controls_and_leaving_keeps_the_network(server, client, watched):
    page = watched.page
    progress = start_lesson(page, server.url, "01-neuron")
    expect(page.get_by_test_id("palette")).to_be_hidden()
    expect(page.get_by_test_id("layer-stack")).to_have_attribute("data-lesson-mark", "")
    first = progress["sessions"][0]["id"]
    # the learner trains the lesson's network a little, then leaves
    for _ in range(3):
        page.get_by_test_id("step-batch").click()
    expect(page.get_by_test_id("step-counter")).to_have_text("3")
    trained = client.get(f"/api/sessions/{first}").json()
    before = trained["model"]
    page.get_by_test_id("lesson-leave").click()
    expect(page.get_by_test_id("lesson-panel")).to_have_count(0)
    expect(page.get_by_test_id("palette")).to_be_visible()
    assert page.locator("[data-lesson-mark], [data-lesson-focus], [data-lesson-hidden]").count() == 0
    assert session_id(page) == first
    assert stored_progress(page) is None
    assert client.get(f"/api/sessions/{first}").json()["model"] == before
    page.reload()
    page.get_by_test_id("layer-card").first.wait_for()
    assert session_id(page) == first
    expect(page.get_by_test_id("lesson-panel")).to_have_count(0)
    expect(page.get_by_test_id("layer-card")).to_have_count(len(before["layers"]))
    expect(page.get_by_test_id("step-counter")).to_have_text("3")
    after = client.get(f"/api/sessions/{first}").json()
    assert (after["step"], after["history"], after["generation"]) == (3, trained["history"], trained["generation"])


def test_the_challenge_is_checked_live(server, client, watched):
    page = watched.page
    progress = start_lesson(page, server.url, "06-layers")
    lesson = client.get("/api/lessons/06-layers").json()
    box = page.get_by_test_id("lesson-challenge")
    expect(box).to_contain_text("At most 15 parameters")
    # the lesson starts from the output layer alone (3 parameters): small enough, not there yet
    expect(box.get_by_test_id("challenge-result")).to_contain_text("Not yet")
    first = progress["sessions"][0]["id"]
    token = stored_tokens(page)[first]
    auth = {"Authorization": f"Bearer {token}"}
    # the 2-4-1 its steps build has 17 parameters: too many, whatever it reaches
    built = lesson["effects"][0]["model"]
    r = client.patch(f"/api/sessions/{first}", json={"model": built}, headers=auth)
    assert r.status_code == 200, r.text
    expect(box.get_by_test_id("challenge-result")).to_contain_text("17 parameters")
    r = client.patch(f"/api/sessions/{first}", json={"model": lesson["challenge"]["solution"]}, headers=auth)
    assert r.status_code == 200, r.text
    expect(box.get_by_test_id("challenge-result")).not_to_contain_text("parameters")
    # Paced, so that a point is scored at every epoch end whatever the machine's speed: at full
    # speed the scoring budget may space the points past the step limit (seen once on CI).
    r = client.patch(f"/api/sessions/{first}", json={"training": {"steps_per_second": 400}}, headers=auth)
    assert r.status_code == 200, r.text
    page.get_by_test_id("play-pause").click()
    expect(box.get_by_test_id("challenge-result")).to_have_attribute("data-met", "true", timeout=60000)
    text = box.get_by_test_id("challenge-result").inner_text()
    met_at = int(re.sub(r"\D", "", text))
    # the step shown is the first of the server's points that meets the rule
    points = client.get(f"/api/sessions/{first}").json()["history"]
    challenge = lesson["challenge"]
    meets = [p["step"] for p in points if p["step"] <= challenge["within_steps"] and (p["val_accuracy"] or 0) >= 0.95]
    assert meets and meets[0] == met_at


def wait_phase(client, session: str, expected: tuple[str, int], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (phase := client.get(f"/api/sessions/{session}").json()["phase"]) != {
        **phase,
        "stage": expected[0],
        "layer": expected[1],
    }:
        assert time.monotonic() < deadline, f"the session's phase stayed {phase}, expected {expected}"
        time.sleep(0.05)


def test_a_step_action_of_one_phase_steps_the_forward_pass(server, client, watched):
    page = watched.page
    page.add_init_script("localStorage.setItem('neuroplay.lang', 'zh')")
    progress = start_lesson(page, server.url, "08-forward")
    page.get_by_test_id("lesson-next").click()
    action = page.get_by_test_id("lesson-action")
    expect(action).to_have_text("单步一个阶段")
    first = progress["sessions"][0]["id"]
    action.click()
    wait_phase(client, first, ("forward", 0))
    action.click()
    wait_phase(client, first, ("forward", 1))
    assert client.get(f"/api/sessions/{first}").json()["step"] == 0
