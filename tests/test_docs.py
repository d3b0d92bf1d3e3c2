"""The README stays true: every setting and every command is documented."""

from __future__ import annotations

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
