"""Login attempts per address are counted in the accounts store, shared by every worker."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from etl.config import Settings
from etl.store.login_limits import allow_login_attempt, attempts_of, forget_old_windows

WINDOW = dt.timedelta(minutes=10)


def test_the_limit_holds_per_address(settings: Settings, stores_for) -> None:
    engine = stores_for(settings).accounts
    answers = [allow_login_attempt(engine, "10.0.0.1", limit=3, window=WINDOW) for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert allow_login_attempt(engine, "10.0.0.2", limit=3, window=WINDOW)


def test_a_new_window_starts_when_the_old_one_ended(settings: Settings, stores_for) -> None:
    engine = stores_for(settings).accounts
    for _ in range(4):
        allow_login_attempt(engine, "10.0.0.1", limit=3, window=WINDOW)
    assert allow_login_attempt(engine, "10.0.0.1", limit=3, window=dt.timedelta(0))
    assert attempts_of(engine, "10.0.0.1") == 1
    assert forget_old_windows(engine, dt.timedelta(0)) == 1


@pytest.mark.postgres
def test_parallel_attempts_from_many_workers_never_pass_the_limit(
    accounts_pg_settings: Settings, stores_for
) -> None:
    """30 threads on separate connections stand for the workers of several machines."""
    engine = stores_for(accounts_pg_settings).accounts
    allowed: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        answer = allow_login_attempt(engine, "192.0.2.7", limit=20, window=WINDOW)
        with lock:
            allowed.append(answer)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(allowed) == [False] * 10 + [True] * 20
    assert attempts_of(engine, "192.0.2.7") == 30
