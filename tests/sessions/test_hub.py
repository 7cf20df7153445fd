"""A watcher's outbox stays bounded: a newer history replaces one still unsent."""

from __future__ import annotations

import json
import time

from neuroplay.schemas.session import MetricPoint
from neuroplay.sessions.hub import Subscriber


def points(n: int) -> list[MetricPoint]:
    return [
        MetricPoint(step=i, epoch=i, loss=1.0 / (i + 1), val_loss=None, accuracy=None, val_accuracy=None)
        for i in range(n)
    ]


def test_a_newer_history_replaces_an_unsent_one_and_other_messages_stay_in_order() -> None:
    sub = Subscriber("viewer", max_pending_points=10)
    sub.push_text('{"type": "hello"}')
    sub.push_history(1, points(3))
    sub.push_text('{"type": "pong"}')
    sub.push_history(1, points(5))
    kinds = [json.loads(text)["type"] for text in sub.texts]
    assert kinds == ["hello", "pong", "history"]
    assert len(json.loads(sub.texts[-1])["points"]) == 5


def test_a_history_already_taken_for_sending_is_left_alone() -> None:
    sub = Subscriber("viewer", max_pending_points=10)
    sub.push_history(1, points(3))
    sent, sub.texts = sub.texts, []  # what the send loop does
    sub.push_history(2, points(1))
    assert len(sent) == 1 and len(sub.texts) == 1
    assert json.loads(sub.texts[0])["generation"] == 2


def test_a_history_queued_while_sending_goes_out_before_the_points_after_it() -> None:
    # (Adapted from a reviewer's script.) The socket is slow on the first history; meanwhile a
    # newer history and two points after it are queued. The client must end with all of them.
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from neuroplay.api.stream import send_loop

    class SlowSocket:
        def __init__(self) -> None:
            self.sent: list[dict] = []
            self.gate = asyncio.Event()
            self.stuck = asyncio.Event()  # set once the first history waits at the gate

        async def send_text(self, text: str) -> None:
            message = json.loads(text)
            if message["type"] == "history" and not self.gate.is_set():
                self.stuck.set()
                await self.gate.wait()
            self.sent.append(message)

        async def sent_point(self, step: int) -> None:
            while not any(
                m["type"] == "metrics" and m["points"] and m["points"][-1]["step"] == step for m in self.sent
            ):
                await asyncio.sleep(0.005)

        async def send_bytes(self, data: bytes) -> None:
            pass

    async def run() -> list[int]:
        sub = Subscriber("viewer", max_pending_points=1000)
        sub.push_history(1, points(5))
        ws = SlowSocket()
        sender = asyncio.create_task(send_loop(ws, sub))
        await asyncio.wait_for(ws.stuck.wait(), 5)  # stuck sending the first history
        sub.push_history(1, points(10))
        sub.push_points(
            1,
            [MetricPoint(step=s, epoch=s, loss=0.1, val_loss=None, accuracy=None, val_accuracy=None) for s in (10, 11)],
        )
        sub.set_counters((1, "running", 11, 11))
        ws.gate.set()
        await asyncio.wait_for(ws.sent_point(11), 5)  # everything queued has gone out
        sender.cancel()
        curve: list[int] = []  # what the client does: a history replaces, metrics append
        for message in ws.sent:
            if message["type"] == "history":
                curve = [p["step"] for p in message["points"]]
            elif message["type"] == "metrics":
                curve += [p["step"] for p in message["points"] if not curve or p["step"] > curve[-1]]
        assert not sub.history_held, "a sent history is not kept"
        return curve

    # Its own thread and loop: a browser test's Playwright may have left a loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, run()).result() == list(range(12))


def test_a_watchers_tensor_bytes_keep_to_the_budget_small_records_first() -> None:
    from neuroplay.sessions.hub import TENSOR_BURST_SECONDS, TENSOR_BYTES_PER_SECOND

    sub = Subscriber("viewer", max_pending_points=10)
    sub.views = {"neurons", "grad_norms"}
    burst = int(TENSOR_BYTES_PER_SECOND * TENSOR_BURST_SECONDS)
    big = [(f"neurons/{i}", "neurons", bytes((burst - 100) // 3)) for i in range(6)]  # two bursts' worth
    small = [("grad_norm/0/None", "grad_norms", bytes(100))]
    sub.set_tensors(big + small)
    start = time.monotonic()
    first = sub.take_tensors(start)
    assert len(first[0]) == 100  # the small record goes first
    assert sum(map(len, first)) <= burst and len(first) == 4  # then what the burst allows
    assert len(sub.tensors) == 3  # the rest waits, latest-wins
    sub.set_tensors(small)
    # One display frame later the budget has refilled by 60 kB: the small record goes, the big ones
    # still wait (they are not sent ahead of it, nor is it held behind them).
    assert [len(f) for f in sub.take_tensors(start + 1 / 30)] == [100]
    assert len(sub.tensors) == 3
    assert len(sub.take_tensors(start + 1.0)) == 3  # a second later they have gone too


def test_series_pieces_all_reach_a_watcher_in_order_and_only_of_its_views() -> None:
    sub = Subscriber("viewer", max_pending_points=10)
    sub.views = {"grad_norms"}
    sub.push_series([("grad_norm/0/None@1", "grad_norms", b"a" * 8), ("x@1", "batch", b"z" * 8)])
    sub.set_tensors([("weights/0/W", "grad_norms", b"w" * 4)])
    sub.push_series([("grad_norm/0/None@5", "grad_norms", b"b" * 8)])  # not latest-wins: both stay
    assert sub.take_tensors() == [b"a" * 8, b"b" * 8, b"w" * 4]
    assert sub.take_tensors() == []  # each piece once
