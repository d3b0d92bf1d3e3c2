"""The source fields of the API's data endpoints and their `source=official|register` filter."""

from __future__ import annotations

from typing import Final

import pandas as pd

from etl.transform.census import census_basis, series_break

SOURCES: Final = ("official", "register")
# source: register | official; table: official table code(s); census_basis: for official
# stocks the census they continue (1987 or 2011); series_break: first year after the Zensus
# 2011 break in an official series (its change to the year before is not comparable).
SOURCE_COLUMNS: Final = ("source", "table", "reference_date", "census_basis", "series_break")


class SourceParameterError(ValueError):
    """`source` is neither official nor register."""


def only_source(frame: pd.DataFrame, wanted: str | None) -> pd.DataFrame:
    """Rows of one source when `wanted` is official or register; all rows when empty."""
    if wanted not in (None, "", *SOURCES):
        raise SourceParameterError(
            f"Parameter source={wanted!r} unbekannt; möglich: official oder register."
        )
    if "source" not in frame:
        frame = frame.assign(source="register")
    return frame[frame["source"] == wanted] if wanted else frame


def with_source_columns(cells: pd.DataFrame, wanted: str | None) -> pd.DataFrame:
    """Cells with the source fields, filtered to one source when `wanted` is given."""
    cells = only_source(cells, wanted)
    official = cells["source"] == "official"
    sources = cells["sources"] if "sources" in cells else pd.Series("", index=cells.index)
    dates = cells["reference_date"] if "reference_date" in cells else pd.Series(None)
    return cells.assign(
        table=sources.where(official, None),
        reference_date=dates.reindex(cells.index).map(
            lambda d: None if pd.isna(d) else str(d)[:10]
        ),
        census_basis=[
            census_basis(int(y)) if o else None
            for y, o in zip(cells["year"], official, strict=True)
        ],
        series_break=series_break(cells) if not cells.empty else pd.Series(dtype=bool),
    )
