"""What the browser tests share: recording console errors, and small readers of what the page shows."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import httpx
from playwright.sync_api import expect

VIEWPORT = {"width": 1400, "height": 900}


@dataclass
class Watched:
    page: object
    errors: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Console errors matching `pattern` are expected in this test (e.g. a deliberate 422)."""
        self.allowed.append(pattern)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(re.search(p, e) for p in self.allowed)]


def watch(page) -> Watched:
    """Record console errors and uncaught exceptions (unhandled rejections included) of `page`."""
    w = Watched(page)
    page.on("console", lambda m: w.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(f"pageerror: {e}"))
    return w


def open_app(page, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("layer-card").first.wait_for()
    page.wait_for_function("document.querySelector('[data-testid=boundary-canvas]')?.dataset.frames > 0")


def session_id(page) -> str:
    match = re.search(r"/s/([^/?#]+)", page.url)
    assert match, f"the page should show its session in the URL, got {page.url}"
    return match.group(1)


def owner_token(page) -> str:
    tokens = json.loads(page.evaluate("localStorage.getItem('neuroplay.tokens') || '{}'"))
    return tokens[session_id(page)]


def server_view(client: httpx.Client, page) -> dict:
    r = client.get(f"/api/sessions/{session_id(page)}")
    r.raise_for_status()
    return r.json()


def number(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def open_owned(context, page, server, client, body: dict) -> str:
    """Create a session with `body` over HTTP, hand its token to the page, and open it there."""
    created = client.post("/api/sessions", json=body).json()
    context.add_init_script(
        f"localStorage.setItem('neuroplay.tokens', JSON.stringify({{{created['id']!r}: {created['owner_token']!r}}}))"
    )
    page.goto(f"{server.url}/s/{created['id']}")
    page.get_by_test_id("layer-card").first.wait_for()
    return created["id"]


# A network that diverges within a few steps: ReLU layers, MSE and a learning rate of 10.
DIVERGING = {
    "model": {
        "input_shape": [2],
        "layers": [
            {"type": "dense", "units": 8, "activation": "relu"},
            {"type": "dense", "units": 8, "activation": "relu"},
            {"type": "dense", "units": 1, "activation": "linear"},
        ],
    },
    "training": {"learning_rate": 10, "loss": "mse"},
}


# Three Latin words in a row: a sentence of the server's English. Names that stay Latin in Chinese
# (ReLU, PNG 或 JPEG, layer0.W[0, 1], a file's name) are single words between Chinese ones.
LATIN_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[\s,;:'\"()-]+[A-Za-z]{2,}){2,}")


def latin_sentences(text: str) -> list[str]:
    """The runs of English words in `text` (none may be left in a Chinese page's error)."""
    return LATIN_SENTENCE.findall(text)


BROKEN_CSV = "a,b,label\n1,2,x\n3,oops,y\n5,6,x\n"  # row 3, column b is not a number


def submit_broken_csv(page, tmp_path):
    """Upload BROKEN_CSV through the dialog (label column found by itself); returns the dialog, which
    the server's refusal leaves open."""
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN_CSV)
    page.get_by_test_id("open-upload").click()
    dialog = page.get_by_test_id("upload-dialog")
    dialog.get_by_test_id("upload-file").set_input_files(str(path))
    expect(dialog.get_by_test_id("label-column")).to_have_value("label")
    dialog.get_by_test_id("upload-submit").click()
    return dialog


def settle(page) -> None:
    """Wait until two animation frames have passed: every handler of the input given so far has run
    and the page has painted what it did (a condition to wait for, not a window of time)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


RECORD_CHANGES = """() => {
  window.__changesSent = [];
  if (window.__recordingChanges) return;
  window.__recordingChanges = true;
  const fetchBefore = window.fetch;
  window.fetch = (input, init) => {
    const method = (init && init.method) || "GET";
    if (method !== "GET") window.__changesSent.push(`${method} ${String(input)}`);
    return fetchBefore(input, init);
  };
  const sendBefore = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === "string" && JSON.parse(data).type === "command") window.__changesSent.push(`ws ${data}`);
    return sendBefore.call(this, data);
  };
}"""


class ChangesSent:
    """What the page asked the server to change (non-GET requests, websocket commands) inside a
    `with changes_sent(page) as sent:` block; read `sent.requests` after the block, which ends once
    the page has handled the input and painted (settle). A test that something does nothing reads
    this instead of watching for a while."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: list[str] = []

    def __enter__(self) -> ChangesSent:
        self.page.evaluate(RECORD_CHANGES)
        return self

    def __exit__(self, *exc: object) -> None:
        settle(self.page)
        self.requests = self.page.evaluate("() => window.__changesSent.slice()")


def changes_sent(page) -> ChangesSent:
    return ChangesSent(page)
