"""Writes (publish step only) and reads (dashboard, API) of the published zone.

A release is written in one transaction together with the switch of the live pointer, so a
failed or killed publish leaves the previous release serving. Before the switch, a `verify`
callback (the public-side audit) reads the new release back through the same read functions
the dashboard uses, on the same connection; when it refuses, nothing was ever visible. Old
releases stay readable for permalinks unless withdrawn (a corrected upload changed a value
they show); a withdrawn release answers with the reason and the release that replaced it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from etl.errors import DisclosureError, StoreError
from etl.store import schema
from etl.symbols import NOT_AVAILABLE, PUBLISHED, STATUSES, SUPPRESSED, ZERO

CELL_TABLES = ("population", "households", "events")


def check_protected(name: str, frame: pd.DataFrame, min_count: int) -> None:
    """Refuse a table with an unprotected cell; the last guard before anything is written."""
    if frame.empty:
        return
    unknown = set(frame["status"]) - set(STATUSES)
    if unknown:
        raise DisclosureError(f"{name}: unbekannter Status {sorted(unknown)}.")
    if "source" in frame:
        # Official statistics are public already: published as the source publishes them.
        frame = frame[frame["source"] != "official"]
    values, status = frame["value"], frame["status"]
    small = (status == PUBLISHED) & values.between(1, min_count - 1)
    hidden_value = status.isin([SUPPRESSED, NOT_AVAILABLE]) & values.notna()
    bad_zero = (status == ZERO) & (values != 0)
    bad = frame[small | hidden_value | bad_zero]
    if not bad.empty:
        raise DisclosureError(
            f"{name}: {len(bad)} ungeschützte Zelle(n), z. B. {bad.iloc[0].to_dict()}; "
            "nichts wurde veröffentlicht."
        )


def _next_sequence(connection) -> int:
    current = connection.execute(select(func.max(schema.releases.c.sequence))).scalar()
    return (current or 0) + 1


Verify = Callable[[Connection, str], None]


@dataclass(frozen=True)
class Withdrawal:
    """Why a release is no longer readable and which release replaced it."""

    release_id: str
    reason: str
    replaced_by: str
    withdrawn_at: dt.datetime


class ReleaseWithdrawnError(StoreError):
    """A permalink to a withdrawn release; the message says why and names the current one."""

    def __init__(self, withdrawal: Withdrawal):
        self.withdrawal = withdrawal
        super().__init__(
            f"Veröffentlichung {withdrawal.release_id} wurde am "
            f"{withdrawal.withdrawn_at:%d.%m.%Y} zurückgezogen: {withdrawal.reason}. "
            f"Aktuell ist {withdrawal.replaced_by}."
        )


@contextmanager
def _connected(bind: Engine | Connection) -> Iterator[Connection]:
    """A connection: the given one (inside a writing transaction) or a fresh one."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as connection:
        yield connection


def write_release(
    engine: Engine,
    release: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    *,
    withdraw: dict[str, str] | None = None,
    verify: Verify | None = None,
) -> str:
    """Write a complete release and make it live, atomically. Returns the release id.

    `release` holds min_count, protection, territorial_status, years, sources, attribution,
    audit (must say safe) and note; `tables` the frames of RELEASE_TABLES without release_id.
    `withdraw` maps earlier release ids to the reason they stop being readable. `verify`
    runs on the writing connection after everything is written and before the live switch;
    an exception from it rolls everything back.
    """
    if not release["audit"].get("safe"):
        raise DisclosureError("Die Prüfung (LP-Audit) war nicht erfolgreich; keine Freigabe.")
    for name in CELL_TABLES:
        check_protected(name, tables.get(name, pd.DataFrame()), release["min_count"])
    created = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        sequence = _next_sequence(connection)
        release_id = f"R{sequence:04d}-{created:%Y%m%d}"
        connection.execute(
            insert(schema.releases),
            {
                **release,
                "release_id": release_id,
                "sequence": sequence,
                "created_at": created,
                "years": json.dumps(release["years"]),
                "sources": json.dumps(release["sources"]),
                "audit": json.dumps(release["audit"], default=str),
            },
        )
        for name in schema.RELEASE_TABLES:
            frame = tables.get(name)
            if frame is None or frame.empty:
                continue
            table = schema.published.tables[name]
            unknown = set(frame.columns) - set(table.columns.keys())
            if unknown:
                raise StoreError(f"Tabelle {name}: unbekannte Spalten {sorted(unknown)}.")
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
            connection.execute(insert(table), [{**r, "release_id": release_id} for r in records])
        for old, reason in (withdraw or {}).items():
            connection.execute(
                insert(schema.release_withdrawals),
                {
                    "release_id": old,
                    "withdrawn_at": created,
                    "reason": reason,
                    "replaced_by": release_id,
                },
            )
        if verify is not None:
            verify(connection, release_id)
        _switch_live(connection, release_id, created)
    return release_id


