"""Seeded simulation of a person population: households, ageing, deaths, births and moves.

The state is one frame of persons (the union of all municipal registers). Each simulated year
draws deaths (Gompertz mortality), births (age-specific fertility, the child joins the mother's
household), moves out (young adults and whole households; part of them to another municipality
of the region) and moves in (singles, couples, families; students into the student city), with
dates inside the year. A person has at most one of death/move out in a year, and persons born
or arrived in a year do not leave in the same year, so for every municipality
P(31.12.Y) = P(31.12.Y-1) + births - deaths + moves in - moves out holds exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
import shapely

from data.samples.geography import CITY, Municipality

FOREIGN_CODES: Final = ("TR", "PL", "SY", "RO", "UA", "IT", "BG", "RU", "GR", "AF")
FOREIGN_WEIGHTS: Final = np.array([18, 14, 12, 9, 9, 6, 6, 5, 4, 4], dtype=float)
FOREIGN_CUMULATIVE: Final = np.cumsum(FOREIGN_WEIGHTS)
FOREIGN_SHARE: Final = {
    "city": 0.17,
    "student": 0.14,
    "town": 0.09,
    "gemeinde": 0.06,
    "village": 0.03,
}
TARGET: Final = {
    "city": 36_000,
    "student": 14_000,
    "town": 5_200,
    "gemeinde": 1_500,
    "village": 210,
}
ADDRESS_SIZE: Final = {"city": 12.0, "student": 14.0, "town": 3.5, "gemeinde": 2.5, "village": 1.1}
SPREAD: Final = {"city": 1_100, "student": 900, "town": 700, "gemeinde": 450, "village": 250}
# Moves in per move out (to and from outside the region): villages shrink and age.
IN_FACTOR: Final = {"city": 1.06, "student": 1.0, "town": 1.0, "gemeinde": 0.95, "village": 0.8}
COLUMNS: Final = (
    "person_id",
    "birth",
    "sex",
    "nationality",
    "residence",
    "ags",
    "ortsteil",
    "x",
    "y",
    "household_id",
)


@dataclass
class World:
    """The simulated population and everything needed to draw new persons and addresses."""

    rng: np.random.Generator
    places: dict[str, Municipality]
    addresses: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # ags -> x, y, ortsteil
    persons: pd.DataFrame = field(default_factory=pd.DataFrame)
    counter: int = 0

    def new_ids(self, prefix: str, count: int) -> list[str]:
        start, self.counter = self.counter, self.counter + count
        return [
            prefix + hashlib.sha256(f"{prefix}{i}".encode()).hexdigest()[:14]
            for i in range(start, start + count)
        ]


def address_pool(rng: np.random.Generator, place: Municipality, area, ortsteile, size: int):
    """Seeded address points of a municipality (inside its land area), with their Ortsteil."""
    centres = [(place.x, place.y)]
    if place.ags == CITY:
        centres = [(g.centroid.x, g.centroid.y) for g in ortsteile.geometry]
    count = max(4, size)
    xs, ys = [], []
    while sum(len(x) for x in xs) < count:
        which = rng.integers(len(centres), size=count)
        x = np.array([centres[i][0] for i in which]) + rng.normal(0, SPREAD[place.kind], count)
        y = np.array([centres[i][1] for i in which]) + rng.normal(0, SPREAD[place.kind], count)
        inside = shapely.contains_xy(area, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    x, y = np.round(np.concatenate(xs)[:count], 1), np.round(np.concatenate(ys)[:count], 1)
    codes = np.full(count, "", dtype=object)
    if place.ags == CITY:
        for key, geometry in zip(ortsteile["key"], ortsteile.geometry, strict=True):
            codes[shapely.contains_xy(geometry, x, y)] = key[-3:]
    return x, y, codes


def _adult_age(rng: np.random.Generator, kind: str, template: str) -> float:
    if template == "student":
        return 19 + 8 * rng.beta(1.5, 2.5)
    if template == "elderly":
        return 65 + 28 * rng.beta(1.4, 2.2)
    if kind == "village" and template in ("single", "couple"):
        return 40 + 50 * rng.beta(2.2, 1.6)
    if template == "parent":
        return 27 + 23 * rng.beta(2.2, 2.0)
    if template == "mover":
        return 19 + 20 * rng.beta(1.3, 2.5)
    return 20 + 70 * rng.beta(1.3, 1.7)


TEMPLATES: Final = {
    "city": {
        "single": 0.40,
        "couple": 0.24,
        "family": 0.22,
        "single_parent": 0.06,
        "elderly": 0.08,
    },
    "student": {
        "student_flat": 0.35,
        "student": 0.30,
        "single": 0.1,
        "couple": 0.1,
        "family": 0.15,
    },
    "town": {
        "single": 0.30,
        "couple": 0.28,
        "family": 0.28,
        "single_parent": 0.05,
        "elderly": 0.09,
    },
    "gemeinde": {
        "single": 0.25,
        "couple": 0.30,
        "family": 0.32,
        "single_parent": 0.04,
        "elderly": 0.09,
    },
    "village": {"single": 0.30, "couple": 0.38, "family": 0.16, "elderly": 0.16},
    "mover": {"mover": 0.6, "couple": 0.2, "family": 0.2},
    "student_mover": {"student_flat": 0.5, "student": 0.4, "family": 0.1},
}


def household_members(rng: np.random.Generator, kind: str, templates: str) -> list[tuple]:
    """(age in years, sex) of the members of one new household."""
    names = list(TEMPLATES[templates])
    cumulative = np.cumsum(list(TEMPLATES[templates].values()))
    template = names[
        min(len(names) - 1, int(np.searchsorted(cumulative, rng.random() * cumulative[-1])))
    ]
    if template in ("single", "student", "mover"):
        age = _adult_age(rng, kind, template)
        woman = rng.random() < (0.62 if age > 70 else 0.5)
        return [(age, "w" if woman else "m")]
    if template in ("couple", "elderly"):
        age = _adult_age(rng, kind, template)
        return [(age, "w"), (max(18.0, age + rng.normal(2.5, 3)), "m")]
    if template == "student_flat":
        return [
            (_adult_age(rng, kind, "student"), "w" if rng.random() < 0.5 else "m")
            for _ in range(int(rng.integers(2, 5)))
        ]
    parent = _adult_age(rng, kind, "parent")
    members = [(parent, "w")] if template == "single_parent" else [(parent, "w"), (parent + 2, "m")]
    children = 1 + int(np.searchsorted([0.45, 0.83, 0.96], rng.random()))
    for _ in range(children):
        members.append(
            (rng.uniform(0, min(17.9, parent - 20)), "m" if rng.random() < 0.513 else "w")
        )
    return members


def new_households(
    world: World, ags: str, persons: int, templates: str, at: dt.date
) -> pd.DataFrame:
    """About `persons` new persons in households of municipality `ags`, aged at date `at`."""
    rng, place = world.rng, world.places[ags]
    rows = []
    while len(rows) < persons:
        members = household_members(rng, place.kind, templates)
        foreign = rng.random() < FOREIGN_SHARE[place.kind] * (
            1.6 if templates != place.kind else 1.0
        )
        nationality = "DE"
        if foreign:
            pick = np.searchsorted(FOREIGN_CUMULATIVE, rng.random() * FOREIGN_CUMULATIVE[-1])
            nationality = FOREIGN_CODES[min(int(pick), len(FOREIGN_CODES) - 1)]
        x, y, codes = world.addresses[ags]
        address = int(rng.integers(len(x)))
        household = world.new_ids("H", 1)[0]
        for age, sex in members:
            rows.append((age, sex, nationality, x[address], y[address], codes[address], household))
    frame = pd.DataFrame(
        rows, columns=["age", "sex", "nationality", "x", "y", "ortsteil", "household_id"]
    )
    return _finish_new(world, frame, ags, at)


def _finish_new(world: World, frame: pd.DataFrame, ags: str, at: dt.date) -> pd.DataFrame:
    rng, kind = world.rng, world.places[ags].kind
    days = (frame["age"].to_numpy() * 365.25).astype(int)
    frame["birth"] = np.datetime64(at, "D") - days.astype("timedelta64[D]")
    rare = rng.random(len(frame))
    frame.loc[rare < 0.0006, "sex"] = "d"
    frame.loc[(rare >= 0.0006) & (rare < 0.0012), "sex"] = "x"
    young = (frame["age"] >= 19) & (frame["age"] < 28)
    secondary = rng.random(len(frame)) < np.where(young & (kind == "student"), 0.12, 0.015)
    frame["residence"] = np.where(secondary & (frame["age"] >= 18), "N", "H")
    frame["person_id"] = world.new_ids("P", len(frame))
    frame["ags"] = ags
    return frame[list(COLUMNS)]


def initial_population(world: World, scale: float, at: dt.date) -> None:
    """Households of every municipality at the start date."""
    frames = []
    for ags, place in world.places.items():
        target = TARGET[place.kind] * (scale if place.kind != "village" else 1.0)
        size = place.kind if place.kind != "village" else "village"
        target *= world.rng.uniform(0.75, 1.3) if place.kind not in ("city", "student") else 1
        frames.append(new_households(world, ags, max(20, int(target)), size, at))
    world.persons = pd.concat(frames, ignore_index=True)


def _ages(persons: pd.DataFrame, at: np.datetime64) -> np.ndarray:
    return (at - persons["birth"].to_numpy()).astype("timedelta64[D]").astype(int) / 365.25


def _dates(rng: np.random.Generator, year: int, count: int) -> np.ndarray:
    start = np.datetime64(f"{year}-01-01", "D")
    days = 366 if year % 4 == 0 else 365
    return start + rng.integers(0, days, count).astype("timedelta64[D]")


def _leave_rates(persons: pd.DataFrame, ages: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Probability of moving out during the year, by age and kind of municipality."""
    rate = np.full(len(persons), 0.025)
    young = (ages >= 18) & (ages < 30)
    rate[young] = np.where(np.isin(kinds[young], ["village", "gemeinde"]), 0.16, 0.10)
    student = kinds == "student"
    rate[student & (ages >= 23) & (ages < 31)] = 0.30
    rate[student & (ages >= 19) & (ages < 23)] = 0.08
    rate[ages < 18] = 0.0  # children move with their household (see household moves)
    return rate


