"""Leases on a real Redis (issue 15): one holder at a time, tokens that only grow, and a holder that
lost its lease can neither renew nor release the new holder's."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from neuroplay.cluster.leases import Leases


@pytest.fixture()
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url, decode_responses=True)
    yield c
    c.close()


def nodes(client: redis.Redis, prefix: str, ttl: float = 10.0) -> tuple[Leases, Leases]:
    return Leases(client, "a", ttl, prefix), Leases(client, "b", ttl, prefix)


def test_one_node_at_a_time_holds_a_session(client: redis.Redis, redis_prefix: str) -> None:
    a, b = nodes(client, redis_prefix)
    lease = a.acquire("s1")
    assert lease is not None and lease.node == "a"
    assert b.acquire("s1") is None
    assert a.acquire("s1") is None  # not twice either: the holder already has it
    assert b.holder("s1") == lease
    other = b.acquire("s2")  # another session is another lease
    assert other is not None and other.node == "b"


def test_tokens_grow_with_every_new_holder(client: redis.Redis, redis_prefix: str) -> None:
    a, b = nodes(client, redis_prefix)
    tokens = []
    for leases in (a, b, a, b):
        lease = leases.acquire("s1")
        assert lease is not None
        tokens.append(lease.token)
        assert leases.release(lease)
    assert tokens == sorted(tokens) and len(set(tokens)) == 4
    assert a.holder("s1") is None


def test_an_expired_lease_goes_to_another_node_and_the_old_holder_cannot_touch_it(
    client: redis.Redis, redis_prefix: str
) -> None:
    a, b = nodes(client, redis_prefix, ttl=0.2)
    old = a.acquire("s1")
    assert old is not None
    assert a.renew(old)  # while it lives, the holder extends it
    deadline = time.monotonic() + 5
    while (new := b.acquire("s1")) is None:
        assert time.monotonic() < deadline, "the lease never expired"
        time.sleep(0.05)
    assert new.token > old.token
    assert not a.renew(old)  # the stale holder learns it lost the lease
    assert not a.release(old)  # and cannot end the new holder's
    assert b.holder("s1") == new


def test_renewing_keeps_a_lease_past_its_ttl(client: redis.Redis, redis_prefix: str) -> None:
    a, b = nodes(client, redis_prefix, ttl=0.3)
    lease = a.acquire("s1")
    assert lease is not None
    started = time.monotonic()
    while time.monotonic() - started < 1.0:  # three TTLs
        assert a.renew(lease)
        assert b.acquire("s1") is None
        time.sleep(0.05)
    assert b.holder("s1") == lease


def test_a_node_name_is_one_word(client: redis.Redis, redis_prefix: str) -> None:
    with pytest.raises(ValueError, match="one word"):
        Leases(client, "node a", 1.0, redis_prefix)
