"""issue-files and collect from the command line, on the small demo: versions, reruns, an older file refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.steps.agree import agree, issue_draft
from salesxl.steps.collect import read_log
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.repbook import read_returned
from salesxl.workbook.contract.reps import LOG_FILES, LOG_REFUSALS

from ..conftest import digest, edit

runner = CliRunner()


def released(tmp_path: Path, small_demo_file: Path) -> Path:
    path = shutil.copy(small_demo_file, tmp_path / "plan.xlsx")
    assert issue_draft(FileWorkbook(path)).ok and agree(FileWorkbook(path)).ok
    return Path(path)


def log_one_visit(issued: Path, folder: Path) -> Path:
    """The rep logs one visit at their first outlet and sends the file back."""
    folder.mkdir(exist_ok=True)
    book = openpyxl.load_workbook(issued)
    outlet = book["清单 Lists"]["B2"].value
    book["日志 Daily Log"].append([dt.datetime(2026, 12, 21), None, 1, outlet, "是", "是"])
    book.save(folder / issued.name)
    return folder / issued.name


def test_issuing_again_keeps_the_version_and_new_ownership_makes_the_next_one(tmp_path, small_demo_file):
    master = released(tmp_path, small_demo_file)
    out = tmp_path / "out"
    assert runner.invoke(app, ["issue-files", str(master), str(out)]).exit_code == 0
    files = sorted(out.glob("*.xlsx"))
    first = read_returned(files[0]).fingerprint
    old = log_one_visit(files[0], tmp_path / "old")

    assert runner.invoke(app, ["issue-files", str(master), str(out)]).exit_code == 0  # the same targets again
    assert sorted(out.glob("*.xlsx")) == files
    again = read_returned(files[0]).fingerprint
    assert (again.version, again.master) == (1, first.master)

    # The first outlet of the Outlets sheet moves to another rep: what the files hold changed.
    sheet = openpyxl.load_workbook(master, read_only=True)["网点 Outlets"]
    rows = list(sheet.iter_rows(min_row=2, max_row=3, values_only=True))
    edit(master, {"网点 Outlets!C2": rows[1][2] if rows[1][2] != rows[0][2] else "R001"})
    assert runner.invoke(app, ["issue-files", str(master), str(out)]).exit_code == 0
    assert read_returned(files[0]).fingerprint.version == 2

    before = digest(master)
    assert runner.invoke(app, ["collect", str(master), str(old)]).exit_code == 1
    assert digest(master) == before

    assert runner.invoke(app, ["collect", str(master), str(old), "--skip-bad"]).exit_code == 0
    log = read_log(FileWorkbook(master))
    assert (log[LOG_FILES.key]["file"].tolist(), log[LOG_FILES.key]["status"].tolist()) == ([old.name], ["拒收 refused"])
    refusal = log[LOG_REFUSALS.key].iloc[0]
    assert (refusal["where"], refusal["code"]) == (f"[{old.name}]指纹 Fingerprint!B6", "older-version")
    assert "version 2 has been issued since" in refusal["reason_en"]

    # The current file, returned into the master's own folder: the master and its backup there are not taken.
    current = log_one_visit(files[0], tmp_path)
    assert (tmp_path / "plan.bak.xlsx").exists()
    assert runner.invoke(app, ["collect", str(master), str(tmp_path)]).exit_code == 0
    logged = read_log(FileWorkbook(master))[LOG_FILES.key].iloc[-1]
    assert (logged["file"], logged["version"], logged["daily_log"], logged["status"]) == (
        current.name, 2, 1, "已收回 collected")
