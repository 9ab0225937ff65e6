"""issue-files and collect from the command line, on the small demo: versions, reruns, an older file refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.steps.agree import agree, issue_draft
from salesxl.steps.collect import read_log
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.repbook import read_returned
from salesxl.workbook.contract.reps import LOG_FILES, LOG_REFUSALS

from ..conftest import digest, edit

runner = CliRunner()


@pytest.fixture(scope="module")
def first_issue(tmp_path_factory, small_demo_file) -> tuple[Path, Path]:
    """The small demo released (issue-draft, agree) and its files issued from the command line: (master, folder)."""
    folder = tmp_path_factory.mktemp("issue")
    master = Path(shutil.copy(small_demo_file, folder / "plan.xlsx"))
    assert issue_draft(FileWorkbook(master)).ok and agree(FileWorkbook(master)).ok
    assert runner.invoke(app, ["issue-files", str(master), str(folder / "out")]).exit_code == 0
    return master, folder / "out"


def log_one_visit(issued: Path, folder: Path) -> Path:
    """The rep logs one visit at their first outlet and sends the file back."""
    folder.mkdir(exist_ok=True)
    book = openpyxl.load_workbook(issued)
    outlet = book["清单 Lists"]["B2"].value
    book["日志 Daily Log"].append([dt.datetime(2026, 12, 21), None, 1, outlet, "是", "是"])
    book.save(folder / issued.name)
    return folder / issued.name


def test_a_reps_file_offers_only_their_own_and_protects_all_but_what_they_type(first_issue):
    master, out = first_issue
    path = sorted(out.glob("*.xlsx"))[1]
    rep = read_returned(path).fingerprint.rep_id
    outlets = [r[0] for r in openpyxl.load_workbook(master, read_only=True)["网点 Outlets"].iter_rows(
        min_row=2, values_only=True) if r[2] == rep]
    book = openpyxl.load_workbook(path)
    assert [(ws.title, ws.sheet_state, ws.protection.sheet) for ws in book.worksheets] == [
        ("我的目标 My Targets", "visible", True), ("日志 Daily Log", "visible", False),
        ("实际销售 Actuals", "visible", False), ("跟进记录 Touches", "visible", False),
        ("反馈 Feedback", "visible", True), ("日目标 Daily Targets", "visible", True),
        ("军令状 Commitments", "visible", True), ("我的客户 My Customers", "visible", True),
        ("清单 Lists", "veryHidden", True), ("指纹 Fingerprint", "veryHidden", True)]
    assert book.security.lockStructure and not book["反馈 Feedback"].protection.password  # no password anywhere
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in book["日志 Daily Log"].data_validations.dataValidation}
    assert lists["B2"] == "'清单 Lists'!$A$2:$A$2" and lists["D2"] == f"'清单 Lists'!$B$2:$B${len(outlets) + 1}"
    assert [r[0].value for r in book["清单 Lists"]["B2":f"B{len(outlets) + 1}"]] == outlets
    assert book["清单 Lists"]["A2"].value == rep
    feedback = book["反馈 Feedback"]
    assert [c.coordinate for c in feedback[2] if not c.protection.locked] == ["F2", "G2"]  # proposal and reason


def test_issuing_again_keeps_the_version_and_new_ownership_makes_the_next_one(tmp_path, first_issue):
    master = Path(shutil.copy(first_issue[0], tmp_path / "plan.xlsx"))
    out = Path(shutil.copytree(first_issue[1], tmp_path / "out"))
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
