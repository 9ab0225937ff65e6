"""The expenses steps on a workbook file: budget, review, and bad input that leaves the file untouched.

Budget arithmetic is checked on the small demo with a stand-in Rep Targets sheet (every rep at 250,000, so the
amounts can be worked by hand); the review, the ledger, the command line and the ribbon run on the small demo
released by the real breakdown.
"""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.steps.breakdown import breakdown
from salesxl.steps.expenses import expenses, expenses_review
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.schema import Column, SheetSchema
from salesxl.workbook.contract import SETTINGS
from salesxl.workbook.contract.breakdown import ISSUED_REP_TARGETS, REP_TARGETS
from salesxl.workbook.contract.expenses import ISSUED_EXPENSE_BUDGET
from salesxl.workbook.template import save_new_workbook

from ..conftest import digest, edit

runner = CliRunner()
TARGET = 250_000.0
REQUESTS = "费用申请 Expense Requests"
POLICY = "费用政策 Expense Policy"


def settings_cell(key: str) -> str:
    """The Value cell of a setting on the template's Settings sheet (one row per setting, in order)."""
    return f"设置 Settings!B{[s.key for s in SETTINGS].index(key) + 2}"


def write_rep_targets(path, month, reps: pd.DataFrame, target: float = TARGET) -> None:
    """Stand-in for the breakdown: the issued Rep Targets sheet, every active rep at ``target``."""
    active = reps[reps.active]
    frame = pd.DataFrame({"month": month, "rep_id": active.rep_id, "name": active.name, "region": active.region,
                          "target": target, "base": target, "challenge": target * 1.1, "sprint": target * 1.2})
    columns = [OutColumn("month", "月份", "Month", "month"), OutColumn("rep_id", "业务员编号", "Rep ID"),
               OutColumn("name", "姓名", "Name"), OutColumn("region", "区域", "Region"),
               *[OutColumn(k, zh, en, "amount", total=True) for k, zh, en in (
                   ("target", "目标", "Target"), ("base", "基础目标", "Base"), ("challenge", "挑战目标", "Challenge"),
                   ("sprint", "冲刺目标", "Sprint"))]]
    FileWorkbook(path).write_sheets([SheetOutput(REP_TARGETS, subtitle=str(month), tables=[OutTable(frame, columns)])])


@pytest.fixture(scope="module")
def issued_file(tmp_path_factory, small_demo):
    """The small demo without its History (these steps do not read it), plus issued Rep Targets."""
    settings, tables = small_demo
    path = tmp_path_factory.mktemp("expenses") / "issued.xlsx"
    save_new_workbook(path, settings, {k: v for k, v in tables.items() if k != "history"})
    write_rep_targets(path, settings["plan_month"], tables["reps"])
    return path


@pytest.fixture
def plan(tmp_path, issued_file):
    path = tmp_path / "plan.xlsx"
    shutil.copy(issued_file, path)
    return path


@pytest.fixture(scope="module")
def released_file(tmp_path_factory, small_demo_file):
    """The small demo after the real breakdown: Rep Targets as released."""
    path = tmp_path_factory.mktemp("released") / "released.xlsx"
    shutil.copy(small_demo_file, path)
    assert breakdown(FileWorkbook(path)).ok
    return path


@pytest.fixture
def released(tmp_path, released_file):
    path = tmp_path / "released.xlsx"
    shutil.copy(released_file, path)
    return path


