"""The live stream of a session through a real Redis (issue 15): a Hub on a mirror (another node)
gives its watchers what a Hub on the session itself gives (every point, in order, no gap; the
states; a reset), tensor frames of views only the other node watches, the same thinned history,
a full history to a mirror started late, and it says when Redis or the holder is gone."""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from neuroplay.cluster.leases import Leases
from neuroplay.cluster.live_framing import decode_records, encode_records
from neuroplay.cluster.live_keys import LiveKeys
from neuroplay.cluster.live_mirror import LiveMirror
from neuroplay.schemas.dataset import DatasetSpec
from neuroplay.schemas.live import LiveSnapshot
from neuroplay.schemas.model import NetworkSpec
from neuroplay.schemas.training import TrainingConfig
from neuroplay.sessions.build import Specs
from neuroplay.sessions.engine_pool import EnginePool
from neuroplay.sessions.hub import Hub
from neuroplay.sessions.session import Session

from ..redis_server import key_prefix, private_redis_process
from .relay_helpers import Watcher, history_of, mirrored, publishing, redis_client, stop_hubs, wait_until

SPECS = Specs(
    NetworkSpec.model_validate(
        {
            "input_shape": [2],
            "layers": [
                {"type": "dense", "units": 4, "activation": "tanh"},
                {"type": "dense", "units": 1, "activation": "sigmoid"},
            ],
        }
    ),
    DatasetSpec(name="xor", points=200),
    TrainingConfig(optimizer="adam", learning_rate=0.01, batch_size=16, steps_per_second=600),
)


@pytest.fixture(scope="module")
def engines() -> Iterator[EnginePool]:
    pool = EnginePool(spares=1)
    yield pool
    pool.close()


def make_session(engines: EnginePool, session_id: str, max_points: int = 1000) -> Session:
    return Session(
        session_id, "owner-hash", SPECS, engines=engines, grid_size=8, display_hz=30.0, max_history_points=max_points
    )


def hold(redis_url: str, prefix: str, session_id: str) -> Leases:
    """Node "a" holds the session's lease (the mirror checks that a holder exists)."""
    leases = Leases(redis.Redis.from_url(redis_url, decode_responses=True), "a", 30.0, prefix)
    assert leases.acquire(session_id) is not None
    return leases


SCENARIO_SECONDS = 120  # far above any scenario's run (each wait inside is bounded at 20 s)