def _event_rows(frame: pd.DataFrame, event: str, dates: np.ndarray) -> pd.DataFrame:
    rows = frame[["person_id", "sex", "birth", "ags", "ortsteil"]].copy()
    rows["event"], rows["event_date"] = event, dates
    rows["mother_birth"] = pd.NaT
    return rows


def simulate_year(world: World, year: int) -> pd.DataFrame:
    """Advance the population by one calendar year; returns the year's events."""
    rng, persons = world.rng, world.persons
    mid = np.datetime64(f"{year}-07-01", "D")
    ages = _ages(persons, mid)
    kinds = persons["ags"].map({k: p.kind for k, p in world.places.items()}).to_numpy()
    mortality = np.minimum(0.6, 0.00004 * np.exp(0.088 * ages)) + np.where(ages < 1, 0.003, 0)
    dies = rng.random(len(persons)) < mortality
    household_moves = set(persons["household_id"][rng.random(len(persons)) < 0.012])
    leaves = ~dies & (
        (rng.random(len(persons)) < _leave_rates(persons, ages, kinds))
        | persons["household_id"].isin(household_moves).to_numpy()
    )
    fertile = (persons["sex"] == "w").to_numpy() & (ages >= 15) & (ages < 50) & ~dies & ~leaves
    fertility = 1.55 * np.exp(-0.5 * ((ages - 31) / 5.5) ** 2) / (5.5 * np.sqrt(2 * np.pi))
    births = fertile & (rng.random(len(persons)) < fertility)
    events = [_event_rows(persons[dies], "death", _dates(rng, year, int(dies.sum())))]
    children = _children(world, persons[births], year)
    birth_events = _event_rows(children, "birth", children.pop("event_date").to_numpy())
    birth_events["mother_birth"] = children.pop("mother_birth").to_numpy()
    events.append(birth_events)
    movers = persons[leaves].copy()
    move_dates = _dates(rng, year, len(movers))
    events.append(_event_rows(movers, "move_out", move_dates))
    internal = rng.random(len(movers)) < 0.3
    arrived = _relocate(world, movers[internal], year)
    events.append(_event_rows(arrived, "move_in", move_dates[internal]))
    incoming = _immigrants(
        world,
        persons,
        leaves & ~np.isin(np.arange(len(persons)), np.flatnonzero(leaves)[internal]),
        year,
    )
    # Newcomers born during the year cannot arrive before their birth.
    arrival = np.maximum(_dates(rng, year, len(incoming)), incoming["birth"].to_numpy())
    events.append(_event_rows(incoming, "move_in", arrival))
    world.persons = pd.concat(
        [persons[~dies & ~leaves], children, arrived, incoming], ignore_index=True
    )
    return pd.concat(events, ignore_index=True)