def located(result) -> list[tuple]:
    return [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"]


def expected_total(tables) -> float:
    """The demo policy on the active reps, each with a target of 250,000: travel 2,000 a rep; entertainment
    1 % of 250,000 = 2,500, capped at 2,000 a rep; samples 600 a rep; display 12,000 a region with reps;
    promotion 1.5 % of each region's target, so 1.5 % of 250,000 a rep; development 1,500 per developing
    outlet of an active rep, at most 4,500 a rep. In the small demo: 7 reps in 5 regions, developing outlets
    3 for R008 and 1 for R006: 7 × (2,000 + 2,000 + 600 + 3,750) + 5 × 12,000 + 4,500 + 1,500 = 124,450."""
    reps, outlets = tables["reps"], tables["outlets"]
    active = reps[reps.active]
    per_rep = outlets[outlets.developing & outlets.rep_id.isin(set(active.rep_id))].groupby("rep_id").size()
    development = sum(min(1_500 * n, 4_500) for n in per_rep)
    return len(active) * (2_000 + 2_000 + 600 + 0.015 * TARGET) + 12_000 * active.region.nunique() + development


# ---- budget -----------------------------------------------------------------------------------------------------

def test_budget_is_written_and_reads_back_as_issued(plan, small_demo):
    result = expenses(FileWorkbook(plan))
    assert result.ok and result.written == ["费用预算 Expense Budget"]
    inputs, problems = read_inputs(FileWorkbook(plan), schemas=[ISSUED_EXPENSE_BUDGET])
    assert problems == []
    lines = inputs["expense_budget"]
    assert lines.budget.sum() == expected_total(small_demo[1]) == 124_450  # within 8 % of 1,750,000: not scaled
    travel = lines[lines.category == "差旅费 Travel"]
    assert list(travel.budget) == [2_000] * 7 and set(travel.level) == {"rep"}
    assert set(lines.loc[lines.category == "陈列费 Display fees", "region"]) == {"华东", "华南", "华北", "西南", "华中"}
    sheet = openpyxl.load_workbook(plan)["费用预算 Expense Budget"]
    assert "未超过上限 140,000" in sheet["A4"].value


def test_over_the_ceiling_stops_with_the_amounts_and_leaves_the_file(plan):
    edit(plan, {settings_cell("expense_ceiling"): 100_000, settings_cell("expense_over_ceiling"): "报错 error"})
    before = digest(plan)
    result = expenses(FileWorkbook(plan))
    assert digest(plan) == before
    assert located(result) == [(settings_cell("expense_ceiling"), "值 Value", "over-expense-ceiling")]
    assert "124,450" in result.problems[-1].message_en and "over the company ceiling of 100,000 by 24,450" in \
        result.problems[-1].message_en


def test_scale_down_to_the_ceiling_is_shown_on_the_sheet(plan):
    edit(plan, {settings_cell("expense_ceiling"): 100_000, settings_cell("expense_over_ceiling"): "scale_down"})
    result = expenses(FileWorkbook(plan))
    assert result.ok
    assert [(p.cell, p.code) for p in result.problems] == [(settings_cell("expense_ceiling"), "expense-scaled-down")]
    inputs, _ = read_inputs(FileWorkbook(plan), schemas=[ISSUED_EXPENSE_BUDGET])
    assert inputs["expense_budget"].budget.sum() == 100_000
    notes = [c.value for c in openpyxl.load_workbook(plan)["费用预算 Expense Budget"]["A"][3:5]]  # after title, run line, subtitle
    assert "各项已按比例压缩到 100,000" in notes[0] and "scaled down to total 100,000" in notes[1]


def test_without_rep_targets_the_step_asks_for_the_breakdown(workbook):
    before = digest(workbook)
    result = expenses(FileWorkbook(workbook))
    assert digest(workbook) == before
    assert located(result) == [("业务员目标 Rep Targets", None, "run-breakdown-first")]


def test_rep_targets_of_another_month_point_at_the_month_cell(plan):
    book = openpyxl.load_workbook(plan)
    ws = book["业务员目标 Rep Targets"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "月份 Month")
    ws.cell(header + 1, 1).value = pd.Timestamp("2026-11-01").to_pydatetime()
    book.save(plan)
    before = digest(plan)
    result = expenses(FileWorkbook(plan))
    assert digest(plan) == before
    assert located(result) == [(f"业务员目标 Rep Targets!A{header + 1}", "月份 Month", "targets-of-another-month")]


def test_budget_on_the_released_targets_is_scaled_to_the_ceiling(released):
    """The small demo's targets are small for a policy with 12,000 of display fees per region: the policy asks
    for more than 8 % of the released total, so the lines are scaled down to exactly 8 % (in whole yuan)."""
    result = expenses(FileWorkbook(released))
    assert result.ok and [p.code for p in result.problems] == ["expense-scaled-down"]
    inputs, problems = read_inputs(FileWorkbook(released), schemas=[ISSUED_REP_TARGETS, ISSUED_EXPENSE_BUDGET])
    assert problems == []
    total_target = inputs["rep_targets"].target.sum()
    lines = inputs["expense_budget"]
    assert lines.budget.sum() == int(0.08 * total_target + 1e-9)  # whole yuan, never above the ceiling
    assert set(lines.loc[lines.level == "rep", "rep_id"]) == set(inputs["rep_targets"].rep_id)


# ---- review -----------------------------------------------------------------------------------------------------

def test_review_lists_the_lapses_with_their_rows_and_writes_the_ledger(released):
    assert expenses(FileWorkbook(released)).ok
    result = expenses_review(FileWorkbook(released))
    assert result.ok and result.written == ["费用台账 Expense Ledger"]
    findings = [p for p in result.problems if p.severity == "warning"]
    assert {"over-budget", "wrong-level-approver", "self-approval", "unapproved-spend",
            "spend-above-approved"} <= {p.code for p in findings}
    book = openpyxl.load_workbook(released)
    requests = book[REQUESTS]
    for p in findings:  # each finding names the request on its own row
        assert p.cell.startswith(f"{REQUESTS}!") and requests[f"A{p.row}"].value in p.message_en
    by_code = {p.code: p for p in findings}
    assert requests[f"J{by_code['self-approval'].row}"].value == requests[f"D{by_code['self-approval'].row}"].value
    assert requests[f"J{by_code['wrong-level-approver'].row}"].value == "周总"
    ledger = book["费用台账 Expense Ledger"]
    assert ledger["A3"].value.startswith("2026-12 · 截至 As of 2026-12-18")  # A2 is the run line


LEDGER_HOLDERS = SheetSchema("ledger_holders", "费用台账", "Expense Ledger", issued=True, columns=tuple(
    Column(k, zh, en, t, required=r, not_blank=False) for k, zh, en, t, r in (
        ("level", "预算持有", "Held by", "text", True), ("region", "区域", "Region", "text", True),
        ("rep_id", "业务员编号", "Rep ID", "text", True), ("category", "费用类别", "Category", "text", True),
        ("budget", "预算", "Budget", "decimal", True), ("requested", "申请", "Requested", "decimal", True),
        ("approved", "已批复", "Approved", "decimal", True),
        ("refused", "不予认可的批复", "Approvals refused", "decimal", True),
        ("verified", "已核查支出", "Verified spend", "decimal", True),
        ("unapproved", "未经批准支出", "Unapproved spend", "decimal", True),
        ("remaining", "剩余", "Remaining", "decimal", True))))


def test_ledger_on_the_sheet_reconciles_to_the_request_sheet(released):
    """Read the ledger back from the file and the requests from their sheet: every amount is accounted for."""
    assert expenses(FileWorkbook(released)).ok
    assert expenses_review(FileWorkbook(released)).ok
    inputs, problems = read_inputs(FileWorkbook(released), schemas=[LEDGER_HOLDERS, ISSUED_EXPENSE_BUDGET])
    assert problems == []
    ledger, budget = inputs["ledger_holders"], inputs["expense_budget"]
    requests, _ = read_inputs(FileWorkbook(released), only=["expense_requests", "expense_policy", "outlets"])
    log = requests["expense_requests"]
    approved_on_sheet = log.approved_amount.fillna(log.amount)[log.status == "approved"].sum()
    assert ledger.budget.sum() == budget.budget.sum()
    assert ledger.requested.sum() == pytest.approx(log.amount.sum())
    assert ledger.approved.sum() + ledger.refused.sum() == pytest.approx(approved_on_sheet)
    assert ledger.verified.sum() == pytest.approx(log.verified_amount.sum())
    assert (ledger.remaining == ledger.budget - ledger.approved).all()
    assert ledger.refused.sum() > 0 and ledger.unapproved.sum() > 0


def test_review_before_the_budget_asks_for_the_expenses_step(plan):
    before = digest(plan)
    result = expenses_review(FileWorkbook(plan))
    assert digest(plan) == before
    assert located(result) == [("费用预算 Expense Budget", None, "run-expenses-first")]


# ---- bad input: named cell, file untouched ----------------------------------------------------------------------

@pytest.mark.parametrize("changes, step, expected", [
    ({f"{POLICY}!D3": None}, "budget", (f"{POLICY}!D3", "费用比例 Rate", "needs-rate")),
    ({f"{POLICY}!C2": "two thousand"}, "budget", (f"{POLICY}!C2", "标准金额 Amount", "not-a-number")),
    ({f"{POLICY}!B4": "按人头"}, "budget", (f"{POLICY}!B4", "核定方式 Method", "not-a-choice")),
    ({f"{REQUESTS}!E5": "旅游费"}, "review", (f"{REQUESTS}!E5", "费用类别 Category", "unknown-reference")),
    ({f"{REQUESTS}!D6": "R999"}, "review", (f"{REQUESTS}!D6", "申请人 Requester", "unknown-requester")),
    ({f"{REQUESTS}!C4": "个人"}, "review", (f"{REQUESTS}!C4", "层级 Level", "not-a-choice")),
    ({f"{REQUESTS}!B7": "12/05/2026"}, "review", (f"{REQUESTS}!B7", "申请日期 Request date", "not-a-date")),
])
def test_bad_input_is_named_and_the_file_is_untouched(plan, changes, step, expected):
    if step == "review":
        assert expenses(FileWorkbook(plan)).ok
    edit(plan, changes)
    before = digest(plan)
    result = (expenses if step == "budget" else expenses_review)(FileWorkbook(plan))
    assert digest(plan) == before
    assert expected in located(result)


# ---- command line -----------------------------------------------------------------------------------------------

def test_cli_budget_then_review(released):
    assert runner.invoke(app, ["expenses", str(released)]).exit_code == 0
    result = runner.invoke(app, ["expenses-review", str(released), "--as-of", "2026-12-10"])
    assert result.exit_code == 0
    assert openpyxl.load_workbook(released)["费用台账 Expense Ledger"]["A3"].value.startswith(
        "2026-12 · 截至 As of 2026-12-10")
    before = digest(released)
    assert runner.invoke(app, ["expenses-review", str(released), "--as-of", "10/12/2026"]).exit_code == 2
    assert digest(released) == before


# ---- ribbon -----------------------------------------------------------------------------------------------------

def test_the_review_button_puts_its_findings_on_the_problems_sheet(released, tmp_path, monkeypatch):
    """费用预算 then 费用审核 pressed in Excel (the xlwings double): the review's findings are warnings, shown on
    the Problems sheet (that the sheets equal the commands' is tests/steps/test_live_contract.py's)."""
    import xlwings as xw

    from salesxl import ribbon

    from ..workbook.fake_xlwings import book_from_file, excel_of

    book = book_from_file(shutil.copy(released, tmp_path / "live.xlsx"))
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    assert expenses(FileWorkbook(released)).ok
    review = expenses_review(FileWorkbook(released))
    ribbon.dispatch("expenses")
    ribbon.dispatch("expenseReview")
    assert [a["mode"] for a in excel_of(book).alerts] == ["info", "info"]
    assert review.summary in excel_of(book).alerts[1]["prompt"]
    # The review's findings are warnings: they go to the Problems sheet, each linked to its request row.
    assert "问题 Problems" in [s.name for s in book.sheets]
