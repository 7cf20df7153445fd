"""In Chinese, the page a learner tours shows no English where Chinese is expected: labels of the
catalog's entries (layers, settings, activations, datasets, losses, optimizers), their tooltips,
and the server's errors, which the client renders from their code and params."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .helpers import open_app, server_view

CJK = re.compile(r"[\u4e00-\u9fff]")
# English labels the page shows in English mode; none may be left on screen (or in a tooltip or
# an option) in Chinese. Names that stay Latin in Chinese too (ReLU, tanh, SGD, Adam, MSE's
# formula letters) are not in the list.
ENGLISH = [
    "Dense",
    "Activation",
    "Hidden",
    "Output",
    "Units",
    "Learning rate",
    "Batch",
    "Optimizer",
    "Circle",
    "Spiral",
    "Moons",
    "Network",
    "Play",
    "linear",
    "sigmoid",
    "softmax",
    "mean squared error",
    "cross-entropy",
    "One class inside",  # a dataset description (a tooltip)
    "Number of neurons",  # a setting's tooltip
    "Fully connected",  # a layer's description
]
WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")


def english_left(page) -> dict[str, list[str]]:
    """Each English label found, with where: visible text, option labels or title attributes. A
    lesson's own prose is left out: its authors write it in the language (tests/browser/test_lessons.py
    checks it is), and Chinese texts name sigmoid or softmax as they are."""
    texts = page.evaluate(
        """() => {
          const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            if (!visible(el) || el.closest('[data-testid=lesson-text], [data-testid=lesson-step]')) continue;
            if (el.title) out.push(['title', el.title]);
            if (el.getAttribute('aria-label')) out.push(['aria-label', el.getAttribute('aria-label')]);
            for (const node of el.childNodes) {
              if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) out.push(['text', node.textContent]);
            }
          }
          for (const opt of document.querySelectorAll('select option')) out.push(['option', opt.textContent]);
          return out;
        }"""
    )
    found: dict[str, list[str]] = {}
    for where, text in texts:
        for match in WORDS.findall(text):
            found.setdefault(match, []).append(f"{where}: {text.strip()[:80]}")
    return found


def test_a_tour_in_chinese_shows_no_english_labels(server, watched):
    page = watched.page
    page.add_init_script("localStorage.setItem('neuroplay.lang', 'zh')")
    open_app(page, server.url)
    assert CJK.search(page.inner_text("body"))
    assert english_left(page) == {}
    # the image side: a CNN on the digits, its layer blocks, conv settings and their tooltips
    page.get_by_test_id("dataset-digits").click()
    expect(page.locator('[data-testid=layer-card][data-type="conv2d"]').first).to_be_visible()
    assert english_left(page) == {}
    # a lesson in Chinese: its panel and the page around it
    page.get_by_test_id("lessons-button").click()
    page.locator('[data-testid=lesson-item][data-lesson="16-batch-norm"]').click()
    expect(page.get_by_test_id("lesson-panel")).to_have_attribute("data-lesson", "16-batch-norm")
    page.get_by_test_id("layer-card").first.wait_for()
    assert english_left(page) == {}


def test_the_english_page_has_the_labels_the_scan_looks_for(server, watched):
    """The scan above is not vacuous: in English it finds the labels."""
    page = watched.page
    page.add_init_script("localStorage.setItem('neuroplay.lang', 'en')")
    open_app(page, server.url)
    found = english_left(page)
    assert {"Dense", "Circle", "Hidden", "One class inside", "Learning rate", "sigmoid"} <= set(found), sorted(found)


def test_a_server_error_is_shown_in_chinese(server, client, watched):
    page = watched.page
    watched.allow(r"status of 422")  # the browser logs the refused request itself
    page.add_init_script("localStorage.setItem('neuroplay.lang', 'zh')")
    open_app(page, server.url)
    card = page.get_by_test_id("layer-card").nth(1)
    box = card.get_by_test_id("units-input")
    box.fill("5000")
    box.press("Enter")
    error = card.get_by_test_id("error")
    expect(error).to_be_visible()
    text = error.inner_text()
    # "第 2 层（全连接） · 单元数：不能大于 1024": the layer, the setting and the bound, in Chinese
    assert "1024" in text and "第 2 层" in text and "单元数" in text and "不能大于" in text, text
    assert "less than or equal" not in text and "units" not in text, text
    # the server sent the English too, for API users
    assert [layer["units"] for layer in server_view(client, page)["model"]["layers"]] == [4, 2, 1]
