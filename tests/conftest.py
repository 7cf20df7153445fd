"""Fixtures shared by every test folder: a real server process, and (for browser tests) Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python -m neuroplay serve` in a child process, as `make run` starts it.

    `env` adds NEUROPLAY_* settings; a second server on the same data_dir finds the first one's
    sessions (its log is appended to the same file).
    """

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, log_level: str = "warning") -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "neuroplay",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(data_dir),
                "--log-level",
                log_level,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            # per-address limits off unless a test turns them on: every test client is 127.0.0.1
            env={**os.environ, "PYTHONUNBUFFERED": "1", "NEUROPLAY_RATE_LIMITS": "false", **(env or {})},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer within 30 s:\n{self.log_path.read_text()}")

    def engine_pids(self) -> list[int]:
        """The server's engine processes (sessions/engine_process.py), found through /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue  # ended meanwhile
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid and b"neuroplay.sessions.engine_process" in cmdline:
                pids.append(int(entry.name))
        return pids

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> bool:
        """Send `sig` (SIGTERM: a graceful stop that saves every session; SIGKILL: a crash) and wait.
        Returns whether the process ended by itself within `timeout` (else it is killed)."""
        ended = True
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                ended = False
                self.process.kill()
                self.process.wait()
        self._log.close()
        return ended


def process_running(pid: int) -> bool:
    """Whether a process exists and is not a zombie (an ended child nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("server"))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A real PostgreSQL server (tests/postgres.py); tests take a database of their own on it."""
    from .postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis (tests/redis_server.py); tests take a key prefix of their own on it."""
    from .redis_server import redis_server

    with redis_server() as url:
        yield url


@pytest.fixture()
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    from .redis_server import key_prefix

    with key_prefix(redis_url) as prefix:
        yield prefix


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a PostgreSQL database of this test's own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'neuroplay.db'}"
        return
    from .postgres import fresh_database

    with fresh_database(request.getfixturevalue("postgres_admin_url")) as url:
        yield url


@pytest.fixture()
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A skipped test is a test that did not run: here it fails, so a suite cannot go green by
    skipping (for example when Chromium or a dependency is missing)."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures in this project: {reason}"


# The fast tier (`make test-fast`, `pytest -m fast`): pure engine, data and schema tests with no server,
# engine process or browser, for the edit-test loop. Marked by folder so a new test file there is in
# the tier without anyone remembering to mark it.
FAST_FOLDERS = ("engine", "data")
FAST_FILES = ("test_shared_schemas.py", "test_test_hygiene.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        relative = Path(str(item.path)).relative_to(ROOT / "tests")
        if relative.parts[0] in FAST_FOLDERS or relative.name in FAST_FILES:
            item.add_marker(pytest.mark.fast)
        if relative.parts[0] == "browser":
            item.add_marker(pytest.mark.browser)
