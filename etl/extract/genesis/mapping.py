"""From cells with regional codes to data keyed by AGS (or Kreis), aggregates and a report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from etl.errors import InputError
from etl.extract.genesis.checks import DIMENSIONS, check_aggregates
from etl.extract.genesis.codes import classify_rows

REPORT_COLUMNS: Final = ("line", "code", "name", "status", "key", "level", "check", "reason")


@dataclass(frozen=True)
class Mapped:
    """Cells of data rows (with `ags`, `level`), cells of aggregate rows, the row report."""

    data: pd.DataFrame
    aggregates: pd.DataFrame
    report: pd.DataFrame


def map_cells(cells: pd.DataFrame, depth: str, scale: int, file: str) -> Mapped:
    """Map every row; refuse a Gemeinde (or Kreis) listed twice; check aggregates."""
    rows = cells.groupby("line", sort=True).agg(
        code=("code", "first"), name=("name", "first"), n_years=("year", "nunique")
    )
    _refuse_incomplete(cells, file)
    rows = classify_rows(rows.reset_index(), depth)
    cells = cells.merge(
        rows[["line", "role", "key", "level"]], on="line", how="left", validate="m:1"
    )
    data_cells = cells[cells["role"].eq("data")]
    aggregate_cells = cells[cells["role"].eq("aggregate")]
    absent = _absent_blocks(cells)
    kept = data_cells[~data_cells.set_index(["line", "year"]).index.isin(absent.index)]
    _refuse_duplicates(kept, file)
    checks = check_aggregates(data_cells, aggregate_cells, depth, scale)
    report = _report(rows, checks, absent)
    data = kept.rename(columns={"key": "ags"}).drop(columns=["role"])
    aggregates = aggregate_cells.drop(columns=["role", "key"])
    return Mapped(data.reset_index(drop=True), aggregates.reset_index(drop=True), report)


def _refuse_incomplete(cells: pd.DataFrame, file: str) -> None:
    """Every code has every combination of year, age group, sex, ... that the table has.

    Column layouts are complete by construction (each row has every column); this finds a
    year (or age-group) row missing for one area where the year or age group is a row label.
    """
    keys = list(DIMENSIONS)
    combos = cells[keys].astype(object).drop_duplicates()
    per_code = cells[["code", *keys]].astype(object).drop_duplicates()
    counts = per_code.groupby("code", sort=False).size()
    short = counts[counts < len(combos)]
    if short.empty:
        return
    code = short.index[0]
    have = per_code[per_code["code"].eq(code)].drop(columns="code")
    missing = combos.merge(have, how="left", indicator=True, validate="1:1")
    first = missing[missing["_merge"].eq("left_only")].iloc[0]
    ages = (
        ""
        if pd.isna(first["age_to"]) and first["age_from"] == 0
        else (f", Alter {first['age_from']} bis unter {first['age_to']}")
    )
    rows = cells[cells["code"].eq(code)]
    raise InputError(
        f"Tabelle unvollständig: {code} {rows['name'].iloc[0]}: Zeile für {first['year']}{ages} "
        "fehlt (andere Gebiete haben sie); vollständigen Export verwenden.",
        file=file,
        row=int(rows["line"].max()),
        column="Schlüssel",
    )


def _refuse_duplicates(cells: pd.DataFrame, file: str) -> None:
    """A Gemeinde (or Kreis) with values twice, under one code or two, is refused."""
    keys = ["key", *DIMENSIONS]
    frame = cells.assign(age_to=cells["age_to"].astype("Int64").fillna(-1))
    doubled = frame[frame.duplicated(keys, keep=False)]
    if doubled.empty:
        return
    first = doubled.iloc[0]
    same = (doubled[keys] == first[keys]).all(axis=1)
    lines = sorted(set(doubled.loc[same, "line"]))[:2]
    if len(lines) == 1:  # e.g. an age group both in the row label and in the header
        raise InputError(
            "zwei Spalten dieser Zeile beschreiben dieselbe Zelle (Merkmal in Vorspalte und "
            "Kopf zugleich?); vollständigen Export verwenden.",
            file=file,
            row=lines[0],
            column=str(doubled.loc[same, "column"].iloc[-1]),
        )
    by_line = [cells[cells["line"].eq(line)] for line in lines]
    identical = _cell_texts(by_line[0]) == _cell_texts(by_line[1])
    how = "mit denselben Werten" if identical else "mit abweichenden Werten"
    raise InputError(
        f"{first['level'].capitalize()} {first['key']} steht zweimal ({how}): Zeile {lines[0]} "
        f"({by_line[0]['code'].iloc[0]} {by_line[0]['name'].iloc[0]}) und Zeile {lines[1]} "
        f"({by_line[1]['code'].iloc[0]} {by_line[1]['name'].iloc[0]}); weder addiert noch "
        "ausgewählt: Export prüfen und neu herunterladen.",
        file=file,
        row=lines[1],
        column="Schlüssel",
    )


def _cell_texts(cells: pd.DataFrame) -> list[str]:
    return [f"{v}{s}" for v, s in zip(cells["value"].astype(object), cells["symbol"], strict=True)]


def _absent_blocks(cells: pd.DataFrame) -> pd.Series:
    """(line, year) of rows whose code has only '-' in that year (all its lines and columns).

    Such a block says the area did not exist (or was not in this Verband) in that year; it is
    left out before duplicates are looked for, so a Gemeinde listed under its old and its new
    Samtgemeinde is taken from the one with values.
    """
    data = cells[cells["role"].isin(["data", "aggregate"])]
    all_dash = data["symbol"].eq("-").groupby([data["code"], data["year"]]).transform("all")
    blocks = data[all_dash].drop_duplicates(["line", "year"])
    return blocks.set_index(["line", "year"])["code"]


def _report(rows: pd.DataFrame, checks: pd.DataFrame, absent: pd.Series) -> pd.DataFrame:
    """One row per line of data: mapped, aggregate, vanished or unknown; check and reason."""
    report = rows.merge(checks, on="line", how="left", validate="1:1")
    report["status"] = report["role"].map(
        {"data": "mapped", "aggregate": "aggregate", "unknown": "unknown"}
    )
    report["check"] = report["check"].astype(object).fillna("").astype(str)
    absent_years = absent.reset_index().groupby("line")["year"].apply(lambda y: sorted(set(y)))
    for index in report.index[report["line"].isin(absent_years.index)]:
        line = report.at[index, "line"]
        years = ", ".join(map(str, absent_years[line]))
        if len(absent_years[line]) == report.at[index, "n_years"]:
            report.at[index, "status"] = "vanished"
            report.at[index, "reason"] = (
                f"nur '-' für {years}: Gebiet bestand nicht (mehr) oder war unbewohnt; "
                "nicht übernommen"
            )
        else:
            report.at[index, "reason"] = f"nur '-' für {years}: diese Jahre nicht übernommen"
    return report[list(REPORT_COLUMNS)]
