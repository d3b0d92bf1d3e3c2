"""Exceptions of the ETL: each message says what was received, where, and what to do."""

from __future__ import annotations


class EtlError(Exception):
    """Base class of every error the ETL reports to a user (CLI exit status 2)."""

    exit_code = 2


class ConfigError(EtlError):
    """A setting has an invalid value."""


class InputError(EtlError):
    """An input file is malformed; the message names file, row and column where known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.row, self.column = file, row, column
        where = ", ".join(
            part
            for part in (
                f"Datei {file}" if file else "",
                f"Zeile {row}" if row is not None else "",
                f"Spalte {column!r}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class PersonLevelDataError(InputError):
    """An upload looks like person-level data; it is refused and never stored."""


class StoreError(EtlError):
    """The store is missing, inconsistent or cannot be written."""


class DisclosureError(EtlError):
    """Disclosure control failed or the audit found an unsafe cell; nothing is published."""
