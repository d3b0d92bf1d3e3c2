"""The standard schedules are part of the product; the synthetic populations are not."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from etl.projection import standard
from etl.projection.mortality import life_expectancy

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY = "etl.projection.synthetic"


def _imports_synthetic(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name == TEST_ONLY for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (
            node.module == TEST_ONLY
            or (node.module == "etl.projection" and any(a.name == "synthetic" for a in node.names))
        ):
            return True
    return False


def test_no_product_module_imports_the_synthetic_populations() -> None:
    """Published vintages and the dashboard must not depend on test data."""
    product = [
        path
        for package in ("etl", "dashboard", "portal", "websecurity")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name not in {"synthetic.py", "testing.py"}
    ]
    assert [str(p.relative_to(ROOT)) for p in product if _imports_synthetic(p)] == []


def test_the_scan_sees_both_import_forms(tmp_path: Path) -> None:
    one, two = tmp_path / "one.py", tmp_path / "two.py"
    one.write_text("from etl.projection import standard, synthetic\n")
    two.write_text("import etl.projection.synthetic\n")
    assert _imports_synthetic(one)
    assert _imports_synthetic(two)
    assert not _imports_synthetic(Path(standard.__file__))


def test_standard_mortality_has_the_documented_life_expectancy() -> None:
    mx = standard.reference_death_rates()
    assert mx.shape == (2, standard.AGES)
    np.testing.assert_allclose(life_expectancy(mx), [82.8, 77.1], atol=0.05)
    assert np.all(np.diff(mx[:, 1:], axis=1) > 0)  # rising after infancy


def test_standard_fertility_sums_to_the_tfr_within_ages_15_to_49() -> None:
    schedule = standard.fertility_schedule(1.55)
    assert abs(schedule.sum() - 1.55) < 1e-12
    assert schedule[:15].sum() == 0 and schedule[50:].sum() == 0
    assert int(np.argmax(schedule)) == 31


def test_standard_migration_peaks_at_young_adults() -> None:
    rates = standard.migration_schedule()
    assert rates.shape == (2, standard.AGES)
    assert int(np.argmax(rates[0])) == 23
    assert rates[0, 45] < 0  # some leave in mid-life
