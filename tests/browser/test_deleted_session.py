"""A deleted session's link (the retention sweep removed it): the page says it was deleted, when and
why (in the learner's language: the reason comes as a code), and offers a new session; the same
when the deletion shows up on the websocket (4410)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime

import httpx
import pytest

from ..conftest import LiveServer
from .helpers import latin_sentences, open_app, session_id

RETENTION_SECONDS = 2.0


@pytest.fixture()
def forgetful_server(tmp_path):
    """A server that deletes sessions nobody opened for two seconds."""
    server = LiveServer(
        tmp_path,
        env={
            "NEUROPLAY_RETENTION_DAYS": str(RETENTION_SECONDS / 86400),
            "NEUROPLAY_RETENTION_SWEEP_SECONDS": "0.3",
        },
    )
    yield server
    server.stop()


def wait_until_deleted(server: LiveServer, sid: str) -> None:
    """Read the database, not the API: a GET would count as opening the session and keep it."""
    deadline = time.monotonic() + RETENTION_SECONDS * 10
    while time.monotonic() < deadline:
        with sqlite3.connect(server.data_dir / "neuroplay.db", timeout=10) as conn:
            if conn.execute("SELECT 1 FROM deleted_sessions WHERE id = ?", (sid,)).fetchone():
                return
        time.sleep(0.2)
    raise AssertionError(f"the sweep did not delete {sid}")


def assert_deleted_page(page, sid: str) -> None:
    gone = page.get_by_test_id("session-deleted")
    gone.wait_for()
    assert "This session was deleted" in gone.inner_text()
    when = page.get_by_test_id("deleted-when").inner_text()
    today = datetime.now(UTC)
    assert when.startswith("It was deleted on ") and str(today.year) in when and today.strftime("%B") in when, when
    why = page.get_by_test_id("deleted-why").inner_text()
    assert "not opened for" in why and "retention policy" in why, why
    assert page.get_by_test_id("layer-card").count() == 0, "no network of a session that is not there"
    assert page.get_by_test_id("session-gone").count() == 0, "the page says it, not also a banner"
    assert session_id(page) == sid, "the link stays as it was"


def test_a_deleted_sessions_link_says_when_and_why_and_offers_a_new_one(forgetful_server, watched) -> None:
    page = watched.page
    watched.allow(r"410")  # the browser logs the failed GET of the deleted session
    client = httpx.Client(base_url=forgetful_server.url, timeout=10)
    sid = client.post("/api/sessions", json={}).json()["id"]
    wait_until_deleted(forgetful_server, sid)
    assert client.get(f"/api/sessions/{sid}").status_code == 410

    page.goto(f"{forgetful_server.url}/s/{sid}")
    assert_deleted_page(page, sid)

    page.get_by_test_id("deleted-new").click()
    page.get_by_test_id("layer-card").first.wait_for()
    fresh = session_id(page)
    assert fresh != sid and client.get(f"/api/sessions/{fresh}").status_code == 200
    assert page.get_by_test_id("session-deleted").count() == 0


def test_a_session_deleted_while_its_page_was_offline_says_so_on_reconnecting(forgetful_server, watched) -> None:
    page = watched.page
    watched.allow(r"410")
    open_app(page, forgetful_server.url)
    sid = session_id(page)
    client = httpx.Client(base_url=forgetful_server.url, timeout=10)
    assert client.get(f"/api/sessions/{sid}").json()["status"] != "running"
    # Offline long enough for the sweep (nobody watches it now); then the page reconnects, and the
    # server's answer is the 'gone' frame and close code 4410.
    offline_ms = int(RETENTION_SECONDS * 1000 * 4)
    page.evaluate(f"window.__neuroplay.dropStream({offline_ms})")
    wait_until_deleted(forgetful_server, sid)
    assert page.get_by_test_id("session-deleted").count() == 0, "still offline: nothing known yet"
    page.get_by_test_id("session-deleted").wait_for(timeout=offline_ms + 15000)
    assert_deleted_page(page, sid)


def test_in_chinese_the_deleted_page_says_why_in_chinese(forgetful_server, watched) -> None:
    page = watched.page
    watched.allow(r"410")
    page.add_init_script("localStorage.setItem('neuroplay.lang', 'zh')")
    client = httpx.Client(base_url=forgetful_server.url, timeout=10)
    sid = client.post("/api/sessions", json={}).json()["id"]
    wait_until_deleted(forgetful_server, sid)
    gone = client.get(f"/api/sessions/{sid}").json()
    days = gone["params"]["days"]  # the policy's, as the store wrote it (six digits)
    assert gone["code"] == "session_deleted_unused" and days == pytest.approx(RETENTION_SECONDS / 86400, rel=1e-4)
    page.goto(f"{forgetful_server.url}/s/{sid}")
    page.get_by_test_id("session-deleted").wait_for()
    why = page.get_by_test_id("deleted-why").inner_text()
    assert why.startswith("原因：") and "天没有被打开" in why and "保留策略" in why, why
    text = page.get_by_test_id("session-deleted").inner_text()
    assert latin_sentences(text) == [], text
    assert latin_sentences(gone["message"]), "the server's English is still sent, for API users"