def _children(world: World, mothers: pd.DataFrame, year: int) -> pd.DataFrame:
    rng = world.rng
    children = mothers.copy()
    dates = _dates(rng, year, len(mothers))
    children["mother_birth"] = mothers["birth"].to_numpy()
    children["birth"] = dates
    children["event_date"] = dates
    children["sex"] = np.where(rng.random(len(mothers)) < 0.513, "m", "w")
    children["residence"] = "H"
    children["person_id"] = world.new_ids("P", len(children))
    return children[[*COLUMNS, "mother_birth", "event_date"]].reset_index(drop=True)


def _relocate(world: World, movers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Movers within the region: another municipality, weighted by population."""
    rng = world.rng
    sizes = world.persons["ags"].value_counts()
    keys = sizes.index.to_numpy()
    moved = movers.copy()
    targets = []
    for origin in moved["ags"]:
        weights = np.where(keys == origin, 0, sizes.to_numpy()).astype(float)
        targets.append(keys[rng.choice(len(keys), p=weights / weights.sum())])
    moved["ags"] = targets
    x, y, codes = (moved[c].to_numpy(copy=True) for c in ("x", "y", "ortsteil"))
    for ags in sorted(set(targets)):
        rows = np.flatnonzero(moved["ags"].to_numpy() == ags)
        pool_x, pool_y, pool_codes = world.addresses[ags]
        picked = rng.integers(len(pool_x), size=len(rows))
        x[rows], y[rows], codes[rows] = pool_x[picked], pool_y[picked], pool_codes[picked]
    moved["x"], moved["y"], moved["ortsteil"] = x, y, codes
    moved["household_id"] = [h + f"-{year}" for h in moved["household_id"]]
    return moved.reset_index(drop=True)


def _immigrants(world: World, persons: pd.DataFrame, left: np.ndarray, year: int):
    """Arrivals from outside the region, per municipality about IN_FACTOR x departures."""
    frames = []
    departures = persons.loc[left, "ags"].value_counts()
    for ags, place in world.places.items():
        count = departures.get(ags, 0) * IN_FACTOR[place.kind]
        count += world.rng.normal(0, 0.02 * count + 1)
        templates = "student_mover" if place.kind == "student" else "mover"
        if count >= 1:
            frames.append(new_households(world, ags, int(count), templates, dt.date(year, 7, 1)))
    return pd.concat(frames, ignore_index=True)
