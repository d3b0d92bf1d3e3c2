"""The README's layering, checked over the imports and string literals of every module.

- `etl` makes data and imports no web package and neither app;
- SQL (duckdb, sqlite3, psycopg, SQLAlchemy statements, SQL text) lives only in `etl/store`;
- the public dashboard reads the published zone only: it imports no restricted-zone module;
- the dashboard and the portal share `websecurity` and never import each other;
- both translate through `i18n`, which imports neither app, `websecurity` nor `etl`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_PACKAGES = {
    "dash",
    "flask",
    "flask_login",
    "plotly",
    "werkzeug",
    "dashboard",
    "portal",
    "websecurity",
    "i18n",
}
SQL_PACKAGES = {"duckdb", "sqlite3", "psycopg", "psycopg2"}
# Type names may travel through the layers; statements and sessions may not.
SQLALCHEMY_TYPES = {"Engine", "Connection"}
SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE|DROP|ALTER)\b")
RESTRICTED_MODULES = {"etl.store.restricted", "etl.store.review", "etl.store.accounts"}


@dataclass(frozen=True)
class Import:
    module: str
    names: tuple[str, ...]
    line: int


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imports_of(path: Path) -> list[Import]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = tuple(alias.name for alias in node.names)
            found.append(Import(node.module, names, node.lineno))
    return found


def sql_literals(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and SQL_TEXT.match(node.value)
    ]


def top(module: str) -> str:
    return module.split(".")[0]


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_etl_imports_no_web_package() -> None:
    offending = [
        f"{where(path, imp.line)} imports {imp.module}"
        for path in modules("etl")
        for imp in imports_of(path)
        if top(imp.module) in WEB_PACKAGES
    ]
    assert offending == []


@pytest.mark.parametrize("package", ["etl", "dashboard", "portal", "websecurity"])
def test_sql_only_in_etl_store(package: str) -> None:
    offending = []
    for path in modules(package):
        if path.is_relative_to(ROOT / "etl" / "store"):
            continue
        for imp in imports_of(path):
            if top(imp.module) in SQL_PACKAGES:
                offending.append(f"{where(path, imp.line)} imports {imp.module}")
            elif top(imp.module) == "sqlalchemy" and not set(imp.names) <= SQLALCHEMY_TYPES:
                offending.append(f"{where(path, imp.line)} imports {imp.names} from sqlalchemy")
        offending += [f"{where(path, line)} holds SQL text" for line in sql_literals(path)]
    assert offending == []


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("dashboard", "portal"),
        ("portal", "dashboard"),
        ("websecurity", "dashboard"),
        ("websecurity", "portal"),
        ("i18n", "dashboard"),
        ("i18n", "portal"),
        ("i18n", "websecurity"),
        ("i18n", "etl"),
    ],
)
def test_the_apps_do_not_import_each_other(package: str, forbidden: str) -> None:
    """Both apps share `websecurity` and `etl`; neither reaches into the other."""
    offending = [
        f"{where(path, imp.line)} imports {imp.module}"
        for path in modules(package)
        for imp in imports_of(path)
        if top(imp.module) == forbidden
    ]
    assert offending == []


def test_dashboard_reads_no_restricted_module() -> None:
    offending = [
        f"{where(path, imp.line)} imports {imp.module}"
        for path in modules("dashboard")
        for imp in imports_of(path)
        if imp.module in RESTRICTED_MODULES
        or (imp.module == "etl.store" and set(imp.names) & {"restricted", "review", "accounts"})
    ]
    assert offending == []


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    """The scanners are not blind: a planted import and SQL string are found."""
    planted = tmp_path / "planted.py"
    planted.write_text('import duckdb\nfrom flask import Flask\nQ = "SELECT 1 FROM t"\n')
    assert [imp.module for imp in imports_of(planted)] == ["duckdb", "flask"]
    assert sql_literals(planted) == [3]
