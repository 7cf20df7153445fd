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


def test_compose_runs_two_nodes_on_postgres_and_redis_behind_nginx_on_port_8000() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "node-a", "node-b", "nginx"} <= set(services)
    for name in ("node-a", "node-b"):
        node = services[name]
        assert node["build"] == "."
        assert node["command"] == SERVE
        env = node["environment"]
        assert (
            env["NEUROPLAY_DATABASE_URL"].startswith("postgresql+psycopg://")
            and "@postgres:5432/" in env["NEUROPLAY_DATABASE_URL"]
        )
        assert env["NEUROPLAY_REDIS_URL"] == "redis://redis:6379/0"
        assert env["NEUROPLAY_NODE_ID"] == name
        assert node["volumes"][0].split(":")[1] == "/data"
        assert "ports" not in node  # reached only through nginx
        assert node["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert (
        services["node-a"]["environment"]["NEUROPLAY_NODE_ID"] != services["node-b"]["environment"]["NEUROPLAY_NODE_ID"]
    )
    nginx = services["nginx"]
    assert "127.0.0.1:8000:8000" in nginx["ports"]
    conf_mount = next(v for v in nginx["volumes"] if v.endswith(":/etc/nginx/nginx.conf:ro"))
    conf = (ROOT / conf_mount.split(":")[0]).read_text()
    upstream = re.search(r"upstream neuroplay \{(.*?)\}", conf, re.S)
    assert upstream and re.findall(r"server (node-[ab]):8000", upstream.group(1)) == ["node-a", "node-b"]
    # websocket proxying: the upgrade headers, HTTP/1.1, and no cut-off of a quiet stream
    assert "proxy_http_version 1.1;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert re.search(r"proxy_read_timeout (\d+)h;", conf)
    assert "listen 8000;" in conf and "proxy_pass http://neuroplay;" in conf


def test_the_nodes_settings_exist_and_the_image_has_the_cluster_clients() -> None:
    from neuroplay.config import Settings

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    fields = {f"NEUROPLAY_{name.upper()}" for name in Settings.model_fields}
    for name in ("node-a", "node-b"):
        unknown = set(compose["services"][name]["environment"]) - fields
        assert not unknown, f"{name} sets what no setting reads: {unknown}"
    assert '".[cluster]"' in (ROOT / "Dockerfile").read_text()


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
