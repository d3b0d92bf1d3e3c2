"""The README's layering, checked over the imports and string literals of every module.

- `etl` makes data and imports no web package and neither app;
- SQL (duckdb, sqlite3, psycopg, SQLAlchemy statements, SQL text) lives only in `etl/store`;
- the public dashboard reads the published zone only: it imports no restricted-zone module;
- the dashboard and the portal share `websecurity` and never import each other;
- both translate through `i18n`, which imports neither app, `websecurity` nor `etl`.
- process state lives in the application object (`etl.app.Stores`): no module-level caches,
  thread pools or engines, and no getter that creates tables.
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
    return f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}"


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


PURE_CORE = ("etl/transform", "etl/privacy", "etl/projection")
IMPURE = {"etl.store", "etl.pipeline", "etl.extract", "etl.uploads", "etl.commands", "etl.app"}


@pytest.mark.parametrize("package", PURE_CORE)
def test_the_core_is_pure(package: str) -> None:
    """transform, privacy and projection read no store or file and call no pipeline stage.

    Imports inside functions count too (`ast.walk`), so a lazy import cannot hide one.
    """
    offending = [
        f"{where(path, imp.line)} imports {imp.module}"
        for path in modules(package)
        for imp in imports_of(path)
        if any(imp.module == name or imp.module.startswith(f"{name}.") for name in IMPURE)
    ]
    assert offending == []


def test_only_the_commands_and_the_review_workflow_run_the_pipeline() -> None:
    """The upload preview protects through the pure `year_protection`, not pipeline internals."""
    allowed = {ROOT / "etl" / "pipeline.py", ROOT / "etl" / "uploads" / "workflow.py"}
    offending = [
        f"{where(path, imp.line)} imports {imp.module}"
        for path in modules("etl")
        if path not in allowed and not path.is_relative_to(ROOT / "etl" / "commands")
        for imp in imports_of(path)
        if imp.module == "etl.pipeline"
    ]
    assert offending == []


def misplaced_docstrings(path: Path) -> list[str]:
    """Functions whose second statement is a bare string: a docstring written after code."""
    return [
        f"{where(path, node.lineno)} {node.name}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and len(node.body) > 1
        and isinstance(node.body[1], ast.Expr)
        and isinstance(node.body[1].value, ast.Constant)
        and isinstance(node.body[1].value.value, str)
    ]


@pytest.mark.parametrize("package", ["etl", "dashboard", "portal", "websecurity", "i18n"])
def test_docstrings_come_first(package: str) -> None:
    offending = [found for path in modules(package) for found in misplaced_docstrings(path)]
    assert offending == []


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    """The scanners are not blind: a planted import and SQL string are found."""
    planted = tmp_path / "planted.py"
    planted.write_text('import duckdb\nfrom flask import Flask\nQ = "SELECT 1 FROM t"\n')
    assert [imp.module for imp in imports_of(planted)] == ["duckdb", "flask"]
    assert sql_literals(planted) == [3]
    late = tmp_path / "late.py"
    late.write_text('def run(x):\n    y = x\n    """Too late to be a docstring."""\n    return y\n')
    assert misplaced_docstrings(late) == [f"{late}:1 run"]


# --- process state: only in the application object (etl.app.Stores) ---------------------------
STATE_PACKAGES = ("etl", "dashboard", "portal", "websecurity")
CACHE_DECORATORS = {"cache", "lru_cache"}
POOL_FACTORIES = {"ThreadPoolExecutor", "ProcessPoolExecutor", "Pool", "ThreadPool"}
ENGINE_FACTORY = re.compile(r"(^create_engine$|_engine$)")
DDL = {"create_zone", "upgrade_zone", "create_all", "migrate"}


def _called_name(node: ast.expr) -> str:
    """`f` for `f(...)`, `m.f(...)`, `f(...)(...)`; '' for anything else."""
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def module_state(path: Path) -> list[str]:
    """Module-level caches, pools and engines, and class-level `@lru_cache` methods (one cache
    shared by every instance). `lru_cache(...)(self.method)` inside `__init__` is per instance
    and fine."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        functions += [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        for decorator in function.decorator_list:
            if _called_name(decorator) in CACHE_DECORATORS:
                found.append(f"{where(path, function.lineno)} caches {function.name} per process")
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if not isinstance(value, ast.Call):
            continue
        name = _called_name(value)
        if name in CACHE_DECORATORS or name in POOL_FACTORIES or ENGINE_FACTORY.search(name):
            found.append(f"{where(path, node.lineno)} holds a module-level {name}(...)")
    return found


def _is_getter(function: ast.FunctionDef) -> bool:
    properties = {_called_name(d) for d in function.decorator_list} & {"property"}
    return bool(
        properties
        or ENGINE_FACTORY.search(function.name)
        or function.name in ("engines", "engine", "publisher")
        or function.name.startswith("get_")
    )


def getters_with_ddl(path: Path) -> list[str]:
    """Engine getters and properties (`*_engine`, `engines`, `get_*`, `@property`) whose
    body creates or upgrades tables: DDL belongs to an explicit step (`Stores.migrate`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or not _is_getter(function):
            continue
        calls = {_called_name(n) for n in ast.walk(function) if isinstance(n, ast.Call)}
        found += [f"{where(path, function.lineno)} {function.name} runs {c}" for c in calls & DDL]
    return found


@pytest.mark.parametrize("package", STATE_PACKAGES)
def test_no_module_level_process_state(package: str) -> None:
    offending = [item for path in modules(package) for item in module_state(path)]
    assert offending == [], "process state belongs in etl.app.Stores"


@pytest.mark.parametrize("package", STATE_PACKAGES)
def test_no_getter_creates_tables(package: str) -> None:
    offending = [item for path in modules(package) for item in getters_with_ddl(path)]
    assert offending == [], "tables come from `python -m etl migrate` or Stores.migrate()"


def test_the_state_checks_see_a_violation(tmp_path: Path) -> None:
    """Planted module-level caches, pools and a table-creating getter are found; the
    per-instance cache of a method is not."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import functools\n"
        "from functools import lru_cache\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "POOL = ThreadPoolExecutor(4)\n"
        "ENGINE = create_engine('sqlite://')\n"
        "@functools.lru_cache(maxsize=8)\n"
        "def engines(settings):\n"
        "    return restricted_engine(settings)\n"
        "def accounts_engine(settings):\n"
        "    engine = zone_engine(settings)\n"
        "    create_zone(engine, accounts)\n"
        "    return engine\n"
        "class Service:\n"
        "    def __init__(self):\n"
        "        self.areas = lru_cache(maxsize=4)(self._areas)\n"
        "    @functools.cache\n"
        "    def shared(self):\n"
        "        return 1\n"
        "    @property\n"
        "    def engine(self):\n"
        "        upgrade_zone(self._engine, 'published')\n"
        "        return self._engine\n"
    )
    assert module_state(planted) == [
        f"{planted}:7 caches engines per process",
        f"{planted}:17 caches shared per process",
        f"{planted}:4 holds a module-level ThreadPoolExecutor(...)",
        f"{planted}:5 holds a module-level create_engine(...)",
    ]
    assert sorted(getters_with_ddl(planted)) == [
        f"{planted}:20 engine runs upgrade_zone",
        f"{planted}:9 accounts_engine runs create_zone",
    ]