def withdraw_release(engine: Engine, release_id: str, reason: str) -> Withdrawal:
    """Make a published release no longer publicly readable (a statistician's decision).

    The same record as an automatic withdrawal after a correction: its permalink and
    `?release=` answer with the reason and the live release. The live release itself is
    refused: publish another release first, then withdraw this one.
    """
    reason = reason.strip()
    if not reason:
        raise StoreError('Ein Grund ist nötig (--reason "…"); er steht im Permalink.')
    with engine.begin() as connection:
        release_info(connection, release_id)  # StoreError for an unknown id
        found = withdrawal(connection, release_id)
        if found is not None:
            raise StoreError(
                f"Veröffentlichung {release_id} ist schon seit {found.withdrawn_at:%d.%m.%Y} "
                f"zurückgezogen ({found.reason})."
            )
        live = connection.execute(select(schema.live_release.c.release_id)).scalar()
        if live == release_id:
            raise StoreError(
                f"Veröffentlichung {release_id} ist die aktuelle (live); ohne eine andere "
                "lesbare aktuelle Veröffentlichung bliebe nichts öffentlich. Erst mit "
                "`python -m etl publish` eine neue Veröffentlichung live schalten, dann "
                f"{release_id} zurückziehen."
            )
        record = Withdrawal(release_id, reason, live, dt.datetime.now(dt.UTC))
        connection.execute(insert(schema.release_withdrawals), asdict(record))
    return record


def _switch_live(connection, release_id: str, when: dt.datetime) -> None:
    updated = connection.execute(
        update(schema.live_release)
        .where(schema.live_release.c.slot == 1)
        .values(release_id=release_id, switched_at=when)
    ).rowcount
    if not updated:
        connection.execute(
            insert(schema.live_release),
            {"slot": 1, "release_id": release_id, "switched_at": when},
        )


# --- reads (read-only engine) ------------------------------------------------------------


def list_releases(engine: Engine | Connection) -> pd.DataFrame:
    """All releases, newest first, with `live` and `withdrawn` (bool) columns."""
    with _connected(engine) as connection:
        frame = pd.read_sql(
            select(schema.releases).order_by(schema.releases.c.sequence.desc()), connection
        )
        live = connection.execute(select(schema.live_release.c.release_id)).scalar()
        withdrawn = set(
            connection.execute(select(schema.release_withdrawals.c.release_id)).scalars()
        )
    frame["live"] = frame["release_id"] == live
    frame["withdrawn"] = frame["release_id"].isin(withdrawn)
    return frame


def readable_release_ids(engine: Engine | Connection) -> list[str]:
    """Releases a permalink or `?release=` still reaches (not withdrawn), newest first."""
    frame = list_releases(engine)
    return frame.loc[~frame["withdrawn"], "release_id"].tolist()


def withdrawal(engine: Engine | Connection, release_id: str) -> Withdrawal | None:
    """Why and when a release was withdrawn; None while it is readable."""
    with _connected(engine) as connection:
        row = (
            connection.execute(
                select(schema.release_withdrawals).where(
                    schema.release_withdrawals.c.release_id == release_id
                )
            )
            .mappings()
            .first()
        )
    return None if row is None else Withdrawal(**row)


def check_readable(engine: Engine | Connection, release_id: str) -> None:
    """Raise ReleaseWithdrawnError for a withdrawn release."""
    found = withdrawal(engine, release_id)
    if found is not None:
        raise ReleaseWithdrawnError(found)


def live_release_id(engine: Engine | Connection) -> str:
    with _connected(engine) as connection:
        release_id = connection.execute(select(schema.live_release.c.release_id)).scalar()
    if release_id is None:
        raise StoreError("Es gibt noch keine Veröffentlichung. `python -m etl publish` ausführen.")
    return release_id


