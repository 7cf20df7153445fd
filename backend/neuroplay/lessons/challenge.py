"""Whether a lesson's challenge is met: by the network's size and the points of its loss curve."""

from __future__ import annotations

from collections.abc import Iterable

from ..schemas.lesson import Challenge
from ..schemas.session import MetricPoint


def challenge_met(challenge: Challenge, param_count: int, points: Iterable[MetricPoint]) -> bool:
    """True when the network is small enough and some metric point reaches the target within the
    challenge's steps (the same rule the browser applies live)."""
    if challenge.max_params is not None and param_count > challenge.max_params:
        return False
    for point in points:
        value = getattr(point, challenge.metric)
        if point.step > challenge.within_steps or value is None:
            continue
        if (challenge.at_least is not None and value >= challenge.at_least) or (
            challenge.at_most is not None and value <= challenge.at_most
        ):
            return True
    return False
