"""Run pytauargus (τ-Argus's engine, MOD = modular/hypercube suppression) on a bench table.

pytauargus is an optional bench-only dependency (`uv sync --extra bench`); `available()`
says whether it can be imported. τ-Argus cannot express a grouping that overlaps the area
hierarchy (the benchmark's region R01), so it gets the table without the region: Land >
Kreis > Gemeinde x sex x age group, fed as one microdata row per person with the
frequency rule FREQ(3, 30) (cells of 1 or 2 persons are unsafe, 30 % safety range).
τ-Argus adds a grand total over all Länder that the benchmark table lacks; its status is
reported separately and the rest is mapped back onto the benchmark's cells.
"""

from __future__ import annotations

import contextlib
import importlib.util
import tempfile

import numpy as np
import pandas as pd

from etl.symbols import HIDDEN, PRIMARY, PUBLISHED, SECONDARY, ZERO

TAU_PRIMARY = "U"  # unsafe by the safety rule
TAU_SECONDARY = "M"  # secondary suppression


def available() -> bool:
    """Whether pytauargus can be imported."""
    return importlib.util.find_spec("pytauargus") is not None


def _microdata(cells: pd.DataFrame) -> dict[str, list]:
    """One row per person of every Gemeinde x sex x age leaf cell."""
    keys = cells["cell"].str.split("|", expand=True).set_axis(["area", "sex", "age"], axis=1)
    leaf = (keys["area"].str.len() == 8) & (keys["sex"] != "T") & (keys["age"] != "T")
    leaves = keys[leaf].assign(value=cells.loc[leaf, "value"].to_numpy())
    repeat = leaves["value"].to_numpy().astype(np.int64)
    area = np.repeat(leaves["area"].to_numpy(), repeat)
    return {
        "gemeinde": area.tolist(),
        "kreis": [code[:5] for code in area],
        "land": [code[:2] for code in area],
        "sex": np.repeat(leaves["sex"].to_numpy(), repeat).tolist(),
        "age": np.repeat(leaves["age"].str.replace("+", "p").to_numpy(), repeat).tolist(),
        "n": [1] * len(area),
    }


def _statuses(rows: list[dict]) -> tuple[dict[str, str], list[str]]:
    """τ-Argus status per benchmark cell id, and the statuses of its extra grand totals."""
    mapped, grand = {}, []
    for row in rows:
        # τ-Argus pads codes to the variable's width
        area, sex, age = (str(row[name]).strip() for name in ("gemeinde", "sex", "age"))
        sex = "T" if sex == "Total" else sex
        age = "T" if age == "Total" else age.replace("p", "+")
        if area == "Total":
            grand.append(row["status"])
        else:
            mapped[f"{area}|{sex}|{age}"] = row["status"]
    return mapped, grand


def tauargus_mod(cells: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """τ-Argus MOD on the region-free benchmark table, as a `protect`-style result.

    Returns the result (`cell, value, status` with our status names) and counts of the
    grand-total cells τ-Argus added (`extra_cells`, `extra_suppressed`).
    """
    from pytauargus import protect as tau_protect  # optional bench dependency

    # the engine writes its log and scratch files into the working directory
    with (
        tempfile.TemporaryDirectory(prefix="tauargus-bench-") as workdir,
        contextlib.chdir(workdir),
    ):
        outcome = tau_protect(
            _microdata(cells),
            [["gemeinde", "sex", "age"]],
            response="n",
            safety_rules="FREQ(3,30)",
            suppress="MOD(1)",
            hrc={"gemeinde": "gemeinde > kreis > land"},
            workdir=workdir,
        )
        rows = outcome.tables[0].rows
    tau_status, grand = _statuses(rows)
    values = cells["value"].to_numpy()
    status = cells["cell"].map(tau_status).fillna("S").to_numpy()
    ours = np.where(
        status == TAU_PRIMARY,
        PRIMARY,
        np.where(status == TAU_SECONDARY, SECONDARY, PUBLISHED),
    )
    ours = np.where(values == 0, ZERO, ours)
    hidden = np.isin(ours, HIDDEN)
    value = pd.array(np.where(hidden, 0, values), dtype="Int64")
    value[hidden] = pd.NA
    result = pd.DataFrame({"cell": cells["cell"].to_numpy(), "value": value, "status": ours})
    extra = {
        "extra_cells": len(grand),
        "extra_suppressed": sum(code in (TAU_PRIMARY, TAU_SECONDARY) for code in grand),
    }
    return result, extra
