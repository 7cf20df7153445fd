"""In Chinese, the errors a learner runs into are said in Chinese, with no sentence of the server's
English in them: a file the server refuses, a loss landscape it cannot draw, and a training process
that died under a running session (SessionState.error, the banner). The server still sends its
English `message` (API users read it): the scan would find it."""

from __future__ import annotations

import os
import re
import signal

import httpx
import pytest
from playwright.sync_api import expect

from ..conftest import LiveServer
from .helpers import BROKEN_CSV, latin_sentences, open_app, submit_broken_csv
from .live_helpers import open_session

pytestmark = pytest.mark.browser

ZH = "localStorage.setItem('neuroplay.lang', 'zh')"


def test_a_refused_file_is_named_in_chinese(server, client, watched, tmp_path) -> None:
    page = watched.page
    watched.allow(r"status of 422")  # the browser logs the refused request itself
    page.add_init_script(ZH)
    open_app(page, server.url)
    dialog = submit_broken_csv(page, tmp_path)
    error = dialog.get_by_test_id("upload-error")
    expect(error).to_contain_text("不是数字")
    text = error.inner_text()
    assert "第 3 行" in text and "oops" in text and "b" in text, text
    assert latin_sentences(text) == [], text
    # what the server sent next to the code: English, which the scan finds
    sid = page.url.rsplit("/", 1)[-1]
    english = client.post(
        f"/api/sessions/{sid}/uploads/csv", params={"label_column": "label"}, content=BROKEN_CSV.encode()
    )
    assert latin_sentences(english.json()["message"]), english.json()


ONE_NEURON = {
    "model": {"input_shape": [1], "layers": [{"type": "dense", "units": 1, "activation": "linear"}]},
    "dataset": {"name": "plane", "features": ["x1"], "points": 200, "noise": 0.1},
    "training": {"optimizer": "sgd", "learning_rate": 0.05, "batch_size": 10000},
}


def test_a_landscape_the_server_refuses_is_named_in_chinese(server, client, context, watched) -> None:
    page = watched.page
    watched.allow("422")
    context.add_init_script(ZH)
    open_session(context, page, server, client, ONE_NEURON)
    page.get_by_test_id("tab-landscape").click()
    page.wait_for_function("Number(document.querySelector('[data-testid=landscape-canvas]')?.dataset.drawn) > 0")
    page.get_by_test_id("landscape-axes").select_option("entries")
    page.get_by_test_id("landscape-y").select_option("layer0.W[0, 0]")  # the same entry twice
    error = page.get_by_test_id("landscape-error")
    expect(error).to_contain_text("指定了同一个条目")
    text = error.inner_text()
    assert text.startswith("y 轴"), text  # the field, in Chinese too
    assert latin_sentences(text) == [], text


@pytest.fixture()
def own_server(tmp_path) -> LiveServer:
    """A server of this test alone: it kills the server's engine processes."""
    live = LiveServer(tmp_path)
    yield live
    live.stop()


def test_a_dead_training_process_is_reported_in_chinese(own_server, context, watched) -> None:
    page = watched.page
    context.add_init_script(ZH)
    client = httpx.Client(base_url=own_server.url, timeout=10)
    sid = open_session(context, page, own_server, client, {})
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_class(re.compile("status-running"))
    counter = "document.querySelector('[data-testid=step-counter]')"
    page.wait_for_function(f"Number({counter}?.textContent.replace(/\\D/g, '')) > 50")
    for pid in own_server.engine_pids():
        os.kill(pid, signal.SIGKILL)
    banner = page.get_by_test_id("session-error")
    expect(banner).to_contain_text("训练进程意外结束")
    text = banner.inner_text()
    error = client.get(f"/api/sessions/{sid}").json()["error"]
    assert error["code"] == "engine_gone" and f"第 {error['params']['step']} 步" in text, (error, text)
    assert latin_sentences(text) == [] and latin_sentences(error["message"]), (text, error["message"])
