"""`python -m etl user add|list|disable|enable|reset` and the demo accounts."""

from __future__ import annotations

import re

import pytest

from etl.accounts.service import AuthError, authenticate
from etl.app import Stores
from etl.cli import main
from etl.config import Settings
from portal.demo import DEMO_ACCOUNTS, UNCHANGED, ensure_demo_accounts


@pytest.fixture
def cli_settings(monkeypatch, tmp_path) -> Settings:
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(tmp_path / "var"))
    return Settings(home=tmp_path / "var")


def login(stores: Stores, username: str, password: str):
    return authenticate(stores.accounts, username, password, max_attempts=5, lockout_minutes=1)


def test_add_prints_a_generated_password_once(cli_settings, stores_for, capsys):
    assert main(["user", "add", "altdorf", "--role", "uploader", "--ags", "03901001"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"nur jetzt angezeigt\): (\S+)", out).group(1)
    assert login(stores_for(cli_settings), "altdorf", password).municipalities == ("03901001",)
    assert main(["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "altdorf" in listing and "03901001" in listing and password not in listing


def test_disable_enable_and_reset(cli_settings, stores_for, capsys):
    main(["user", "add", "anna", "--role", "viewer", "--password", "erstes-passwort-1"])
    assert main(["user", "disable", "anna"]) == 0
    with pytest.raises(AuthError):
        login(stores_for(cli_settings), "anna", "erstes-passwort-1")
    assert main(["user", "enable", "anna"]) == 0
    assert main(["user", "reset", "anna", "--password", "zweites-passwort-2"]) == 0
    assert login(stores_for(cli_settings), "anna", "zweites-passwort-2").username == "anna"
    capsys.readouterr()


def test_errors_are_reported_with_exit_status_2(cli_settings, capsys):
    assert main(["user", "add", "anna", "--role", "uploader"]) == 2
    assert "mindestens einen AGS" in capsys.readouterr().err
    assert main(["user", "disable", "niemand"]) == 2
    assert "gibt es nicht" in capsys.readouterr().err


def test_demo_accounts_are_created_once(settings, stores_for):
    stores = stores_for(settings)
    first = ensure_demo_accounts(stores, {"DEMOGRAFIE_DEMO_PASSWORD": "demo-passwort-2026"})
    assert [(u, r) for u, r, _ in first] == [(u, r) for u, r, _ in DEMO_ACCOUNTS]
    assert all(p == "demo-passwort-2026" for _, _, p in first)
    assert login(stores, "statistik", "demo-passwort-2026").role == "statistician"
    again = ensure_demo_accounts(stores, {})
    assert all(p == UNCHANGED for _, _, p in again)


def test_demo_passwords_are_generated_without_the_variable(settings, stores_for):
    stores = stores_for(settings)
    created = ensure_demo_accounts(stores, {})
    passwords = {p for _, _, p in created}
    assert len(passwords) == len(DEMO_ACCOUNTS)
    assert login(stores, "admin", created[0][2]).role == "admin"
