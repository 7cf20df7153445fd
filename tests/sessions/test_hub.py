"""A watcher's outbox stays bounded: a newer history replaces one still unsent."""
from __future__ import annotations

import json

from neuroplay.schemas.session import MetricPoint
from neuroplay.sessions.hub import Subscriber


def points(n: int) -> list[MetricPoint]:
    return [MetricPoint(step=i, epoch=i, loss=1.0 / (i + 1), val_loss=None, accuracy=None, val_accuracy=None)
            for i in range(n)]


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
