"""Docs are tested (the sqlite-utils way): every command has help, a row in the command table and a reference entry."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.ribbon import BUTTONS

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMMAND_TABLE = (DOCS / "getting-started" / "command-line.md").read_text(encoding="utf-8")
REFERENCE = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
runner = CliRunner()


def commands(group=None, prefix="") -> dict[str, object]:
    """Every command by its full name (``addin build``), read from click, not from the docs generator."""
    group = group or typer.main.get_group(app)
    found = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found.update(commands(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_has_help_text():
    for name, command in commands().items():
        assert command.help and len(command.help) > 20, name
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, name


def test_every_command_is_in_the_command_table():
    for name in commands():
        assert f"| `salesxl {name}" in COMMAND_TABLE, f"docs/getting-started/command-line.md lacks salesxl {name}"


def test_every_command_and_option_is_in_the_reference():
    for name, command in commands().items():
        section = REFERENCE.split(f"\n## salesxl {name} ", 1)
        assert len(section) == 2, f"docs/reference/cli.md lacks salesxl {name}"
        body = section[1].split("\n## ", 1)[0]
        for param in command.params:
            for opt in [o for o in param.opts + param.secondary_opts if o.startswith("-")]:
                assert opt in body, f"docs/reference/cli.md: salesxl {name} lacks {opt}"
            if getattr(param, "help", None):
                assert param.help in body.replace("\\|", "|"), f"docs/reference/cli.md: salesxl {name} {param.name}"


def test_every_global_option_is_in_the_references_usage_line_with_its_help():
    """`salesxl --force COMMAND`: options before the command are the app's own, not any command's."""
    head = REFERENCE.split("\n## ", 1)[0]
    options = [p for p in typer.main.get_group(app).params if p.opts[0].startswith("--")]
    assert {"--debug", "--force"} <= {p.opts[0] for p in options}
    usage_line = re.search(r"^salesxl .*COMMAND \[ARGS\]$", head, re.M).group(0)
    for param in options:
        assert f"[{param.opts[0]}]" in usage_line, f"docs/reference/cli.md: the usage line lacks {param.opts[0]}"
        assert param.help in head, f"docs/reference/cli.md: no help for {param.opts[0]}"


def test_the_command_tables_usage_lines_name_real_arguments_and_options():
    """Each row's first cell (`salesxl collect WORKBOOK FILES... [--skip-bad]`) is what the command takes."""
    found = commands()
    rows = re.findall(r"^\| `salesxl ([^`]+)` \|", COMMAND_TABLE, re.M)
    assert len(rows) == len(found), "one row per command"
    for row in rows:
        name = next(n for n in sorted(found, key=len, reverse=True) if row == n or row.startswith(n + " "))
        opts = {o for p in found[name].params for o in p.opts + p.secondary_opts}
        for option in re.findall(r"--[\w-]+", row):
            assert option in opts, f"command-line.md: `salesxl {row}`: {name} has no {option}"
        arguments = [p for p in found[name].params if p.param_type_name == "argument"]
        named = re.sub(r"\[?--[\w-]+[^\]]*\]?", "", row.removeprefix(name)).split()
        assert len(named) == len(arguments), f"command-line.md: `salesxl {row}` names {named}, takes {arguments}"


def test_the_apps_help_lists_the_steps_in_the_ribbons_order():
    """`salesxl --help` names every button's command, in the order of the buttons on the ribbon."""
    steps = app.info.help.split("Steps:", 1)[1]
    listed = re.findall(r"([a-z][a-z-]+) [\u4e00-\u9fff]", steps)
    assert listed == [b.cli for b in BUTTONS.values() if b.cli != "info"]


def test_new_writes_a_template_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "plan.xlsx"
    assert runner.invoke(app, ["new", str(path)]).exit_code == 0
    first = path.read_bytes()
    result = runner.invoke(app, ["new", str(path)])
    assert result.exit_code == 1 and path.read_bytes() == first
