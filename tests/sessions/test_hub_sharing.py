"""Watchers that keep up share one serialised metrics message and one joined tensor message a tick
(the event loop's per-watcher work, issue 12); a watcher that fell behind still gets exactly its own."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from neuroplay.schemas.session import MetricPoint
from neuroplay.sessions.hub import Hub, Subscriber

from ..hub_fakes import FakeSession, Frames


def point(step: int) -> MetricPoint:
    return MetricPoint(step=step, epoch=step, loss=1.0 / (step + 1), val_loss=None, accuracy=0.5, val_accuracy=None)


def run(coroutine_function) -> object:
    # Its own thread and loop: a browser test's Playwright may have left a loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


def watchers(hub: Hub, n: int) -> list[Subscriber]:
    subs = []
    for _ in range(n):
        sub = Subscriber("viewer", max_pending_points=100)
        sub.views = {"boundary"}
        hub.subscribers.add(sub)
        sub.joined = hub.joined
        hub.start_stream(sub, None, None)
        sub.take_texts()  # the history: sent
        subs.append(sub)
    return subs


def test_watchers_that_keep_up_share_one_metrics_message_and_one_behind_gets_its_own() -> None:
    async def scenario() -> tuple[list[str | None], list[str | None]]:
        session = FakeSession()
        hub = Hub(session, display_hz=30)  # type: ignore[arg-type]
        a, b, late = watchers(hub, 3)
        await hub.tick()  # the first tick: counters only
        for sub in (a, b, late):
            sub.take_metrics()
        session.history.append(point(10))
        session.views.batch_losses.extend([(9, 0.5), (10, 0.4)])
        session.step, session.epoch = 10, 1
        await hub.tick()
        first = [sub.take_metrics() for sub in (a, b)]  # `late` does not read this frame
        session.history.append(point(20))
        session.views.batch_losses.extend([(20, 0.3)])
        session.step, session.epoch = 20, 2
        await hub.tick()
        return first, [sub.take_metrics() for sub in (a, b, late)]

    first, second = run(scenario)  # type: ignore[misc]
    assert first[0] is first[1], "two watchers in step: one message, serialised once"
    assert second[0] is second[1] and second[2] is not second[0]
    assert [p["step"] for p in json.loads(first[0])["points"]] == [10]
    assert json.loads(first[0])["batch_losses"] == [[9, 0.5], [10, 0.4]]
    ours, behind = json.loads(second[0]), json.loads(second[2])
    assert [p["step"] for p in ours["points"]] == [20] and ours["batch_losses"] == [[20, 0.3]]
    assert [p["step"] for p in behind["points"]] == [10, 20], "the watcher behind gets both frames' points"
    assert behind["batch_losses"] == [[9, 0.5], [10, 0.4], [20, 0.3]]
    assert ours["step"] == behind["step"] == 20 and ours["epoch"] == 2


def test_watchers_that_keep_up_send_one_joined_tensor_message() -> None:
    records = [("boundary", "boundary", b"b" * 40), ("neurons/0", "boundary", b"n" * 80)]

    async def scenario() -> list[bytes | None]:
        session = FakeSession(frames=Frames(records))
        hub = Hub(session, display_hz=30)  # type: ignore[arg-type]
        subs = watchers(hub, 3)
        subs[2].views = set()  # watches nothing: gets nothing
        await hub.tick()
        return [sub.take_tensor_message() for sub in subs]

    a, b, none = run(scenario)  # type: ignore[misc]
    assert a is b and a == b"b" * 40 + b"n" * 80  # smallest first, joined once
    assert none is None
