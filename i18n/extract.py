"""`python -m i18n.extract`: write the template `messages.pot` of every key the code uses.

A key is used where `t`, `translate` or `N_` is called with a string literal, also inside
f-strings (which `pybabel extract` skips). Keys built at run time are declared with `N_`
literals where their family is defined. `make messages` runs this and then `pybabel update`,
which adds new keys to both catalogs with an empty text for translators to fill.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from i18n import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "portal", "websecurity", "i18n")
TRANSLATORS = {"t", "translate", "N_"}


def _called_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def keys_in_source(source: str) -> list[tuple[str, int]]:
    """(key, line) of every translator call with a literal first argument."""
    return [
        (node.args[0].value, node.lineno)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and _called_name(node) in TRANSLATORS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def used_keys(packages: Iterable[str] = PACKAGES) -> dict[str, list[tuple[str, int]]]:
    """Every key the code uses, with the places (file relative to the root, line)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            for key, line in keys_in_source(path.read_text(encoding="utf-8")):
                found.setdefault(key, []).append((where, line))
    return found


def write_template(target: Path = LOCALE_DIR / f"{DOMAIN}.pot") -> int:
    catalog = Catalog(project="demografie-dashboard", fuzzy=False, domain=DOMAIN)
    for key, places in sorted(used_keys().items()):
        catalog.add(key, locations=places)
    with target.open("wb") as out:
        write_po(out, catalog, width=100, omit_header=False)
    return len(catalog)


if __name__ == "__main__":
    count = write_template()
    sys.stdout.write(f"{count} keys written to {LOCALE_DIR / (DOMAIN + '.pot')}\n")
