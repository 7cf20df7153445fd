"""The metric history of one session: every point, thinned evenly once it grows past a cap."""

from __future__ import annotations

import bisect

from ..schemas.session import MetricPoint


class MetricHistory:
    """Points in increasing step order. Readers may run on other threads: the lists are only ever
    appended to or replaced whole, never edited in place, so a reader sees a consistent pair."""

    def __init__(self, max_points: int) -> None:
        self.max_points = max_points
        self.points: list[MetricPoint] = []
        self.steps: list[int] = []
        # Bumped whenever points are taken away or replaced (not appended or thinned): a watcher
        # then needs the whole history again.
        self.revision = 0

    def append(self, point: MetricPoint) -> None:
        if self.steps and point.step <= self.steps[-1]:
            return  # one point per step: a manual step right after an epoch end adds nothing new
        if len(self.points) >= self.max_points:
            # Keep the newest half whole and every second point of the older half, so the curve's
            # shape survives and memory stays bounded on runs of hours.
            half = len(self.points) // 2
            points = self.points[:half:2] + self.points[half:]
            self.points, self.steps = points, [p.step for p in points]
        self.points.append(point)
        self.steps.append(point.step)

    def since(self, step: int) -> list[MetricPoint]:
        """Points with a step greater than `step`."""
        points, steps = self.points, self.steps
        return points[bisect.bisect_right(steps, step, hi=len(points)) :]

    def truncate_after(self, step: int) -> None:
        """Drop the points after `step` (training went back to it: its engine process died)."""
        keep = bisect.bisect_right(self.steps, step)
        self.points, self.steps = self.points[:keep], self.steps[:keep]
        self.revision += 1

    def clear(self) -> None:
        self.points, self.steps = [], []
        self.revision += 1

    def replace(self, points: list[MetricPoint]) -> None:
        """Take over saved points (a restored or forked session), oldest first."""
        points = list(points)
        self.points, self.steps = points, [p.step for p in points]
        self.revision += 1
