"""The Zensus 2011 break in official population series, and trends that respect it.

Official population counts of 31.12.2011 onward are continued from the Zensus 2011 (reference
day 9 May 2011); earlier years from the 1987 (West) and 1990 (East) censuses. The two parts of a
series are not comparable: the census corrected the counts of many municipalities by several
per cent at once. A trend (a growth rate, a projection's migration level) is therefore computed
from one side of the break only. Register data are not continued from a census: no break.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

CENSUS_2011_DAY: Final = dt.date(2011, 5, 9)
FIRST_YEAR_ON_2011: Final = 2011  # the stock of 31.12.2011 is the first continued from it


def census_basis(year: int) -> str:
    """The census an official stock of 31.12. of `year` rests on ("1987" or "2011")."""
    return "2011" if year >= FIRST_YEAR_ON_2011 else "1987"


def crosses_break(years: pd.Series | list[int]) -> bool:
    """True when a series has years on both sides of the Zensus 2011 break."""
    values = pd.Series(years, dtype="int64")
    return bool((values < FIRST_YEAR_ON_2011).any() and (values >= FIRST_YEAR_ON_2011).any())


def trend_years(years: list[int], last_year: int, *, official: bool = True) -> list[int]:
    """The years a trend up to `last_year` may use: only those on last_year's side of the break.

    For register series (official=False) every year is usable.
    """
    usable = [y for y in years if y <= last_year]
    if not official:
        return usable
    side = last_year >= FIRST_YEAR_ON_2011
    return [y for y in usable if (y >= FIRST_YEAR_ON_2011) == side]


def series_break(frame: pd.DataFrame) -> pd.Series:
    """Per row of a series (columns year, source): True for the first year after the break.

    Marks the official row of 2011 (when the series also has earlier official years): the
    change from 2010 to 2011 mixes the census correction with real change.
    """
    official = frame["source"] == "official" if "source" in frame else True
    has_before = bool((frame.loc[official, "year"] < FIRST_YEAR_ON_2011).any())
    return (frame["year"] == FIRST_YEAR_ON_2011) & official & has_before
