"""compose.yaml and the proxy template agree with the code they start.

Docker is not available in CI, so this reads the files: every command exists, every
DEMOGRAFIE_ variable is a documented setting, the dashboard gets no restricted or accounts
URL and only the read-only role, and the proxy routes to the ports the services bind.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from etl.cli import COMMANDS
from etl.config import Settings
from tests.conftest import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
PROXY = (REPO_ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")


def _command(service: str) -> str:
    command = SERVICES[service]["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_etl_service_runs_existing_commands() -> None:
    used = re.findall(r"python -m etl ([a-z-]+)", _command("etl"))
    assert used == ["migrate", "grant-reader"]
    assert set(used) <= set(COMMANDS)


@pytest.mark.parametrize("service", ["dashboard", "portal"])
def test_gunicorn_targets_exist(service: str) -> None:
    target = _command(service).split()[-1]
    module, attribute = target.split(":")
    assert (REPO_ROOT / Path(*module.split("."))).with_suffix(".py").is_file()
    source = (REPO_ROOT / Path(*module.split("."))).with_suffix(".py").read_text()
    assert re.search(rf"^{attribute}\b.*=", source, re.MULTILINE), target
    assert importlib.util.find_spec(module) is not None


def test_every_variable_is_a_documented_setting() -> None:
    documented = {variable for variable, _, _ in Settings.documentation()}
    for name, service in SERVICES.items():
        for variable in service.get("environment", {}):
            if variable.startswith("DEMOGRAFIE_") and variable != "DEMOGRAFIE_HOSTNAME":
                assert variable in documented, f"{name}: {variable} is not a setting"


def test_dashboard_reads_with_the_reader_role_only() -> None:
    environment = SERVICES["dashboard"]["environment"]
    assert "DEMOGRAFIE_RESTRICTED_URL" not in environment
    assert "DEMOGRAFIE_ACCOUNTS_URL" not in environment
    assert "DEMOGRAFIE_PUBLISHER_URL" not in environment
    assert environment["DEMOGRAFIE_PUBLISHED_URL"].startswith("postgresql+psycopg://dashboard:")
    assert "--role dashboard" in _command("etl")


def test_proxy_routes_to_the_bound_ports() -> None:
    for service, port in (("dashboard", 8050), ("portal", 8051)):
        assert f"0.0.0.0:{port}" in _command(service)
        assert f"server {service}:{port}" in PROXY
    assert "Strict-Transport-Security" in PROXY
    assert "X-Forwarded-Proto" in PROXY
