"""PostgreSQL roles: the dashboard's role may read the published schema and nothing else."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from etl.errors import ConfigError

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _identifier(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ConfigError(f"{name!r} ist kein zulässiger Rollen- oder Schemaname (a-z, 0-9, _).")
    return f'"{name}"'


def provision_reader(
    admin: Engine, *, role: str, password: str, published_schema: str, restricted_schema: str
) -> None:
    """Create or update a login role with SELECT on the published schema only.

    The role gets no grant at all on the restricted schema, and PUBLIC's default rights there
    are revoked, so even a bug in the dashboard cannot read unprotected counts.
    """
    quoted_role = _identifier(role)
    published, restricted = _identifier(published_schema), _identifier(restricted_schema)
    with admin.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
        ).scalar()
        verb = "ALTER" if exists else "CREATE"
        # DDL takes no bind parameters; a doubled quote is the SQL-standard escape.
        literal = "'" + password.replace("'", "''") + "'"
        connection.exec_driver_sql(
            f"{verb} ROLE {quoted_role} LOGIN PASSWORD {literal} NOSUPERUSER NOCREATEDB"
        )
        for statement in (
            f"REVOKE ALL ON SCHEMA {restricted} FROM PUBLIC",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {restricted} FROM PUBLIC",
            f"REVOKE ALL ON SCHEMA {restricted} FROM {quoted_role}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {restricted} FROM {quoted_role}",
            f"GRANT USAGE ON SCHEMA {published} TO {quoted_role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {published} TO {quoted_role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {published} "
            f"GRANT SELECT ON TABLES TO {quoted_role}",
        ):
            connection.exec_driver_sql(statement)
