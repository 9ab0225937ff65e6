"""Docs are tested (the sqlite-utils way): every command has help and a README entry."""

from __future__ import annotations

from pathlib import Path

import typer.main
from typer.testing import CliRunner

from salesxl.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def command_names() -> list[str]:
    group = typer.main.get_group(app)
    return sorted(group.commands)


def test_every_command_has_help_text():
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        assert command.help and len(command.help) > 20, name
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name


def test_every_command_is_in_the_readme_cli_table():
    for name in command_names():
        assert f"| `salesxl {name}" in README, f"README's command table lacks salesxl {name}"


def test_new_writes_a_template_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "plan.xlsx"
    assert runner.invoke(app, ["new", str(path)]).exit_code == 0
    first = path.read_bytes()
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 1 and path.read_bytes() == first
