"""Regional codes of GENESIS rows: which rows are Gemeinden (or Kreise), which are aggregates.

Code shapes (Niedersachsen/Bremen exports; see docs/inputs.md):
- 2 digits Land, 3 Regierungsbezirk / statistische Region, 5 Kreis: aggregates in a
  Gemeinde table; in a Kreis table (`-4`) the 5-digit rows are the data (level 'kreis').
  A 5-digit kreisfreie Stadt without Gemeinde rows in a Gemeinde table is the Gemeinde
  `<Kreis>000`.
- 8 digits: the AGS of an Einheitsgemeinde, kreisfreien Stadt or gemeindefreien Gebiets, or
  Kreis + 3-digit Verband of a Samtgemeinde (the sum of its members). A row is a Samtgemeinde
  when its name ends in ', Samtgemeinde' (or starts with 'Samtgemeinde ') or 11-digit rows
  starting with its 8 digits follow; its Verband digits must then lie in 400-499 (else the row
  is 'unknown'). An 8-digit code with Verband digits 400-499 and neither sign is 'unknown',
  never a Gemeinde.
- 11 digits: a Samtgemeinde member, Kreis (5) + Verband (3) + Gemeinde (3): AGS = [0:5]+[8:11].
- 9 digits: Gemeindeverband in ARS form (Kreis 5 + Verband 4): aggregate.
- 12 digits: ARS (Land 2, RB 1, Kreis 2, Verband 4, Gemeinde 3): AGS = [0:5]+[9:12]. A
  12-digit row with Gemeinde digits 000 and a Verband other than 0000 is a Verband aggregate.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from etl.transform.territory import LAND_NAMES

STATUSES: Final = ("mapped", "aggregate", "vanished", "unknown")
_SAMTGEMEINDE_SUFFIX: Final = ", samtgemeinde"
_KREISFREI: Final = ("kreisfreie stadt", "krsfr. stadt", "krfr. stadt")


def classify_rows(rows: pd.DataFrame, depth: str) -> pd.DataFrame:
    """Add role ('data', 'aggregate', 'unknown'), key, level and reason to rows (code, name).

    `depth` is the table's finest level, 'gemeinde' or 'kreis'.
    """
    codes = rows["code"].tolist()
    member_prefixes = {code[:8] for code in codes if len(code) == 11}
    records = [
        _classify(c, n, depth, member_prefixes) for c, n in zip(codes, rows["name"], strict=True)
    ]
    result = rows.assign(
        role=[r[0] for r in records],
        key=[r[1] for r in records],
        level=[r[2] for r in records],
        reason=[r[3] for r in records],
    )
    return _kreisfreie_staedte(result) if depth == "gemeinde" else result


def _classify(
    code: str, name: str, depth: str, member_prefixes: set[str]
) -> tuple[str, str, str, str]:
    """(role, key, level, reason) of one code."""
    if code[:2] not in LAND_NAMES:
        return "unknown", "", "", f"Schlüssel {code!r}: Land {code[:2]} gibt es nicht (01-16)"
    length = len(code)
    if length == 2:
        return "aggregate", code, "land", ""
    if length == 3:
        return "aggregate", code, "regierungsbezirk", ""
    if length == 5:
        return ("data", code, "kreis", "") if depth == "kreis" else ("aggregate", code, "kreis", "")
    if length == 8:
        return _classify_eight(code, name, member_prefixes)
    if length == 9:
        return "aggregate", code, "gemeindeverband", ""
    if length == 11:
        return "data", code[:5] + code[8:], "gemeinde", ""
    if length == 12:
        if code[9:] == "000" and code[5:9] != "0000":
            return "aggregate", code, "gemeindeverband", ""
        return "data", code[:5] + code[9:], "gemeinde", ""
    return (
        "unknown",
        "",
        "",
        f"Schlüssel {code!r} hat {length} Stellen; bekannt sind 2, 3, 5, 8, 9, 11 und 12",
    )


def _classify_eight(code: str, name: str, member_prefixes: set[str]) -> tuple[str, str, str, str]:
    lower = name.lower().strip()
    named = lower.endswith(_SAMTGEMEINDE_SUFFIX) or lower.startswith("samtgemeinde ")
    has_members = code in member_prefixes
    verband_digits = code[5] == "4"
    if named or has_members:
        if verband_digits:
            return "aggregate", code, "gemeindeverband", ""
        sign = "Name endet auf ', Samtgemeinde'" if named else "11-stellige Mitglieder folgen"
        return (
            "unknown",
            "",
            "",
            f"{sign}, aber Verbandsziffern {code[5:]} liegen nicht in 400-499: weder Gemeinde "
            "noch Samtgemeinde eindeutig",
        )
    if verband_digits:
        return (
            "unknown",
            "",
            "",
            f"Verbandsziffern {code[5:]} (400-499) einer Samtgemeinde, aber weder Name "
            "', Samtgemeinde' noch Mitglieder: nicht als Gemeinde übernommen",
        )
    return "data", code, "gemeinde", ""


def _kreisfreie_staedte(rows: pd.DataFrame) -> pd.DataFrame:
    """A kreisfreie Stadt listed only as its Kreis row is the Gemeinde `<Kreis>000`."""
    with_members = set(rows.loc[rows["role"].eq("data"), "key"].str[:5])
    kreisfrei = (
        rows["level"].eq("kreis")
        & rows["name"].str.lower().str.contains("|".join(_KREISFREI), regex=True)
        & ~rows["code"].isin(with_members)
    )
    rows = rows.copy()
    rows.loc[kreisfrei, "role"] = "data"
    rows.loc[kreisfrei, "level"] = "gemeinde"
    rows.loc[kreisfrei, "key"] = rows.loc[kreisfrei, "code"] + "000"
    return rows
