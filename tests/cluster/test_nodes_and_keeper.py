"""The node registry and the lease keeper on a real Redis (issue 15): loads published with a
heartbeat, dead nodes left out, the least-loaded node chosen the same way by everyone; leases kept
alive past their TTL, lost ones reported, given-up ones free at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import redis

from neuroplay.cluster.lease_keeper import LeaseKeeper
from neuroplay.cluster.leases import Lease, Leases
from neuroplay.cluster.nodes import NodeLoad, Nodes

from ..redis_server import private_redis_server


@pytest.fixture()
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url, decode_responses=True)
    yield c
    c.close()


def test_the_least_loaded_live_node_is_chosen(client: redis.Redis, redis_prefix: str) -> None:
    nodes = Nodes(client, redis_prefix, heartbeat_seconds=0.3)
    nodes.publish(NodeLoad("a", training=3, watchers=10))
    nodes.publish(NodeLoad("b", training=1, watchers=50))
    nodes.publish(NodeLoad("c", training=1, watchers=5))
    assert nodes.least_loaded() == NodeLoad("c", 1, 5)
    assert {n.node for n in nodes.alive()} == {"a", "b", "c"}
    nodes.leave("c")
    assert nodes.least_loaded() == NodeLoad("b", 1, 50)


def test_a_node_whose_heartbeat_stopped_gets_no_work(client: redis.Redis, redis_prefix: str) -> None:
    nodes = Nodes(client, redis_prefix, heartbeat_seconds=0.2)
    nodes.publish(NodeLoad("dead", training=0, watchers=0))
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        nodes.publish(NodeLoad("busy", training=5, watchers=0))  # this one keeps beating
        if [n.node for n in nodes.alive()] == ["busy"]:
            break
        time.sleep(0.05)
    assert nodes.least_loaded() == NodeLoad("busy", 5, 0)
    assert client.hkeys(f"{redis_prefix}nodes") == ["busy"]  # the dead entry was pruned


def test_kept_leases_outlive_their_ttl_and_give_up_frees_them(client: redis.Redis, redis_prefix: str) -> None:
    lost: list[Lease] = []
    keeper = LeaseKeeper(Leases(client, "a", 0.3, redis_prefix), lost.append)
    other = Leases(client, "b", 0.3, redis_prefix)
    try:
        lease = keeper.take("s1")
        assert lease is not None and keeper.take("s1") is None
        time.sleep(1.0)  # three TTLs: only the keeper's renewals keep it
        assert other.acquire("s1") is None and other.holder("s1") == lease
        keeper.give_up("s1")
        taken = other.acquire("s1")
        assert taken is not None and taken.token > lease.token
        assert lost == [] and keeper.held() == []
    finally:
        keeper.close()


def test_a_lease_taken_away_is_reported_lost_once(client: redis.Redis, redis_prefix: str) -> None:
    reported = threading.Event()
    lost: list[Lease] = []

    def on_lost(lease: Lease) -> None:
        lost.append(lease)
        reported.set()

    keeper = LeaseKeeper(Leases(client, "a", 5.0, redis_prefix), on_lost)
    try:
        lease = keeper.take("s1")
        assert lease is not None
        client.delete(f"{redis_prefix}lease:s1")  # as if it expired while this node stalled
        thief = Leases(client, "b", 5.0, redis_prefix).acquire("s1")
        assert thief is not None
        keeper.renew_all()
        assert reported.wait(5) and lost == [lease]
        keeper.renew_all()
        assert lost == [lease] and keeper.held() == []
    finally:
        keeper.close()


def test_redis_gone_keeps_the_lease_for_its_ttl_then_reports_it_lost() -> None:
    lost: list[Lease] = []
    with private_redis_server() as url:
        own = redis.Redis.from_url(url, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5)
        keeper = LeaseKeeper(Leases(own, "a", 1.5, "np:"), lost.append)
        lease = keeper.take("s1")
        assert lease is not None
    # this Redis is stopped now: renewals fail
    try:
        keeper.renew_all()
        assert lost == [] and keeper.held() == [lease]  # within the TTL of the last renewal
        time.sleep(1.6)
        keeper.renew_all()
        assert lost == [lease] and keeper.held() == []  # another node may hold it by now
    finally:
        keeper.close()
        own.close()
