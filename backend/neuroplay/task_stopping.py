"""Stopping an asyncio task for sure.

Python 3.11's `asyncio.wait_for` can swallow a cancellation: when the cancel lands in the same
event-loop turn as the awaited call completes, wait_for returns the call's result instead of
raising CancelledError (CPython gh-86296, fixed by 3.12's rewrite). A task looping around such an
await (a mirror's blocking XREAD, a websocket's send loop) then simply goes on, and the usual
`task.cancel(); await task` waits forever on an idle event loop, as a relay test did in about one
run of ten under load. So: cancel again until the task has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

RECANCEL_SECONDS = 0.1  # how long one cancel is given before the next


async def cancel_and_wait(task: asyncio.Future[Any]) -> None:
    """Cancel `task` and return once it has ended (its result or exception is dropped)."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=RECANCEL_SECONDS)
    if not task.cancelled():
        with contextlib.suppress(BaseException):
            task.result()  # retrieved, so asyncio does not log "exception was never retrieved"
