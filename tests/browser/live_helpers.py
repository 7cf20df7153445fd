"""What the live-view browser tests share: opening a session of a given spec as its owner, play and
pause, reading a canvas once it is painted, and the subscription the page sent last."""

from __future__ import annotations

from playwright.sync_api import expect

DIGITS_CNN = {"dataset": {"name": "digits"}}
# A 2-D MLP with a batch-norm layer (the batch-norm panel's tests).
BN_MLP = {
    "input_shape": [2],
    "layers": [
        {"type": "dense", "units": 6, "activation": "linear"},
        {"type": "batch_norm"},
        {"type": "activation", "activation": "tanh"},
        {"type": "dense", "units": 1, "activation": "sigmoid"},
    ],
}


def open_session(context, page, server, client, body: dict) -> str:
    """Create a session with `body`, hand this browser its owner token, and open it."""
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    context.add_init_script(
        f"localStorage.setItem('neuroplay.tokens', JSON.stringify({{{created['id']!r}: {created['owner_token']!r}}}))"
    )
    page.goto(f"{server.url}/s/{created['id']}")
    page.get_by_test_id("layer-card").first.wait_for()
    return created["id"]


def play(page) -> None:
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("running")


def pause(page) -> None:
    page.get_by_test_id("play-pause").click()
    expect(page.get_by_test_id("status")).to_have_text("paused")


# Reads a canvas once it has been painted (data-drawn > 0: never the blank 300x150 canvas a
# re-render makes) and says whether it is a picture: its size and how many different colours it has.
PICTURE = """el => {
  if (!(Number(el.dataset.drawn) > 0)) return null;
  const ctx = el.getContext('2d');
  const px = ctx.getImageData(0, 0, el.width, el.height).data;
  const colours = new Set();
  for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  return { width: el.width, height: el.height, colours: colours.size, url: el.toDataURL() };
}"""


def picture(locator, timeout: float = 15000) -> dict:
    """The painted picture of a canvas: waits until it is drawn, then reads it in one moment."""
    handle = locator.element_handle(timeout=timeout)
    locator.page.wait_for_function(
        "el => Number(el.dataset.drawn) > 0 && !(el.width === 300 && el.height === 150)", arg=handle, timeout=timeout
    )
    return locator.evaluate(PICTURE)


def subscription(page) -> dict:
    return page.evaluate("window.__neuroplay.subscription()")
