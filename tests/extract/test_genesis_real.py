"""read_genesis on the real Regionalstatistik exports of the Werra-Meißner-Kreis."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.extract.genesis import read_genesis
from etl.transform.ages import AGE_GROUPS_17

pytestmark = pytest.mark.real_samples
MUNICIPALITIES = 17  # 16 Gemeinden and the gemeindefreie Gutsbezirk Kaufunger Wald


def sample(real_samples: Path, table_code: str) -> Path:
    (path,) = real_samples.glob(f"genesis_{table_code}_*.csv")
    return path


def test_population_by_age_groups(real_samples: Path) -> None:
    table = read_genesis(sample(real_samples, "12411-02-03-5-B"))
    data = table.data
    eschwege = data[(data["ags"] == "06636003") & (data["year"] == 2015)]
    total = eschwege[(eschwege["sex"] == "total") & eschwege["age_to"].isna()]
    assert total.set_index("age_from")["value"].to_dict() == {0: 19542, 75: 2710}
    under3 = eschwege[(eschwege["sex"] == "total") & (eschwege["age_to"] == 3)]
    assert under3["value"].tolist() == [450]
    groups = data[~((data["age_from"] == 0) & data["age_to"].isna())]
    found = {
        (int(a), None if pd.isna(b) else int(b))
        for a, b in zip(groups["age_from"], groups["age_to"], strict=True)
    }
    assert found == set(AGE_GROUPS_17)
    sums = groups.groupby(["ags", "sex"])["value"].sum()
    totals = data[(data["age_from"] == 0) & data["age_to"].isna()].set_index(["ags", "sex"])
    assert (sums == totals["value"].reindex(sums.index)).all()
    assert len(sums) == 16 * 3
    assert table.unmapped["code"].tolist() == ["06636200"]  # '-' throughout in 2015
    assert table.aggregates.empty
    assert "Datenlizenz Deutschland" in table.attribution


@pytest.mark.parametrize(
    ("table_code", "measure", "eschwege_2008"),
    [
        ("12411-01-01-5-B", "population", 20153),
        ("12612-01-01-5-B", "births", 153),
        ("12613-01-01-5-B", "deaths", None),
    ],
)
def test_series_2008_2015(
    real_samples: Path, table_code: str, measure: str, eschwege_2008: int | None
) -> None:
    table = read_genesis(sample(real_samples, table_code))
    data = table.data
    assert set(data["measure"]) == {measure}
    assert sorted(data["year"].unique().tolist()) == list(range(2008, 2016))
    assert data["ags"].nunique() == MUNICIPALITIES
    assert (data["symbol"] == "").all()
    by_sex = data.pivot_table(index=["ags", "year"], columns="sex", values="value", aggfunc="sum")
    assert (by_sex["male"] + by_sex["female"] == by_sex["total"]).all()
    if eschwege_2008 is not None:
        assert by_sex.loc[("06636003", 2008), "total"] == eschwege_2008
    assert ("06636200", 2015) not in by_sex.index  # Kaufunger Wald: '-' in 2015, reported
    assert table.unmapped["code"].tolist() == ["06636200"]
