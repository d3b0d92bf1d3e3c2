"""The layout of a GENESIS flat CSV export, read from the file's own header lines.

Title lines (text in the first cell only), column-header rows (first cells empty), data rows
whose leading label cells hold the code, the name and, in some tables, the year or the age
group. Each header row is classified by its labels (year, sex/nationality, age group,
household type, direction of moves); a row of other labels must be constant (a variable name
such as `Geschlecht` or a unit such as `Anzahl`). The columns must form the complete product
of the header rows' values: a missing year block or sex column is refused.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from etl.errors import InputError

YEAR: Final = re.compile(r"^(?:\d{2}\.\d{2}\.)?((?:19|20)\d{2})$")
_AGE_PATTERNS: Final = (
    (re.compile(r"^unter (\d+) jahr(?:e|en)?$"), lambda m: (0, int(m[1]))),
    (re.compile(r"^(\d+) bis unter (\d+) jahr(?:e|en)?$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(\d+) jahr(?:e|en)? und (?:mehr|älter)$"), lambda m: (int(m[1]), None)),
)
_GROUPS: Final[dict[str, dict]] = {
    "insgesamt": {},
    "männlich": {"sex": "male"},
    "weiblich": {"sex": "female"},
    "deutsche": {"nationality": "german"},
    "ausländer": {"nationality": "foreign"},
    "ausländer(innen)": {"nationality": "foreign"},
    "ausländerinnen und ausländer": {"nationality": "foreign"},
}
HOUSEHOLD_TYPES: Final[dict[str, str]] = {
    "einpersonenhaushalte": "single",
    "paare ohne kind(er)": "couple_without_children",
    "paare mit kind(ern)": "couple_with_children",
    "alleinerziehende elternteile": "single_parent",
    "mehrpersonenhaushalte ohne kernfamilie": "other_multi_person",
}
_DIRECTIONS: Final = (("zuzüge", "in"), ("fortzüge", "out"))


def age_range(label: str) -> tuple[int, int | None] | None:
    """(age_from, age_to) of an age-group label; age_to is exclusive, None = open."""
    for pattern, convert in _AGE_PATTERNS:
        match = pattern.match(label.lower())
        if match:
            return convert(match)
    return None


def _year(label: str) -> dict | None:
    match = YEAR.match(label)
    return {"year": int(match[1])} if match else None


def _age(label: str) -> dict | None:
    if label.lower() == "insgesamt":
        return {}
    ages = age_range(label)
    return {"age_from": ages[0], "age_to": ages[1]} if ages else None


def _household(label: str) -> dict | None:
    if label.lower() == "insgesamt":
        return {}
    kind = HOUSEHOLD_TYPES.get(label.lower())
    return {"household_type": kind} if kind else None


def _direction(label: str) -> dict | None:
    lower = label.lower()
    return next(({"direction": d} for prefix, d in _DIRECTIONS if lower.startswith(prefix)), None)


_KINDS: Final[dict[str, Callable[[str], dict | None]]] = {
    "year": _year,
    "group": lambda label: _GROUPS.get(label.lower()),
    "age": _age,
    "household_type": _household,
    "direction": _direction,
}


@dataclass(frozen=True)
class Column:
    """One value column: its label and the attributes its header rows give it."""

    label: str
    year: int | None
    sex: str = "total"
    age_from: int = 0
    age_to: int | None = None
    nationality: str = "total"
    household_type: str = "total"
    direction: str = ""


@dataclass(frozen=True)
class Layout:
    """Where the data start, the value columns, and the role of each label cell."""

    first_data: int  # index into the rows
    columns: tuple[Column, ...]
    roles: tuple[str, ...]  # per label cell: 'year', 'code', 'name' or 'age'


def read_layout(rows: list[list[str]], file: str) -> Layout:
    """The layout of the rows before the separator line; raises InputError if unclear."""
    first = _first_data_row(rows, file)
    header = rows[1:first]
    column_rows = [
        (i + 2, r)
        for i, r in enumerate(header)
        if r and not r[0].strip() and any(map(str.strip, r))
    ]
    if not column_rows:
        raise InputError(
            "keine Spaltenköpfe (Zeilen mit leerer erster Zelle) vor den Daten.",
            file=file,
            row=first + 1,
        )
    n_labels = min(len(r) - len(_lstrip_empty(r)) for _, r in column_rows)
    width = max(len(r) for _, r in column_rows) - n_labels
    if n_labels not in (2, 3, 4) or width < 1:
        raise InputError(
            "Kopfzeilen nicht erkannt: erwartet Schlüssel;Name (davor Jahr, danach "
            "Altersgruppe möglich) und danach Wertespalten.",
            file=file,
            row=first + 1,
        )
    grid = [
        (line, [(r[n_labels + j].strip() if n_labels + j < len(r) else "") for j in range(width)])
        for line, r in column_rows
    ]
    columns = _columns(grid, _table_year(header, file, first), file)
    roles = _label_roles(rows[first], n_labels, file, first + 1)
    return Layout(first, columns, roles)


def _first_data_row(rows: list[list[str]], file: str) -> int:
    for index, row in enumerate(rows[1:], start=1):
        head = row[0].strip() if row else ""
        if (head.isdigit() or YEAR.match(head)) and sum(bool(c.strip()) for c in row) >= 3:
            return index
    raise InputError("keine Datenzeilen (Schlüssel;Name;Werte) gefunden.", file=file)


def _lstrip_empty(row: list[str]) -> list[str]:
    index = 0
    while index < len(row) and not row[index].strip():
        index += 1
    return row[index:]


def _table_year(header: list[list[str]], file: str, first: int) -> int | None:
    """The year of a date or year alone in a title line (`31.12.2015`, `09.05.2011`)."""
    years = {
        int(YEAR.match(r[0].strip())[1])  # type: ignore[index]
        for r in header
        if r and YEAR.match(r[0].strip()) and not any(map(str.strip, r[1:]))
    }
    if len(years) > 1:
        raise InputError(
            f"mehrere Stichtage im Titel ({sorted(years)}); nur einer ist möglich.",
            file=file,
            row=first,
        )
    return years.pop() if years else None


def _columns(
    grid: list[tuple[int, list[str]]], table_year: int | None, file: str
) -> tuple[Column, ...]:
    """Classify each header row, check completeness, build one Column per value column."""
    known: list[tuple[int, str, list[str]]] = []
    for line, labels in grid:
        kind = _row_kind(labels)
        if kind is None:
            distinct = sorted({label for label in labels if label})
            if len(distinct) > 1:
                raise InputError(
                    f"Kopfzeile nicht erkannt: Merkmal mit den Werten {distinct[:4]} wird nicht "
                    "unterstützt (bekannt: Jahr/Stichtag, Geschlecht, Nationalität, "
                    "Altersgruppe, Haushaltstyp, Zu-/Fortzüge).",
                    file=file,
                    row=line,
                    column=distinct[0],
                )
            continue
        known.append((line, kind, labels))
    width = len(grid[0][1])
    keys = [tuple(labels[j].lower() for _, _, labels in known) for j in range(width)]
    _check_complete(keys, [line for line, _, _ in known], file)
    columns = []
    for j in range(width):
        attributes: dict = {"year": table_year}
        for _, kind, labels in known:
            attributes.update(_KINDS[kind](labels[j]) or {})
        label = " / ".join(labels[j] for _, _, labels in known if labels[j])
        columns.append(Column(label=label or f"Spalte {j + 1}", **attributes))
    return tuple(columns)


def _row_kind(labels: list[str]) -> str | None:
    filled = [label for label in labels if label]
    for kind, parse in _KINDS.items():
        parsed = [parse(label) for label in filled]
        if filled and all(p is not None for p in parsed) and any(parsed):
            return kind
    return None


def _check_complete(keys: list[tuple[str, ...]], lines: list[int], file: str) -> None:
    """Every combination of the header rows' values once: no column missing or doubled."""
    for j, key in enumerate(keys):
        if keys.index(key) != j:
            raise InputError(
                "Spalte doppelt: zwei Spalten mit demselben Kopf.",
                file=file,
                row=lines[-1] if lines else None,
                column=" / ".join(key),
            )
    values = [list(dict.fromkeys(key[k] for key in keys)) for k in range(len(lines))]
    missing = [c for c in itertools.product(*values) if c not in set(keys)]
    if missing:
        raise InputError(
            f"Tabelle unvollständig: {len(missing)} Spalte(n) fehlen gegenüber dem Kopf, "
            f"z. B. {' / '.join(missing[0])!r}; vollständigen Export verwenden.",
            file=file,
            row=lines[-1],
            column=" / ".join(missing[0]),
        )


def _label_roles(first: list[str], n_labels: int, file: str, line: int) -> tuple[str, ...]:
    """Which label cell of the first data row holds the year, code, name or age group."""
    roles = []
    for k in range(n_labels):
        value = first[k].strip() if k < len(first) else ""
        if k == 0 and n_labels > 2 and YEAR.match(value):
            roles.append("year")
        elif value.isdigit() and "code" not in roles:
            roles.append("code")
        elif k == n_labels - 1 and n_labels > 3 and _age(value) is not None:
            roles.append("age")
        else:
            roles.append("name")
    if roles.count("code") != 1 or roles.count("name") != 1:
        raise InputError(
            f"Vorspalten nicht erkannt ({', '.join(roles)}): erwartet Schlüssel (nur Ziffern) "
            "und Name, davor Jahr bzw. Stichtag und danach Altersgruppe möglich.",
            file=file,
            row=line,
        )
    return tuple(roles)
