"""A lesson's steps open the views they name and close the ones the step before opened: the
batch-norm lesson's steps show its statistics, then the distributions, then the network again."""

from __future__ import annotations

from playwright.sync_api import expect

from .lessons_helpers import start_lesson


def expect_tab(page, name: str) -> None:
    expect(page.get_by_test_id(f"tab-{name}")).to_have_attribute("aria-selected", "true")


def test_steps_open_and_close_the_views_they_name(server, watched):
    page = watched.page
    start_lesson(page, server.url, "16-batch-norm")
    # step 1 names bn_stats: its tab opens, and the view streams (its panel draws the layer's numbers)
    expect_tab(page, "bn_stats")
    expect(page.locator("#inside-panel")).to_contain_text("γ")
    page.get_by_test_id("lesson-next").click()
    expect_tab(page, "histograms")  # step 2: histograms, in place of bn_stats
    expect(page.get_by_test_id("tab-bn_stats")).to_have_attribute("aria-selected", "false")
    page.get_by_test_id("lesson-next").click()
    expect_tab(page, "network")  # step 3 names no view: the one step 2 opened closes
    page.get_by_test_id("lesson-back").click()
    expect_tab(page, "histograms")
    page.get_by_test_id("lesson-back").click()
    expect_tab(page, "bn_stats")


def test_a_step_leaves_a_view_the_learner_opened(server, watched):
    page = watched.page
    start_lesson(page, server.url, "16-batch-norm")
    page.get_by_test_id("lesson-next").click()
    expect_tab(page, "histograms")
    page.get_by_test_id("tab-probe").click()  # the learner's own choice, in place of the step's view
    page.get_by_test_id("lesson-next").click()  # step 3 closes what step 2 opened, not this
    expect(page.get_by_test_id("lesson-step-count")).to_contain_text("3")
    expect_tab(page, "probe")


def test_a_step_naming_a_view_beside_the_network_shows_the_network(server, watched):
    page = watched.page
    start_lesson(page, server.url, "01-neuron")
    expect_tab(page, "probe")  # step 1: the probe sample's numbers
    page.get_by_test_id("lesson-next").click()  # step 2: the decision boundary, beside the network
    expect_tab(page, "network")
    expect(page.get_by_test_id("boundary-canvas")).to_be_visible()


def test_the_gradient_descent_lesson_opens_the_true_landscape_of_its_two_weights(server, client, watched):
    """Concept 10's experiment: one neuron with exactly two weights, so the landscape tab the lesson
    opens is the true cost over both (entry axes, not random directions); a step moves the path."""
    page = watched.page
    progress = start_lesson(page, server.url, "10-gradient-descent")
    assert client.get(f"/api/sessions/{progress['sessions'][0]['id']}").json()["total_params"] == 2
    expect_tab(page, "landscape")
    expect(page.get_by_test_id("lesson-views")).to_contain_text("loss landscape")
    canvas = page.get_by_test_id("landscape-canvas")
    page.wait_for_function("el => Number(el.dataset.drawn) > 0", arg=canvas.element_handle())
    axes = page.get_by_test_id("landscape-axes-text")
    expect(axes).to_contain_text("layer0.W[0, 0]")
    expect(axes).to_contain_text("layer0.W[1, 0]")
    expect(page.get_by_test_id("landscape-neuron-preset")).to_have_count(0)  # no "true landscape" hint needed
    page.get_by_test_id("lesson-action").click()  # the step's action: one step of gradient descent
    expect(page.get_by_test_id("step-counter")).to_have_text("1")
    expect(page.get_by_test_id("landscape-path")).to_have_attribute("data-points", "2", timeout=15000)
    page.get_by_test_id("lesson-next").click()
    expect_tab(page, "landscape")
    page.get_by_test_id("lesson-next").click()
    expect_tab(page, "network")  # the last step names no view: the landscape the steps opened closes
