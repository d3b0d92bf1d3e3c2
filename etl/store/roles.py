"""PostgreSQL roles: the dashboard's role may read the published schema and nothing else.

What PostgreSQL lets us close, and what it does not:

- Schema and table privileges: the reader gets USAGE and SELECT on the published schema
  only; the restricted schema and the accounts schema are revoked from PUBLIC and from the
  role, so it can neither read them nor see their tables in `information_schema` (which
  lists only what a role has a privilege on).
- CONNECT: every database grants CONNECT to PUBLIC by default. A deployment that owns its
  database revokes that (`own_database=True`) and grants CONNECT to its own roles only.
  Other databases on the same server are their owners' business: `reader_visibility` tells
  which ones the role can still connect to.
- The system catalogs (`pg_class`, `pg_namespace`, `pg_attribute`) are readable by every
  role: table and column names of the restricted schema stay visible there, never their
  contents. PostgreSQL has no per-role catalog filter; the only way to hide names as well is
  a separate database (or server) for the restricted zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from etl.errors import ConfigError

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _identifier(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ConfigError(f"{name!r} ist kein zulässiger Rollen- oder Schemaname (a-z, 0-9, _).")
    return f'"{name}"'


def provision_reader(
    admin: Engine,
    *,
    role: str,
    password: str,
    published_schema: str,
    restricted_schema: str,
    other_schemas: Sequence[str] = (),
    own_database: bool = False,
    connect_roles: Sequence[str] = (),
) -> None:
    """Create or update a login role with SELECT on the published schema only.

    The role gets no grant at all on the restricted schema or on `other_schemas` (the
    accounts store), and PUBLIC's default rights there are revoked, so even a bug in the
    dashboard cannot read unprotected counts. own_database: the deployment owns the database
    `admin` is connected to; CONNECT is then revoked from PUBLIC and granted to the reader
    and to `connect_roles` (the portal's and the ETL's roles) only.
    """
    quoted_role = _identifier(role)
    published = _identifier(published_schema)
    closed = [_identifier(name) for name in (restricted_schema, *other_schemas)]
    with admin.begin() as connection:
        _create_or_alter(connection, role, quoted_role, password)
        for schema in closed:
            for statement in (
                f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC",
                f"REVOKE ALL ON SCHEMA {schema} FROM {quoted_role}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quoted_role}",
            ):
                connection.exec_driver_sql(statement)
        for statement in (
            f"GRANT USAGE ON SCHEMA {published} TO {quoted_role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {published} TO {quoted_role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {published} "
            f"GRANT SELECT ON TABLES TO {quoted_role}",
        ):
            connection.exec_driver_sql(statement)
        if own_database:
            _close_database(connection, [quoted_role, *map(_identifier, connect_roles)])


def _create_or_alter(connection: Connection, role: str, quoted_role: str, password: str) -> None:
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).scalar()
    verb = "ALTER" if exists else "CREATE"
    # DDL takes no bind parameters; a doubled quote is the SQL-standard escape.
    literal = "'" + password.replace("'", "''") + "'"
    connection.exec_driver_sql(
        f"{verb} ROLE {quoted_role} LOGIN PASSWORD {literal} NOSUPERUSER NOCREATEDB"
    )


def _close_database(connection: Connection, quoted_roles: list[str]) -> None:
    database = connection.execute(text("SELECT current_database()")).scalar()
    quoted_db = '"' + str(database).replace('"', '""') + '"'
    connection.exec_driver_sql(f"REVOKE CONNECT, TEMPORARY ON DATABASE {quoted_db} FROM PUBLIC")
    for quoted in quoted_roles:
        connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {quoted_db} TO {quoted}")


@dataclass(frozen=True)
class Visibility:
    """What the connected role can reach, seen from its own connection."""

    databases: tuple[str, ...]  # databases it may connect to
    schemas: tuple[str, ...]  # schemas it has USAGE on (system schemas left out)
    listed_tables: tuple[str, ...]  # schema.table in information_schema.tables
    catalog_tables: tuple[str, ...]  # schema.table in pg_class (names only, every role)


def reader_visibility(reader: Engine, schemas: Sequence[str]) -> Visibility:
    """Ask PostgreSQL, as the role itself, what it can see of `schemas` and of the server."""
    wanted = {"schemas": list(schemas)}
    queries = {
        "databases": "SELECT datname FROM pg_database WHERE datallowconn "
        "AND has_database_privilege(datname, 'CONNECT') ORDER BY 1",
        "schemas": "SELECT nspname FROM pg_namespace WHERE nspname = ANY(:schemas) "
        "AND has_schema_privilege(nspname, 'USAGE') ORDER BY 1",
        "listed": "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_schema = ANY(:schemas) ORDER BY 1",
        "catalog": "SELECT n.nspname || '.' || c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = ANY(:schemas) AND c.relkind = 'r' ORDER BY 1",
    }
    with reader.connect() as connection:
        found = {
            name: tuple(connection.execute(text(sql), wanted).scalars())
            for name, sql in queries.items()
        }
    return Visibility(found["databases"], found["schemas"], found["listed"], found["catalog"])
