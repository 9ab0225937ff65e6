"""``check`` finds what the steps refuse (issue 21).

``salesxl check`` said "inputs usable" and then ``target`` refused a role mix of 99 % and ``breakdown`` reps
with a target but no outlet. Now check runs every step's input checks. The table below spoils a workbook
where every step could run (the small month-end demo, released, with its expense budget and ledger and a
Feedback sheet) in one way per row; the step named refuses it, and check must report each of the step's
errors at the same cell with the same code — without changing the file.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from salesxl import steps
from salesxl.cli import app
from salesxl.steps import agree as agree_steps
from salesxl.steps import expenses as expense_steps
from salesxl.steps.backtest import backtest
from salesxl.steps.breakdown import breakdown
from salesxl.steps.close import close
from salesxl.steps.commitments import commitments
from salesxl.steps.followups import followups
from salesxl.steps.target import target
from salesxl.steps.track import track
from salesxl.steps.weekly import weekly
from salesxl.workbook.filebook import FileWorkbook

from ..conftest import digest, edit

runner = CliRunner()
SETTINGS, REPS, OUTLETS = "设置 Settings", "业务员 Reps", "网点 Outlets"
FEEDBACK = "反馈 Feedback"


@pytest.fixture(scope="module")
def ready_file(tmp_path_factory, released_file):
    """Every step can run on it: released, budgeted, reviewed, and the draft issued for feedback."""
    path = tmp_path_factory.mktemp("ready") / "ready.xlsx"
    shutil.copy(released_file, path)
    assert agree_steps.issue_draft(FileWorkbook(path)).ok
    return path


@pytest.fixture
def ready(tmp_path, ready_file):
    path = tmp_path / "plan.xlsx"
    shutil.copy(ready_file, path)
    return path


def rows_of(path, sheet):
    return [list(r) for r in openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True)]


def setting_row(path, label):
    return next(i for i, r in enumerate(rows_of(path, SETTINGS), start=1) if r[0] == label)


def first_data_row(path, sheet, header):
    """The first row under the header row whose first cell is ``header`` (an issued sheet's table)."""
    rows = rows_of(path, sheet)
    at = next(i for i, r in enumerate(rows, start=1) if r and r[0] == header)
    return at + 1, rows[at - 1]


def set_setting(label, value):
    return lambda path: edit(path, {f"{SETTINGS}!B{setting_row(path, label)}": value})


def all_reps_inactive(path):
    last = max(i for i, r in enumerate(rows_of(path, REPS), start=1) if r and r[0])
    edit(path, {f"{REPS}!E{row}": "否" for row in range(2, last + 1)})


def a_rep_without_outlets(path):
    """Every outlet of the second rep is given to the first."""
    reps = rows_of(path, REPS)
    first, second = reps[1][0], reps[2][0]
    edit(path, {f"{OUTLETS}!C{i}": first for i, r in enumerate(rows_of(path, OUTLETS), start=1) if r[2] == second})


def feedback(column_header, value, rep_index=0):
    """Type ``value`` under ``column_header`` on a rep's Feedback row."""
    def spoil(path):
        row, header = first_data_row(path, FEEDBACK, "月份 Month")
        edit(path, {f"{FEEDBACK}!{chr(65 + header.index(column_header))}{row + rep_index}": value})
    return spoil


def targets_of_another_month(path):
    row, _ = first_data_row(path, "业务员目标 Rep Targets", "月份 Month")
    edit(path, {f"业务员目标 Rep Targets!A{row}": "2026-11"})


def all_targets_of_another_month(path):
    row, _ = first_data_row(path, "业务员目标 Rep Targets", "月份 Month")
    rows = rows_of(path, "业务员目标 Rep Targets")
    last = next(i for i in range(row, len(rows) + 1) if rows[i - 1][0] in (None, "合计 Total")) - 1
    edit(path, {f"业务员目标 Rep Targets!A{r}": "2026-11" for r in range(row, last + 1)})


def cells(changes):
    return lambda path: edit(path, changes)


CASES = [
    ("role-mix-off", target, cells({"产品结构 RoleMix!B5": 0.05})),
    ("weights-off", target, cells({"参考因素 Factors!B5": 0.10})),
    ("backtest-weights", backtest, cells({"参考因素 Factors!B5": 0.10})),
    ("growth-rate-missing", target, cells({"参考因素 Factors!C4": None})),
    ("every-rep-inactive", breakdown, all_reps_inactive),
    ("rep-without-outlets", breakdown, a_rep_without_outlets),
    ("hold-over-the-whole", breakdown, cells({f"{REPS}!H2": 99_000_000})),
    ("tiers-out-of-order", breakdown, set_setting("挑战倍数 Challenge multiplier", 0.9)),
    ("country-xx", breakdown, set_setting("日历国家 Calendar country", "XX")),
    ("country-xx-followups", followups, set_setting("日历国家 Calendar country", "XX")),
    ("feedback-unknown-rep", agree_steps.issue_draft, feedback("业务员编号 Rep ID", "R999")),
    ("figure-missing", agree_steps.agree, feedback("主管决定 Manager decision", "主管核定")),
    ("policy-needs-rate", expense_steps.expenses, cells({"费用政策 Expense Policy!D3": None})),
    ("unknown-requester", expense_steps.expenses_review, cells({"费用申请 Expense Requests!D6": "R999"})),
    ("targets-other-month-track", track, targets_of_another_month),
    ("targets-other-month-weekly", weekly, targets_of_another_month),
    ("no-rep-this-month-commitments", commitments, all_targets_of_another_month),
    ("rule-needs-value", close, cells({"激励规则 Incentive Rules!E2": None})),
]


@pytest.mark.parametrize("step, spoil", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_reports_every_refusal_of_every_step(ready, step, spoil):
    spoil(ready)
    before = digest(ready)
    refused = step(FileWorkbook(ready))
    assert not refused.ok, f"{step.__name__} did not refuse"
    errors = {(p.cell, p.code) for p in refused.problems if p.severity == "error"}
    assert not any(code == "empty-required" for _, code in errors)  # the spoil hit the data, not blank rows
    checked = steps.check(FileWorkbook(ready))
    assert not checked.ok
    assert errors <= {(p.cell, p.code) for p in checked.problems}
    assert digest(ready) == before


def test_a_clean_ready_workbook_checks_every_step(ready):
    result = steps.check(FileWorkbook(ready))
    assert result.ok, [p.message_en for p in result.problems if p.severity == "error"]
    for name in ("target", "backtest", "breakdown", "issue-draft", "agree", "commitments", "expenses",
                 "expenses-review", "track", "weekly", "followups", "close"):
        assert f"{name} ✓" in result.summary, name


def test_steps_not_ready_are_named_not_failed(workbook):
    """Before the breakdown, the steps after it are not checked, and check says why."""
    result = steps.check(FileWorkbook(workbook))
    assert result.problems == []
    assert "breakdown ✓" in result.summary
    assert "expenses — " in result.summary and "once breakdown has run" in result.summary


def test_the_command_line_says_usable_without_pointing_up_or_down(workbook):
    """It said "(see notes above)" while the notes came below; and it must not say usable when a step refuses."""
    edit(workbook, {"产品结构 RoleMix!B5": 0.0999})  # 99.99 %: scaled, with a notice
    result = runner.invoke(app, ["check", str(workbook)])
    assert result.exit_code == 0
    assert "above" not in result.output and "Inputs usable" in result.output and "1 notice" in result.output
    edit(workbook, {"产品结构 RoleMix!B5": 0.05})
    result = runner.invoke(app, ["check", str(workbook)])
    assert result.exit_code == 1 and "Inputs usable" not in result.output
    assert "产品结构 RoleMix!B5" in result.output
