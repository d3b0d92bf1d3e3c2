"""`python -m etl forecast` on tiny GENESIS exports and on the real official tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.cli import main
from etl.commands.forecast import CENSUS_TO_YEAR_END, age_structure
from etl.projection.forecast_output import OUTPUT_COLUMNS

YEARS = range(2013, 2007, -1)
LICENCE = '__________\n"© Statistische Ämter des Bundes und der Länder, Deutschland, 2017."\n'
AREAS = {"03151009": ("Gifhorn", 40_000, 0.002), "03151010": ("Kleinort", 800, -0.01)}


def _export(code: str, title: str, date_prefix: str, value) -> str:
    header = [f"GENESIS-Tabelle: {code}", f"{title};;", "regionale Ebenen;;"]
    dates = ";".join(f"{date_prefix}{y};{date_prefix}{y};{date_prefix}{y}" for y in YEARS)
    header += [f";;{dates}", ";;" + ";".join("Insgesamt;männlich;weiblich" for _ in YEARS)]
    lines = []
    for key, (name, size, growth) in AREAS.items():
        cells = []
        for y in YEARS:
            total = value(size * (1 + growth) ** (y - 2008))
            cells += [str(total), str(total - total // 2), str(total // 2)]
        lines.append(f"{key};{name};" + ";".join(cells))
    return "\n".join([*header, *lines]) + "\n" + LICENCE


def write_exports(directory: Path) -> Path:
    directory.mkdir()
    files = {
        "12411-01-01-5-B": ("Bevölkerungsstand", "31.12.", round),
        "12612-01-01-5-B": ("Lebendgeborene", "", lambda p: round(p * 0.008)),
        "12613-01-01-5-B": ("Gestorbene", "", lambda p: round(p * 0.012)),
    }
    for code, (title, prefix, value) in files.items():
        text = _export(code, title, prefix, value)
        (directory / f"genesis_{code}.csv").write_text(text, encoding="utf-8")
    (directory / "genesis_11111-01-01-5-B_area.csv").write_text(
        "GENESIS-Tabelle: 11111-01-01-5-B\n", encoding="utf-8"
    )
    return directory


def test_forecast_command_writes_every_gemeinde_year_and_sex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = write_exports(tmp_path / "genesis")
    out = tmp_path / "forecast.csv"
    args = ["--genesis-dir", str(directory), "--base-year", "2012", "--horizon", "3"]
    code = main(["forecast", *args, "--out", str(out)])
    assert code == 0
    assert "nicht verwendet: genesis_11111" in capsys.readouterr().out
    table = pd.read_csv(out, dtype={"ags": str})
    assert tuple(table.columns) == OUTPUT_COLUMNS
    assert len(table) == 2 * 3 * 3
    assert set(table["year"]) == {2013, 2014, 2015}
    assert table["age_from"].isna().all()
    assert (table["lower"] <= table["population"]).all()
    assert (table["population"] <= table["upper"]).all()
    # Only data up to 2012: changing 2013 does not change the forecast.
    gifhorn = table[(table["ags"] == "03151009") & (table["sex"] == "total")]
    assert gifhorn["population"].iloc[0] == pytest.approx(40_000 * 1.002**4, rel=0.01)


def test_forecast_command_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_exports(tmp_path / "genesis")
    args = ["forecast", "--genesis-dir", str(directory), "--out", str(tmp_path / "o.csv")]
    assert main([*args, "--base-year", "2020", "--horizon", "3"]) != 0
    assert "keine Bevölkerung zum 31.12.2020" in capsys.readouterr().err
    assert main([*args, "--base-year", "2012", "--horizon", "0"]) != 0
    assert "--horizon muss zwischen 1 und 30 liegen" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = ["forecast", "--genesis-dir", str(empty), "--out", str(tmp_path / "o.csv")]
    assert main([*missing, "--base-year", "2012", "--horizon", "2"]) != 0
    assert "keine lesbare GENESIS-Tabelle gefunden" in capsys.readouterr().err


@pytest.mark.real_samples
def test_forecast_on_the_real_tables(real_samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "ni.csv"
    directory = real_samples / "niedersachsen-bremen"
    args = ["forecast", "--genesis-dir", str(directory), "--base-year", "2013"]
    assert main([*args, "--horizon", "20", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"ags": str})
    assert table["ags"].str.fullmatch(r"\d{8}").all()
    totals = table[(table["sex"] == "total") & table["age_from"].isna()]
    assert set(totals["year"]) == set(range(2014, 2034))
    # Age groups from the Zensus 2011, aged to 2013 and on, add up to the total.
    groups = table[(table["sex"] == "total") & table["age_from"].notna()]
    assert sorted(groups["age_from"].unique()) == [0, 3, 6, 15, 18, 25, 30, 40, 50, 65, 75]
    summed = groups.groupby(["ags", "year"])["population"].sum()
    exact = totals.set_index(["ags", "year"])["population"].reindex(summed.index)
    assert (summed - exact).abs().max() <= 11
    base = totals.groupby("ags")["population"].first()
    last = totals[totals["year"] == 2033].set_index("ags")["population"]
    # Nothing absurd in 20 years: every inhabited Gemeinde between half and twice its size.
    inhabited = base[base > 0].index
    assert ((last[inhabited] / base[inhabited]).between(0.5, 2.0)).all()
    assert (last[base == 0] == 0).all()


def test_age_structure_prefers_the_base_year_then_the_census() -> None:
    columns = ["area_key", "year", "measure", "sex", "age_from", "age_to", "value"]
    census = [("03151009", 2011, "census_persons", "total", 0, 3, 10)]
    own = [("03151009", 2015, "population", "total", 0, 3, 12)]
    frame = pd.DataFrame(census + own, columns=columns).astype({"age_to": "Int64"})
    rows, years_before = age_structure(frame, 2015)
    assert rows["year"].tolist() == [2015] and years_before == 0.0
    rows, years_before = age_structure(frame, 2013)
    assert rows["measure"].tolist() == ["census_persons"]
    assert years_before == pytest.approx(2 + CENSUS_TO_YEAR_END)
    assert age_structure(frame, 2010)[0].empty


def test_crosswalk_puts_merged_history_on_the_new_key(tmp_path: Path) -> None:
    directory = write_exports(tmp_path / "genesis")
    # Kleinort joins Gifhorn on 1.1.2013: its rows for 2013 are '-' in every table.
    for path in directory.glob("genesis_126*.csv"):
        lines = path.read_text(encoding="utf-8").split("\n")
        lines = [_dash_2013(line) if line.startswith("03151010") else line for line in lines]
        path.write_text("\n".join(lines), encoding="utf-8")
    population = directory / "genesis_12411-01-01-5-B.csv"
    lines = population.read_text(encoding="utf-8").split("\n")
    lines = [_dash_2013(line) if line.startswith("03151010") else line for line in lines]
    population.write_text("\n".join(lines), encoding="utf-8")
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text(
        "old_key,new_key,weight,valid_from\n03151010,03151009,1,2013-01-01\n", encoding="utf-8"
    )
    args = ["forecast", "--genesis-dir", str(directory), "--base-year", "2013", "--horizon", "2"]
    plain, merged = tmp_path / "plain.csv", tmp_path / "merged.csv"
    assert main([*args, "--out", str(plain)]) == 0
    assert main([*args, "--out", str(merged), "--crosswalk", str(crosswalk)]) == 0
    without = pd.read_csv(plain, dtype={"ags": str})
    with_history = pd.read_csv(merged, dtype={"ags": str})
    assert set(without["ags"]) == set(with_history["ags"]) == {"03151009"}
    # Kleinort's shrinking history now counts in Gifhorn's trend.
    assert with_history["population"].iloc[0] != without["population"].iloc[0]


def _dash_2013(line: str) -> str:
    """Replace the first year block (2013: total, male, female) of a data row by '-'."""
    cells = line.split(";")
    return ";".join([*cells[:2], "-", "-", "-", *cells[5:]])
