"""One status vocabulary: `etl.symbols` defines it; no other module spells a status out.

The scan looks where a status literal would act as a status: compared with `==`/`!=`, or
passed positionally to the calls that test, fill or count statuses (`isin`, `fillna`,
`np.where`, `np.full`, `pd.Series`, `counts.get`). Column names and CSS classes that happen
to read "primary" or "secondary" are not in such places.
"""

from __future__ import annotations

import ast
from pathlib import Path

from etl import symbols

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("etl", "dashboard", "portal", "websecurity", "benchmarks")
WORDS = frozenset(symbols.STATUSES) | frozenset(symbols.PROTECTION_STATUSES)
STATUS_CALLS = {"isin", "fillna", "where", "full", "Series", "get"}


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and node.value in WORDS:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [w for element in node.elts for w in _literals(element)]
    if isinstance(node, ast.Dict):
        return [w for value in node.values if value is not None for w in _literals(value)]
    return []


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def spelled_out_statuses(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every status literal used as a status in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and all(
            isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops
        ):
            for side in [node.left, *node.comparators]:
                found += [(node.lineno, w) for w in _literals(side)]
        elif isinstance(node, ast.Call) and _call_name(node) in STATUS_CALLS:
            for arg in node.args:
                found += [(node.lineno, w) for w in _literals(arg)]
    return found


def test_statuses_are_spelled_out_only_in_etl_symbols() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line} uses {word!r}; import it from etl.symbols"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "etl" / "symbols.py"
        for line, word in spelled_out_statuses(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


def test_the_scan_finds_planted_statuses() -> None:
    planted = (
        'a = frame["status"] == "published"\n'
        'b = frame["status"].fillna("na")\n'
        'c = np.isin(status, ("primary", "secondary"))\n'
        'd = "primary" in cells.columns\n'
        'e = html.Button("x", className="secondary")\n'
    )
    assert spelled_out_statuses(planted) == [
        (1, "published"),
        (2, "na"),
        (3, "primary"),
        (3, "secondary"),
    ]


def test_protection_statuses_map_onto_published_statuses() -> None:
    assert set(symbols.STORE_STATUS) == set(symbols.PROTECTION_STATUSES)
    assert set(symbols.STORE_STATUS.values()) <= set(symbols.STATUSES)
    assert {symbols.STORE_STATUS[s] for s in symbols.HIDDEN} == {symbols.SUPPRESSED}
    assert set(symbols.SYMBOLS) == set(symbols.STATUSES) - {symbols.PUBLISHED}