def release_info(engine: Engine | Connection, release_id: str) -> dict[str, Any]:
    with _connected(engine) as connection:
        row = (
            connection.execute(
                select(schema.releases).where(schema.releases.c.release_id == release_id)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise StoreError(f"Veröffentlichung {release_id!r} gibt es nicht.")
    info = dict(row)
    for key in ("years", "sources", "audit"):
        info[key] = json.loads(info[key])
    return info


def read_release_table(
    engine: Engine | Connection,
    name: str,
    release_id: str,
    **filters: Sequence[Any] | Any,
) -> pd.DataFrame:
    """Rows of one release table; each filter is a column with a value or a list of values."""
    table = schema.published.tables[name]
    query = select(*[c for c in table.columns if c.name != "release_id"]).where(
        table.c.release_id == release_id
    )
    for column, wanted in filters.items():
        if wanted is None:
            continue
        if isinstance(wanted, list | tuple | set):
            query = query.where(table.c[column].in_(list(wanted)))
        else:
            query = query.where(table.c[column] == wanted)
    dtypes = {c.name: "str" for c in table.columns if c.name.endswith("_key")}
    with _connected(engine) as connection:
        frame = pd.read_sql(query, connection, dtype=dtypes)
    for column in ("value", "age_to"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


# --- projection vintages -----------------------------------------------------------------

BROAD_GROUPS = {(0, 3), (3, 6), (6, 10), (10, 18), (18, 65), (65, 80), (80, None), (0, None)}


def check_vintage(frame: pd.DataFrame, rounding: int) -> None:
    """Refuse a vintage with an unrounded value or an age group finer than the broad ones."""
    if (frame["value"] % rounding != 0).any():
        raise DisclosureError(f"Vorausberechnung: Werte sind nicht auf {rounding} gerundet.")
    groups = set(
        zip(
            frame["age_from"],
            frame["age_to"].astype(object).where(frame["age_to"].notna(), None),
            strict=True,
        )
    )
    if not groups <= BROAD_GROUPS:
        raise DisclosureError(
            f"Vorausberechnung: unzulässige Altersgruppen {groups - BROAD_GROUPS}."
        )


def write_vintage(engine: Engine, vintage: dict[str, Any], frame: pd.DataFrame) -> str:
    """Archive a projection vintage (one transaction); returns its id."""
    check_vintage(frame, vintage["rounding"])
    created = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        count = connection.execute(select(func.count()).select_from(schema.projection_vintages))
        vintage_id = f"P{count.scalar() + 1:03d}-{vintage['base_year']}"
        connection.execute(
            insert(schema.projection_vintages),
            {
                **vintage,
                "vintage_id": vintage_id,
                "created_at": created,
                "scenarios": json.dumps(vintage["scenarios"], default=str),
            },
        )
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        connection.execute(
            insert(schema.projections), [{**r, "vintage_id": vintage_id} for r in records]
        )
    return vintage_id


def list_vintages(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(
            select(schema.projection_vintages).order_by(schema.projection_vintages.c.created_at),
            connection,
        )


def read_projection(engine: Engine, vintage_id: str, **filters: Any) -> pd.DataFrame:
    """Rows of one vintage; filters as in read_release_table."""
    table = schema.projections
    query = select(table).where(table.c.vintage_id == vintage_id)
    for column, wanted in filters.items():
        if wanted is None:
            continue
        if isinstance(wanted, list | tuple | set):
            query = query.where(table.c[column].in_(list(wanted)))
        else:
            query = query.where(table.c[column] == wanted)
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection, dtype={"area_key": "str"})
    frame["age_to"] = frame["age_to"].astype("Int64")
    return frame


def publication_state(engine: Engine | Connection) -> PublicationState:
    """What decides which published data a reader sees: the live release, the releases and
    vintages there are, and the withdrawals. It changes with every publish or withdrawal, so
    caches of readers key on it (three small reads, no table scan)."""
    with _connected(engine) as connection:
        live = connection.execute(select(schema.live_release.c.release_id)).scalar()
        sequence, created = connection.execute(
            select(func.max(schema.releases.c.sequence), func.max(schema.releases.c.created_at))
        ).one()
        withdrawn = connection.execute(
            select(schema.release_withdrawals.c.release_id).order_by(
                schema.release_withdrawals.c.release_id
            )
        ).scalars()
        withdrawn_ids = tuple(withdrawn)
        vintages = connection.execute(
            select(func.count(), func.max(schema.projection_vintages.c.created_at))
        ).one()
    return PublicationState(
        live_release=live,
        last_sequence=sequence,
        last_created=str(created),
        withdrawn=withdrawn_ids,
        vintages=f"{vintages[0]}@{vintages[1]}",
    )


@dataclass(frozen=True)
class PublicationState:
    """The published zone's version as readers see it (see `publication_state`)."""

    live_release: str | None
    last_sequence: int | None
    withdrawn: tuple[str, ...]
    vintages: str
    # When the newest release was written (to the microsecond): release ids and sequences
    # repeat across published zones (R0002-<day> in each), so two dashboards sharing one
    # Redis would otherwise compute the same keys for different data.
    last_created: str = ""

    @property
    def token(self) -> str:
        """One string for cache keys; different whenever any field differs."""
        withdrawn = ",".join(self.withdrawn)
        return (
            f"{self.live_release}|{self.last_sequence}|{self.last_created}|{withdrawn}|"
            f"{self.vintages}"
        )
