"""Area keys and the territorial hierarchy: Land (2 digits), Kreis (5), Gemeinde (8 = AGS).

Pure helpers on string keys. An Ortsteil key is `<AGS>-<code>`. The 12-digit Amtlicher
Regionalschlüssel (ARS: Land 2, Regierungsbezirk 1, Kreis 2, Gemeindeverband 4, Gemeinde 3) is
never taken for an AGS silently: convert it with `ars_to_ags`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import pandas as pd

LAND_NAMES: Final[dict[str, str]] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

LEVELS: Final = ("land", "kreis", "gemeinde", "ortsteil")
_LEVEL_BY_LENGTH: Final = {2: "land", 5: "kreis", 8: "gemeinde"}
_ORTSTEIL: Final = re.compile(r"^\d{8}-\w+$")


def land_key(ags: str) -> str:
    """The Land of a Kreis, Gemeinde or Ortsteil key: its first two digits."""
    return ags[:2]


def kreis_key(ags: str) -> str:
    """The Kreis of a Gemeinde or Ortsteil key: its first five digits."""
    return ags[:5]


def level_of_key(key: str) -> str:
    """'land', 'kreis', 'gemeinde' or 'ortsteil' from the shape of the key.

    Raises ValueError for anything else (a 9-digit Gemeindeverband, a 12-digit ARS, text).
    """
    if _ORTSTEIL.match(key):
        return "ortsteil"
    if key.isdigit() and len(key) in _LEVEL_BY_LENGTH and key[:2] in LAND_NAMES:
        return _LEVEL_BY_LENGTH[len(key)]
    raise ValueError(
        f"{key!r} ist kein Gebietsschlüssel: erwartet 2 (Land), 5 (Kreis) oder 8 Ziffern (AGS) "
        "oder '<AGS>-<Ortsteil>'"
    )


def parent_key(key: str) -> str | None:
    """The next level up: Ortsteil -> Gemeinde -> Kreis -> Land -> None."""
    level = level_of_key(key)
    return {"ortsteil": key[:8], "gemeinde": key[:5], "kreis": key[:2], "land": None}[level]


def normalise_ags(raw: object) -> str:
    """An 8-digit AGS from text or a number that lost its leading zero (6636003 -> '06636003').

    Raises ValueError for other lengths; a 12-digit ARS must go through `ars_to_ags`.
    """
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # read as float by a spreadsheet
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(f"{raw!r} ist kein AGS (nur Ziffern erlaubt)")
    if len(text) in (11, 12):
        raise ValueError(
            f"{raw!r} sieht aus wie ein Regionalschlüssel (ARS, 12 Stellen); "
            "ausdrücklich mit ars_to_ags umwandeln"
        )
    if len(text) == 7 and not text.startswith("0"):  # a number that lost its leading zero
        text = "0" + text
    if len(text) != 8:
        raise ValueError(f"{raw!r} ist kein AGS: erwartet 8 Ziffern, erhalten {len(text)}")
    if text[:2] not in LAND_NAMES:
        raise ValueError(f"{raw!r} ist kein AGS: Land {text[:2]} gibt es nicht (01-16)")
    return text


def ars_to_ags(ars: object) -> str:
    """The AGS of a 12-digit ARS: Land+RB+Kreis (5) and the last three digits (Gemeinde).

    An 11-digit value is taken as an ARS that lost its leading zero.
    """
    text = str(ars).strip()
    if text.isdigit() and len(text) == 11 and not text.startswith("0"):
        text = "0" + text
    if not (text.isdigit() and len(text) == 12):
        raise ValueError(f"{ars!r} ist kein ARS: erwartet 12 Ziffern")
    return normalise_ags(text[:5] + text[9:])


def classify_statistics_code(code: str) -> tuple[str, str | None]:
    """(kind, AGS) of a regional code as used in GENESIS/Regionalstatistik tables.

    Kinds: 'land' (2 digits), 'regierungsbezirk' (3), 'kreis' (5), 'gemeinde' (8 = AGS),
    'gemeindeverband' (9: Kreis + 4-digit Verband, e.g. a Samtgemeinde) and 'gemeinde' for a
    12-digit ARS (AGS = first 5 + last 3 digits). The AGS is None for every kind but
    'gemeinde'. Raises ValueError for other codes, including 11 digits: no standard code has
    11 digits, so the caller must resolve such a member row itself or report it.
    """
    if not code.isdigit() or code[:2] not in LAND_NAMES:
        raise ValueError(f"Schlüssel {code!r} ist kein Gebietsschlüssel (Land 01-16 + Ziffern)")
    kinds = {2: "land", 3: "regierungsbezirk", 5: "kreis", 9: "gemeindeverband"}
    if len(code) in kinds:
        return kinds[len(code)], None
    if len(code) == 8:
        return "gemeinde", code
    if len(code) == 12:
        return "gemeinde", code[:5] + code[9:]
    if len(code) == 11:
        raise ValueError(
            f"Schlüssel {code!r} hat 11 Stellen (weder AGS 8 noch ARS 12); die Gemeinde ist "
            "nicht eindeutig: mit 8-stelligem AGS oder 12-stelligem ARS exportieren"
        )
    raise ValueError(f"Schlüssel {code!r} hat {len(code)} Stellen; bekannt sind 2, 3, 5, 8, 9, 12")


_AGGREGATE_KINDS: Final = ("land", "regierungsbezirk", "kreis", "gemeindeverband")
_NOT_KEYS: Final = ("code", "name", "line", "value", "symbol", "kind", "ags")
UNMAPPED_COLUMNS: Final = ("code", "name", "reason", "line")


def map_statistics_codes(
    cells: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Map the codes of statistics cells to municipalities, never double counting.

    `cells` has columns code, name, line, value (Int64), symbol ('' for a number, '-', '.',
    'x', '/') and any key columns (year, sex, ...). Returns (data, aggregates, unmapped):
    data keyed by `ags` (8 digits, see `classify_statistics_code`), a code listed twice summed
    cell by cell, a member listed again under its Gemeindeverband kept once, (ags, year)
    blocks of '-' only dropped; aggregates (Land, Regierungsbezirk, Kreis, Gemeindeverband)
    with `level`; unmapped with code, name, reason, line.
    """
    codes = _code_table(cells)
    cells = cells.merge(codes[["code", "kind", "ags"]], on="code", how="left", validate="m:1")
    unmapped = [codes.loc[codes["kind"] == "unmapped", list(UNMAPPED_COLUMNS)]]
    aggregates = cells[cells["kind"].isin(_AGGREGATE_KINDS)].rename(columns={"kind": "level"})
    municipal, repeated = _drop_repeated_codes(cells[cells["kind"] == "gemeinde"])
    data, absent = _drop_absent_years(_combine_listed_twice(municipal))
    unmapped_frame = pd.concat([*unmapped, repeated, absent], ignore_index=True)
    unmapped_frame = unmapped_frame.astype({"line": "int64"}).sort_values(["line", "code"])
    return (
        data.drop(columns=["kind"], errors="ignore").reset_index(drop=True),
        aggregates.drop(columns=["ags"]).reset_index(drop=True),
        unmapped_frame.reset_index(drop=True),
    )


