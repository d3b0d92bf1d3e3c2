"""The README stays true: every setting, every command and every module it names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from etl.cli import COMMANDS
from etl.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = [variable for variable, _, _ in Settings.documentation() if variable not in README]
    assert not missing, f"README lacks settings {missing}"


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in COMMANDS if name not in README]
    assert not missing, f"README lacks commands {missing}"


def test_quickstart_is_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README


# --- the architecture section names only modules and paths that exist ---------------------------
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("etl", "dashboard", "portal", "websecurity", "i18n")
TOP_DIRS = (*PACKAGES, "data", "benchmarks", "tests")
CODE = re.compile(r"`([^`\s]+)`")
DOTTED = re.compile(r"^[a-z_]+(?:\.[A-Za-z_]\w*)+$")


def architecture_section(readme: str) -> str:
    """The README from "What is inside" up to the next section."""
    start = readme.index("## What is inside")
    return readme[start : readme.index("\n## ", start + 1)]


def _defined(tree: ast.Module, name: str) -> ast.AST | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return node
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return node
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == name for a in node.names
        ):
            return node
    return None


def _module_exists(root: Path, dotted: str) -> bool:
    """`pkg.module[.name[.member]]`: the module's file exists and defines the names."""
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        base = root.joinpath(*parts[:size])
        source = next(
            (p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None
        )
        if source is None:
            continue
        names, scope = parts[size:], ast.parse(source.read_text(encoding="utf-8"))
        for name in names:
            node = _defined(scope, name)
            if node is None:
                return False
            if not isinstance(node, ast.ClassDef):
                return True  # a function's or a value's attributes are not checked
            scope = ast.Module(body=node.body, type_ignores=[])
        return True
    return False


def missing_names(section: str, root: Path = ROOT) -> list[str]:
    """Paths and dotted modules of `section` that do not exist under `root`.

    A path starting with a top-level directory is taken from the root; a bare file name in a
    table row (`crosswalk.py`) from the directory the row is about (its first cell).
    """
    missing = []
    for line in section.splitlines():
        cells = line.split("|")
        first = CODE.findall(cells[1]) if line.startswith("|") and len(cells) > 2 else []
        row_dir = Path(first[0]) if first else None
        if row_dir is not None and row_dir.suffix:
            row_dir = row_dir.parent
        for token in CODE.findall(line):
            if "<" in token or token.startswith("/"):
                continue  # a pattern such as locale/<lang>/..., or a URL path such as /api/v1
            if DOTTED.match(token) and token.split(".")[0] in PACKAGES:
                if not _module_exists(root, token):
                    missing.append(token)
            elif "/" in token or token.endswith((".py", ".md")):
                relative = token.split("/")[0] in TOP_DIRS or row_dir is None
                path = root / token if relative else root / row_dir / token
                if not path.exists():
                    missing.append(token)
    return missing


def test_every_module_the_architecture_section_names_exists() -> None:
    assert missing_names(architecture_section(README)) == []


def test_a_missing_module_in_the_architecture_section_is_reported(tmp_path: Path) -> None:
    (tmp_path / "etl" / "store").mkdir(parents=True)
    (tmp_path / "etl" / "__init__.py").write_text("")
    (tmp_path / "etl" / "app.py").write_text("class Stores:\n    def migrate(self): ...\n")
    (tmp_path / "etl" / "store" / "engine.py").write_text("")
    section = (
        "## What is inside\n"
        "| `etl/store/` | the engine (`engine.py`) and `gone.py` |\n"
        "| `etl/app.py` | `etl.app.Stores`, `etl.app.Stores.migrate`, `etl.app.Missing` |\n"
        "`dashboard/services.py` and `etl.symbols`, not `/api/v1`, `locale/<lang>/x.po` or "
        "`stores.jobs`.\n"
    )
    assert missing_names(section, tmp_path) == [
        "gone.py",
        "etl.app.Missing",
        "dashboard/services.py",
        "etl.symbols",
    ]
