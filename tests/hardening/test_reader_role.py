"""The dashboard's PostgreSQL role on the real server: no CONNECT to the project database for
anyone else, no sight of the restricted and accounts schemas beyond what PostgreSQL shows
every role (table names in pg_class)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from etl.store.roles import provision_reader, reader_visibility
from tests.conftest import pg_admin_url

pytestmark = pytest.mark.postgres
SCHEMAS = ("published", "restricted", "accounts")


@pytest.fixture
def project_database() -> Iterator[Engine]:
    """A fresh database owned by the test (as a deployment owns its own), dropped after."""
    url = make_url(pg_admin_url())
    name = f"t{uuid.uuid4().hex[:10]}_project"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin = create_engine(url.set(database=name))
    with admin.begin() as connection:
        for schema in SCHEMAS:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            connection.exec_driver_sql(f'CREATE TABLE "{schema}".cells_{schema} (n integer)')
    yield admin
    admin.dispose()
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    server.dispose()


@pytest.fixture
def roles(project_database: Engine) -> Iterator[tuple[str, str]]:
    reader, stranger = (f"r{uuid.uuid4().hex[:8]}", f"s{uuid.uuid4().hex[:8]}")
    with project_database.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE \"{stranger}\" LOGIN PASSWORD 'x'")
    yield reader, stranger
    with project_database.begin() as connection:
        for role in (reader, stranger):
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
    server = create_engine(make_url(pg_admin_url()))
    with server.begin() as connection:
        for role in (reader, stranger):
            connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    server.dispose()


def test_reader_sees_the_published_zone_only(project_database: Engine, roles) -> None:
    reader, stranger = roles
    provision_reader(
        project_database,
        role=reader,
        password="lesen",
        published_schema="published",
        restricted_schema="restricted",
        other_schemas=("accounts",),
        own_database=True,
    )
    database = project_database.url.database
    as_reader = create_engine(project_database.url.set(username=reader, password="lesen"))
    try:
        seen = reader_visibility(as_reader, SCHEMAS)
        assert seen.schemas == ("published",)
        assert seen.listed_tables == ("published.cells_published",)
        assert database in seen.databases
        # PostgreSQL shows every role the catalog: names, never contents. Documented in
        # docs/security.md; this assertion fails if a future PostgreSQL hides them.
        assert "restricted.cells_restricted" in seen.catalog_tables
        with as_reader.connect() as connection, pytest.raises(DBAPIError, match="permission"):
            connection.execute(text("SELECT * FROM restricted.cells_restricted"))
        with as_reader.connect() as connection, pytest.raises(DBAPIError, match="permission"):
            connection.execute(text("SELECT * FROM accounts.cells_accounts"))
    finally:
        as_reader.dispose()
    as_stranger = create_engine(project_database.url.set(username=stranger, password="x"))
    with pytest.raises(OperationalError, match="permission denied for database"):
        as_stranger.connect().close()
    as_stranger.dispose()


def test_without_own_database_public_keeps_connect(project_database: Engine, roles) -> None:
    """The default leaves CONNECT alone (a shared database is not the deployment's to close)."""
    reader, stranger = roles
    provision_reader(
        project_database,
        role=reader,
        password="lesen",
        published_schema="published",
        restricted_schema="restricted",
    )
    as_stranger = create_engine(project_database.url.set(username=stranger, password="x"))
    with as_stranger.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    as_stranger.dispose()