def _code_table(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per code: kind ('gemeinde', an aggregate kind or 'unmapped'), AGS, reason."""
    codes = cells.groupby("code", sort=False).agg(name=("name", "first"), line=("line", "min"))
    records = []
    for code, name, line in codes.reset_index().itertuples(index=False):
        try:
            kind, ags = classify_statistics_code(code)
            reason = ""
        except ValueError as error:
            kind, ags, reason = "unmapped", None, str(error)
        records.append((code, name, line, kind, ags, reason))
    table = pd.DataFrame(records, columns=["code", "name", "line", "kind", "ags", "reason"])
    table = _resolve_by_name(table)
    # A kreisfreie Stadt may appear only as its Kreis row: it is also the municipality <kreis>000.
    member_kreise = set(table.loc[table["kind"] == "gemeinde", "ags"].str[:5])
    kreisfrei = (
        (table["kind"] == "kreis")
        & table["name"].str.lower().str.contains("kreisfreie stadt")
        & ~table["code"].isin(member_kreise)
    )
    table.loc[kreisfrei, "kind"] = "gemeinde"
    table.loc[kreisfrei, "ags"] = table.loc[kreisfrei, "code"] + "000"
    return table


def _resolve_by_name(table: pd.DataFrame) -> pd.DataFrame:
    """An 11-digit member code whose name equals an 8-digit row of the same Kreis is that
    municipality listed again under its Gemeindeverband (reported later, never added)."""
    eight = table[table["code"].str.len() == 8]
    by_name = dict(
        zip(zip(eight["code"].str[:5], eight["name"], strict=True), eight["code"], strict=True)
    )
    table = table.copy()
    for index, row in table[
        (table["code"].str.len() == 11) & (table["kind"] == "unmapped")
    ].iterrows():
        ags = by_name.get((row["code"][:5], row["name"]))
        if ags:
            table.loc[index, ["kind", "ags", "reason"]] = ["gemeinde", ags, ""]
    return table


def _drop_repeated_codes(cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one code per AGS (8 digits first): a member municipality listed again under its
    Gemeindeverband (11/12 digits) is the same municipality and must not be added."""
    codes = cells.groupby(["ags", "code"], sort=False)["line"].min().reset_index()
    codes["rank"] = codes["code"].str.len().ne(8).astype(int)
    codes = codes.sort_values(["ags", "rank", "line"])
    keep = codes.drop_duplicates("ags")
    dropped = codes[~codes["code"].isin(keep["code"])].merge(
        keep[["ags", "code", "line"]], on="ags", suffixes=("", "_kept"), validate="m:1"
    )
    names = cells.drop_duplicates("code").set_index("code")["name"]
    repeated = pd.DataFrame(
        {
            "code": dropped["code"],
            "name": dropped["code"].map(names),
            "reason": [
                f"Gemeinde {a} steht schon unter {k} (Zeile {n}); nicht addiert"
                for a, k, n in zip(
                    dropped["ags"], dropped["code_kept"], dropped["line_kept"], strict=True
                )
            ],
            "line": dropped["line"],
        }
    )
    return cells[cells["code"].isin(keep["code"])], repeated


def _combine_listed_twice(cells: pd.DataFrame) -> pd.DataFrame:
    """Sum the complementary rows of a code listed twice; '-' parts count as nothing, an
    unknown part ('.', 'x', '/') makes the sum unknown."""
    frame = cells.assign(
        is_number=cells["symbol"].eq(""), is_other=~cells["symbol"].isin(["", "-"])
    )
    keys = ["ags", *(c for c in cells.columns if c not in _NOT_KEYS)]
    grouped = frame.groupby(keys, dropna=False, sort=False)
    result = grouped.agg(
        name=("name", "first"),
        code=("code", "first"),
        line=("line", "min"),
        value=("value", "sum"),
        numbers=("is_number", "sum"),
        others=("is_other", "sum"),
    )
    other_symbol = frame[frame["is_other"]].groupby(keys, dropna=False)["symbol"].first()
    result = result.join(other_symbol.rename("other_symbol"))
    result["symbol"] = "-"
    result.loc[result["numbers"] > 0, "symbol"] = ""
    has_other = result["others"] > 0
    result.loc[has_other, "symbol"] = result.loc[has_other, "other_symbol"]
    result["value"] = result["value"].astype("Int64").where(result["symbol"].eq(""))
    return result.drop(columns=["numbers", "others", "other_symbol"]).reset_index()


def _drop_absent_years(cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop (municipality, year) blocks that are '-' throughout and report them."""
    all_dash = cells["symbol"].eq("-").groupby([cells["ags"], cells["year"]]).transform("all")
    records = [
        (
            code,
            block["name"].iloc[0],
            ", ".join(map(str, sorted(set(block["year"])))),
            int(block["line"].min()),
        )
        for code, block in cells[all_dash].groupby("code", sort=False)
    ]
    report = pd.DataFrame(records, columns=["code", "name", "years", "line"])
    report["reason"] = [
        f"nur '-' für {years}: Gemeinde bestand nicht (mehr) oder war unbewohnt; nicht übernommen"
        for years in report["years"]
    ]
    return cells[~all_dash], report[list(UNMAPPED_COLUMNS)]


def hierarchy_edges(municipality_keys: Iterable[str]) -> pd.DataFrame:
    """Edges (total, part) of Land -> Kreis -> Gemeinde for the given municipality keys.

    Each part appears once; the frame is sorted and has string columns `total`, `part`.
    """
    keys = sorted({normalise_ags(key) for key in municipality_keys})
    kreise = sorted({kreis_key(key) for key in keys})
    edges = [(kreis_key(key), key) for key in keys] + [(land_key(k), k) for k in kreise]
    frame = pd.DataFrame(edges, columns=["total", "part"], dtype="str")
    return frame.sort_values(["total", "part"]).reset_index(drop=True)


def municipalities_of(key: str, municipality_keys: Iterable[str]) -> list[str]:
    """The municipalities (sorted) inside a Land, Kreis or Gemeinde key."""
    level = level_of_key(key)
    if level == "ortsteil":
        raise ValueError(f"{key!r} ist ein Ortsteil, keine Gemeinde, kein Kreis, kein Land")
    return sorted(m for m in set(municipality_keys) if m.startswith(key))
