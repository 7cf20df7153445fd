"""A real Redis for the tests: the server on 127.0.0.1:6379 when it answers (this machine, CI),
otherwise a private one started from Debian's redis-server (scripts/setup.sh --test installs it) on
a free port. Each test then gets a key prefix of its own, whose keys are deleted afterwards."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator

import redis

from .conftest import free_port

SHARED = "redis://127.0.0.1:6379/0"


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a Redis the tests may use (with key prefixes of their own)."""
    if _answers(SHARED):
        yield SHARED
        return
    with private_redis_server() as url:
        yield url


@contextlib.contextmanager
def private_redis_server() -> Iterator[str]:
    """A Redis of its own on a free port (a test that stops Redis must not stop everybody's)."""
    with private_redis_process() as (url, _):
        yield url


@contextlib.contextmanager
def private_redis_process() -> Iterator[tuple[str, subprocess.Popen]]:
    """private_redis_server's URL and its process, for a test that stops and continues it."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(binary):
        raise RuntimeError(
            "no Redis answers on 127.0.0.1:6379 and redis-server is not installed: run scripts/setup.sh --test "
            "(it installs Debian's redis-server)"
        )
    folder, port = tempfile.mkdtemp(prefix="neuroplay-redis-"), free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the private Redis did not start (exit code {process.poll()})")
            time.sleep(0.1)
        yield url, process
    finally:
        process.send_signal(signal.SIGCONT)  # a test that stopped it may have failed before continuing it
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def key_prefix(url: str) -> Iterator[str]:
    """A prefix of this test's own; every key under it is deleted afterwards."""
    prefix = f"neuroplay-test-{secrets.token_hex(6)}:"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(url)
        try:
            keys = list(client.scan_iter(match=prefix + "*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


class RestartableRedis:
    """A private redis-server on a port of its own that a test stops and starts again (its data is
    not kept: as a Redis that crashed without persistence comes back)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.mkdtemp(prefix="neuroplay-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not shutil.which(binary):
            raise RuntimeError("redis-server is not installed: run scripts/setup.sh --test")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", self.folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while not _answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the private Redis did not start (exit code {self.process.poll()})")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
