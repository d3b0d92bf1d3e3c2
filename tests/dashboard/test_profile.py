"""AreaProfile: the record the Gebiet page reads."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.profile import AreaProfile


def test_an_area_profile_starts_with_its_own_key() -> None:
    frame = pd.DataFrame({"area_key": ["03901001", "03901"], "value": [10, 100]})
    empty = pd.DataFrame()
    profile = AreaProfile(
        "03901001",
        "Altdorf",
        "gemeinde",
        ("03901001", "03901"),
        ("Altdorf", "Kreis"),
        frame,
        empty,
        empty,
        empty,
    )
    assert profile.parent == ("03901", "Kreis")
    assert profile.population_of("03901")["value"].tolist() == [100]
    with pytest.raises(ValueError, match="must start with"):
        AreaProfile("03901", "Kreis", "kreis", ("03901001",), ("A",), frame, empty, empty, empty)
    with pytest.raises(ValueError, match="one name per key"):
        AreaProfile("03901", "Kreis", "kreis", ("03901",), (), frame, empty, empty, empty)
