"""cancel_and_wait ends a task even when one cancellation is swallowed, as Python 3.11's
asyncio.wait_for does when the cancel lands as its inner call completes (task_stopping.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from neuroplay.task_stopping import cancel_and_wait

T = TypeVar("T")


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """On a thread and loop of its own: a browser test's Playwright may have left a loop running on
    this thread, and asyncio.run refuses to start inside it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result(timeout=30)


async def _swallows_one_cancel(swallowed: list[int]) -> None:
    while True:
        try:
            await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            if not swallowed:  # what the 3.11 wait_for race does: the cancel is lost, the loop goes on
                swallowed.append(1)
                continue
            raise


def test_a_task_that_swallows_a_cancel_is_still_stopped() -> None:
    async def scenario() -> tuple[bool, bool]:
        swallowed: list[int] = []
        plain = asyncio.ensure_future(_swallows_one_cancel(swallowed))
        await asyncio.sleep(0.05)
        plain.cancel()  # the usual way: one cancel, then wait
        done, _ = await asyncio.wait({plain}, timeout=0.5)
        plain_stopped = bool(done)
        await asyncio.wait_for(cancel_and_wait(plain), timeout=5)
        return plain_stopped, plain.cancelled()

    plain_stopped, cancelled = run(scenario())
    assert not plain_stopped, "one cancel was enough: the scenario no longer shows the swallowed cancel"
    assert cancelled


def test_a_finished_or_failing_task_is_waited_for_quietly() -> None:
    async def fails() -> None:
        raise RuntimeError("boom")

    async def scenario() -> None:
        done = asyncio.ensure_future(asyncio.sleep(0))
        failing = asyncio.ensure_future(fails())
        await asyncio.sleep(0.01)
        await cancel_and_wait(done)
        await cancel_and_wait(failing)
        assert done.done() and failing.done()

    run(scenario())
