"""Set-up files checked statically: no Docker engine runs here, so the compose file and Dockerfile are
parsed and compared with what `make run` does; README and CI must use the same two commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SERVE = ["python", "-m", "neuroplay", "serve", "--host", "0.0.0.0", "--port", "8000", "--data-dir", "/data"]


def test_compose_runs_the_server_on_port_8000() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["neuroplay"]
    assert service["build"] == "."
    assert service["command"] == SERVE
    assert any(str(p).endswith(":8000") and "8000:8000" in str(p) for p in service["ports"])
    assert service["volumes"][0].split(":")[1] == "/data"
    assert "neuroplay-data" in compose["volumes"]


def test_dockerfile_serves_the_same_command() -> None:
    text = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", text, re.M)
    assert cmd and yaml.safe_load(cmd.group(1)) == SERVE
    assert "EXPOSE 8000" in text and "npm ci" in text and "FROM python:3.11" in text


def test_readme_has_exactly_two_setup_commands_and_ci_uses_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Set up\n.*?```(?:sh|bash)?\n(.*?)```", readme, re.S)
    assert block, "README.md needs a '## Set up' section with one code block"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.split("#")[0].strip()]
    assert commands == ["make run", "make test"]
    ci = [l.strip() for l in (ROOT / ".ci/run").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert "make test" in ci
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "-m neuroplay serve --host $(HOST) --port $(PORT)" in makefile and "PORT ?= 8000" in makefile


def test_cli_offers_serve_with_host_port_and_data_dir() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "neuroplay", "serve", "--help"], capture_output=True, text=True, check=True
    )
    for flag in ("--host", "--port", "--data-dir"):
        assert flag in out.stdout
