"""Accounts: password hashing, roles, lockout, session stamps, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from etl.accounts import passwords
from etl.accounts.service import (
    AccessDenied,
    AuthError,
    authenticate,
    create_user,
    load_account,
    require,
    reset_password,
    set_disabled,
)
from etl.errors import ConfigError, StoreError
from etl.store.accounts import find_user, read_security_events, update_user

PASSWORD = "korrekt-pferd-batterie"


def login(engine: Engine, username: str, password: str = PASSWORD):
    return authenticate(engine, username, password, max_attempts=3, lockout_minutes=15)


def test_hash_is_argon2id_and_verifies():
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD + "x")
    assert not passwords.verify_password("kein-hash", PASSWORD)
    assert not passwords.verify_password(None, PASSWORD)


@pytest.mark.parametrize(
    "bad, message", [("kurz", "mindestens 12"), ("aaaaaaaaaaaaaaa", "zu wenigen")]
)
def test_password_policy(bad, message):
    with pytest.raises(ConfigError, match=message):
        passwords.hash_password(bad)


def test_generated_passwords_are_long_and_distinct():
    generated = {passwords.generate_password() for _ in range(50)}
    assert len(generated) == 50 and all(len(p) == 20 for p in generated)


@pytest.mark.parametrize(
    "username, role, ags, message",
    [
        ("A", "viewer", [], "Benutzername"),
        ("../admin", "viewer", [], "Benutzername"),
        ("anna", "root", [], "Rolle"),
        ("anna", "uploader", [], "mindestens einen AGS"),
        ("anna", "viewer", ["03901001"], "Nur Meldestellen"),
        ("anna", "uploader", ["3901001"], "8-stelliger AGS"),
    ],
)
def test_create_user_checks_fields(settings, stores_for, username, role, ags, message):
    with pytest.raises(ConfigError, match=message):
        create_user(stores_for(settings).accounts, username, role, ags, PASSWORD)


def test_login_and_roles(accounts_settings, stores_for):
    engine = stores_for(accounts_settings).accounts
    create_user(engine, "altdorf", "uploader", ["03901001"], PASSWORD)
    account = login(engine, "altdorf")
    assert account.role == "uploader" and account.municipalities == ("03901001",)
    assert account.can("upload") and not account.can("review") and not account.can("users")
    assert account.may_see("03901001") and not account.may_see("04021000")
    require(account, "upload")
    with pytest.raises(AccessDenied):
        require(account, "publish")
    with pytest.raises(AccessDenied):
        require(None, "upload")
    with pytest.raises(StoreError, match="bereits vergeben"):
        create_user(engine, "altdorf", "viewer", [], PASSWORD)


def test_wrong_password_and_unknown_user_look_the_same(accounts_settings, stores_for):
    engine = stores_for(accounts_settings).accounts
    create_user(engine, "anna", "viewer", [], PASSWORD)
    with pytest.raises(AuthError) as wrong:
        login(engine, "anna", "falsch-falsch-falsch")
    with pytest.raises(AuthError) as unknown:
        login(engine, "niemand", "falsch-falsch-falsch")
    assert str(wrong.value) == str(unknown.value)


def test_lockout_after_max_attempts_and_expiry(accounts_settings, stores_for):
    engine = stores_for(accounts_settings).accounts
    create_user(engine, "anna", "viewer", [], PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthError, match="falsch"):
            login(engine, "anna", "falsch-falsch-falsch")
    with pytest.raises(AuthError, match="gesperrt"):
        login(engine, "anna")  # even the right password
    actions = [e["action"] for e in read_security_events(engine)]
    assert "lockout" in actions and "login-locked" in actions
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    update_user(engine, "anna", locked_until=past)
    assert login(engine, "anna").username == "anna"
    assert find_user(engine, username="anna")["failed_logins"] == 0


def test_disabled_accounts_cannot_log_in_and_lose_sessions(accounts_settings, stores_for):
    engine = stores_for(accounts_settings).accounts
    create_user(engine, "anna", "viewer", [], PASSWORD)
    account = login(engine, "anna")
    assert load_account(engine, account.user_id, account.session_stamp) == account
    set_disabled(engine, "anna", True)
    assert load_account(engine, account.user_id, account.session_stamp) is None
    with pytest.raises(AuthError):
        login(engine, "anna")


def test_password_reset_ends_old_sessions(accounts_settings, stores_for):
    engine = stores_for(accounts_settings).accounts
    create_user(engine, "anna", "viewer", [], PASSWORD)
    old = login(engine, "anna")
    new_password = reset_password(engine, "anna")
    assert load_account(engine, old.user_id, old.session_stamp) is None
    with pytest.raises(AuthError):
        login(engine, "anna")
    assert login(engine, "anna", new_password).username == "anna"
