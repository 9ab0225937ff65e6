"""The README's first command: `salesxl demo` writes the demo workbook and runs every step."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from salesxl.cli import DEMO_STEPS, app
from salesxl.workbook.contract import INPUT_SHEETS

runner = CliRunner()


def test_demo_writes_every_input_sheet_and_runs_every_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "salesxl_demo.xlsx", read_only=True)
    names = set(book.sheetnames)
    assert {s.name for s in INPUT_SHEETS} <= names  # 反馈 Feedback too: the demo runs issue-draft
    written = [line.split("wrote: ", 1)[1].strip() for line in result.output.splitlines() if "wrote: " in line]
    assert len(written) >= len(DEMO_STEPS)  # every step writes at least one sheet
    assert set(written) <= names