async def bounded(scenario: Coroutine[Any, Any, None]) -> None:
    """The scenario, or after SCENARIO_SECONDS every task's stack printed and a failure: this test
    file once hung in 2 of ~20 runs, with the event loop idle (an await that never completed)."""
    task = asyncio.ensure_future(scenario)
    done, _ = await asyncio.wait({task}, timeout=SCENARIO_SECONDS)
    if not done:
        for other in asyncio.all_tasks():
            other.print_stack(file=sys.stderr)
        task.cancel()
        raise AssertionError(f"the scenario did not finish in {SCENARIO_SECONDS} s; every task's stack is above")
    task.result()


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Runs the scenario on its own thread and loop (a browser test's Playwright may have left a
    loop running on this one). A thread that still does not come back fails with every thread's
    stack printed, instead of hanging the run."""
    pool = ThreadPoolExecutor(1)
    try:
        pool.submit(asyncio.run, bounded(scenario())).result(timeout=SCENARIO_SECONDS + 30)
    except TimeoutError:
        faulthandler.dump_traceback(all_threads=True)
        pytest.fail(f"the scenario's thread did not finish in {SCENARIO_SECONDS + 30} s; every thread's stack is above")
    finally:
        pool.shutdown(wait=False)


async def command(session: Session, action: str) -> None:
    await asyncio.to_thread(session.command, action)


def test_framed_records_round_trip() -> None:
    records = [("boundary", "boundary", b"\x00\x01" * 10), ("neurons/0@3", "neurons", b""), ("é", "x", b"z" * 70_000)]
    assert decode_records(encode_records(records)) == records
    assert decode_records(encode_records([])) == []
    with pytest.raises(ValueError):
        decode_records(encode_records(records)[:-1])


def test_a_mirror_hub_gives_every_point_in_order_the_states_and_a_reset(engines, redis_url, redis_prefix) -> None:
    session = make_session(engines, "relay-points")
    hold(redis_url, redis_prefix, session.id)

    async def scenario() -> None:
        async with (
            redis_client(redis_url) as client,
            publishing(client, redis_prefix, session),
            mirrored(client, redis_prefix, session.id, 1000) as mirror,
        ):
            local, remote = Hub(session, 30.0), Hub(mirror, 30.0)  # type: ignore[arg-type]
            here, there = Watcher(local), Watcher(remote)
            both = (here, there)
            here.read(), there.read()
            # Neither opens a view, yet both watch: the holder's engine scores points at the display
            # rate only while anyone does, and a watcher's curve grows with no view open.
            sources = {"local": frozenset(), "node:b": frozenset()}
            await wait_until(lambda: session.watch_sources == sources, "both watches taken", both)
            assert there.states[0]["id"] == session.id and mirror.owner_token_hash == "owner-hash"
            await command(session, "play")
            await wait_until(lambda: len(there.curve) >= 40, "40 points on the other node", both)
            await wait_until(lambda: there.states[-1]["status"] == "running", "the running state", both)
            await command(session, "pause")
            expected = history_of(session.history.points)
            await wait_until(lambda: there.curve == expected == here.curve, "the same curve", both)
            assert there.steps() == session.history.steps and there.histories == here.histories, "no gap, no resend"
            await wait_until(lambda: there.states[-1]["status"] == "paused", "the paused state", both)
            assert mirror.step == session.step and mirror.epoch == session.epoch

            await command(session, "reset")
            await wait_until(lambda: there.generation == session.generation == 2, "the new run", both)
            await command(session, "play")
            await wait_until(lambda: len(there.curve) >= 20, "points of the new run", both)
            await command(session, "pause")
            expected = history_of(session.history.points)
            await wait_until(lambda: there.curve == expected == here.curve, "the same new curve", both)
            there.leave()  # the other node has no watcher now: its entry goes
            await wait_until(lambda: session.watch_sources == {"local": frozenset()}, "the watch withdrawn", (here,))
            await stop_hubs(local, remote)

    run(scenario)


def test_frames_of_views_only_the_other_node_watches_are_computed_and_relayed(engines, redis_url, redis_prefix) -> None:
    session = make_session(engines, "relay-frames")
    hold(redis_url, redis_prefix, session.id)

    async def scenario() -> None:
        async with (
            redis_client(redis_url) as client,
            publishing(client, redis_prefix, session),
            mirrored(client, redis_prefix, session.id, 1000, watch_ttl_seconds=3.0) as mirror,
        ):
            local, remote = Hub(session, 30.0), Hub(mirror, 30.0)  # type: ignore[arg-type]
            here, there = Watcher(local), Watcher(remote, {"boundary"})
            # Paused: the holder computes the view once the other node's watch reaches it.
            await wait_until(
                lambda: any(h.view == "boundary" for h in there.tensors), "a boundary frame", (here, there)
            )
            # The local watcher opens no view, yet watches (its loss curve grows at the display rate).
            assert session.watch_sources == {"local": frozenset(), "node:b": frozenset({"boundary"})}
            await command(session, "play")
            step = session.step
            await wait_until(lambda: there.tensors[-1].step > step + 20, "frames while it trains", (here, there))
            await command(session, "pause")
            assert here.tensors == [] and {h.view for h in there.tensors} == {"boundary"}
            there.leave()  # the other node has no watcher now: its entry goes
            await wait_until(lambda: session.watch_sources == {"local": frozenset()}, "the watch withdrawn", (here,))
            await stop_hubs(local, remote)

    run(scenario)


def test_thinning_stays_identical_and_a_late_mirror_gets_the_whole_history(engines, redis_url, redis_prefix) -> None:
    session = make_session(engines, "relay-thin", max_points=40)
    hold(redis_url, redis_prefix, session.id)

    async def scenario() -> None:
        async with (
            redis_client(redis_url) as client,
            publishing(client, redis_prefix, session),
            mirrored(client, redis_prefix, session.id, 40) as mirror,
        ):
            await command(session, "play")
            # Thinned a few times: the oldest points are 8 epochs apart.
            await wait_until(lambda: len(mirror.history.steps) > 2 and mirror.history.points[1].epoch >= 8, "thinning")
            await command(session, "pause")
            await wait_until(lambda: mirror.history.steps == session.history.steps, "the same steps")
            assert history_of(mirror.history.points) == history_of(session.history.points)
            assert len(mirror.history.points) <= 40
            stream = LiveKeys(redis_prefix, session.id).stream
            first = await client.xrange(stream, count=1)
            assert first[0][1][b"k"] == b"snapshot", "the stream starts with a snapshot"
            assert LiveSnapshot.model_validate_json(first[0][1][b"j"]).seq > 1, (
                "a later one: the entries before it trimmed"
            )
            async with mirrored(client, redis_prefix, session.id, 40) as late:
                late_hub = Hub(late, 30.0)  # type: ignore[arg-type]
                watcher = Watcher(late_hub)
                expected = history_of(session.history.points)
                await wait_until(lambda: watcher.curve == expected, "the whole history, late", (watcher,))
                await stop_hubs(late_hub)

    run(scenario)


def test_the_mirror_says_when_the_holder_is_gone_and_when_it_is_back(engines, redis_url, redis_prefix) -> None:
    session = make_session(engines, "relay-gone")
    leases = hold(redis_url, redis_prefix, session.id)
    changes: list[bool] = []

    def noted(mirror: LiveMirror) -> None:
        changes.append(mirror.holder_gone)

    async def scenario() -> None:
        async with (
            redis_client(redis_url) as client,
            publishing(client, redis_prefix, session) as publisher,
            mirrored(client, redis_prefix, session.id, 1000, block_ms=100, on_change=noted) as mirror,
        ):
            assert not mirror.holder_gone
            publisher.remove(session.id)  # it unloads the session: an end event
            await wait_until(lambda: mirror.holder_gone, "the end event")
            publisher.add(session)  # held and published again: a new run's snapshot
            await wait_until(lambda: not mirror.holder_gone, "the new run")
            holder = leases.holder(session.id)
            assert holder is not None
            leases.release(holder)  # the holder crashed, say: no end event, the lease expires
            await wait_until(lambda: mirror.holder_gone, "the lease gone")
        assert changes == [True, False, True]

    run(scenario)


def test_redis_not_answering_is_reported_and_the_relay_recovers(engines) -> None:
    session = make_session(engines, "relay-outage")

    async def scenario(url: str, prefix: str, process) -> None:
        hold(url, prefix, session.id)
        async with (
            redis_client(url) as client,
            publishing(client, prefix, session, timeout_seconds=0.5) as publisher,
            mirrored(client, prefix, session.id, 1000, timeout_seconds=0.5, block_ms=200) as mirror,
        ):
            remote = Hub(mirror, 30.0)  # type: ignore[arg-type]
            there = Watcher(remote)
            await command(session, "play")
            await wait_until(lambda: len(there.curve) >= 10, "points before the outage", (there,))
            os.kill(process.pid, signal.SIGSTOP)  # it hangs: connections open, no answers
            try:
                await wait_until(lambda: mirror.problem is not None and publisher.problem is not None, "the problem")
                step = session.step
                await wait_until(lambda: session.step > step + 50, "training during the outage")
            finally:
                os.kill(process.pid, signal.SIGCONT)
            await wait_until(lambda: mirror.problem is None and publisher.problem is None, "Redis back")
            await command(session, "pause")
            expected = history_of(session.history.points)
            await wait_until(lambda: there.curve == expected, "every point, the outage's too", (there,))
            await stop_hubs(remote)

    with private_redis_process() as (url, process), key_prefix(url) as prefix:
        run(lambda: scenario(url, prefix, process))
