"""Each step reads only the sheets it needs, so its time cannot grow with a sheet it does not use (issue 22).

The small demo goes through every step in the planner's order; a backend that counts what it hands out
records, per step, which sheets were read and how many rows they held. No seconds are measured here:
the benchmark (``python -m benchmarks.run --steps all``) does that.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from salesxl.demo import fill_demo_feedback
from salesxl.problems import render
from salesxl.steps import agree as agree_steps
from salesxl.steps import expenses as expense_steps
from salesxl.steps.backtest import backtest
from salesxl.steps.breakdown import breakdown
from salesxl.steps.close import close
from salesxl.steps.commitments import commitments
from salesxl.steps.dashboard import dashboard
from salesxl.steps.followups import followups
from salesxl.steps.target import target
from salesxl.steps.track import track
from salesxl.steps.weekly import weekly
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package, main_part, parse_xml, relationships

SETTINGS, REPS, REGIONS, OUTLETS, PRODUCTS = "设置 Settings", "业务员 Reps", "区域 Regions", "网点 Outlets", "产品 Products"
CALENDAR, HISTORY, ACTUALS, DAILY_LOG = "日历 Calendar", "历史销售 History", "实际销售 Actuals", "日志 Daily Log"
PLANNING = {SETTINGS, "年度预算 Budget", "参考因素 Factors", HISTORY, PRODUCTS, "产品结构 RoleMix", REGIONS}
RELEASE = PLANNING | {REPS, OUTLETS, CALENDAR}
REP_TARGETS, OUTLET_TARGETS, DAILY_TARGETS = "业务员目标 Rep Targets", "网点目标 Outlet Targets", "日目标 Daily Targets"

STEPS = [  # (step, what it is given to read)
    ("target", target, PLANNING),
    ("backtest", backtest, {SETTINGS, "年度预算 Budget", "参考因素 Factors", HISTORY, REGIONS}),
    ("breakdown", breakdown, RELEASE | {"版本 Versions"}),  # the version log it appends to
    ("issue-draft", agree_steps.issue_draft, RELEASE),  # the draft is the release of the draft plan
    ("answer-draft", fill_demo_feedback, {SETTINGS, "反馈 Feedback"}),
    # the first round: no Agreed Targets or Agreement History yet to carry signatures and rounds over from
    ("agree", agree_steps.agree, RELEASE | {"反馈 Feedback", "版本 Versions"}),
    ("commitments", commitments, {SETTINGS, REPS, PRODUCTS, OUTLETS, "激励规则 Incentive Rules", REP_TARGETS,
                                  OUTLET_TARGETS, "目标确认 Agreed Targets"}),
    ("expenses", expense_steps.expenses, {SETTINGS, REGIONS, REPS, OUTLETS, "费用政策 Expense Policy", REP_TARGETS}),
    ("expenses-review", expense_steps.expenses_review, {SETTINGS, REGIONS, REPS, OUTLETS, CALENDAR,
                                                        "费用政策 Expense Policy", "费用申请 Expense Requests",
                                                        "费用预算 Expense Budget"}),
    ("track", track, {SETTINGS, CALENDAR, REGIONS, REPS, OUTLETS, PRODUCTS, ACTUALS, DAILY_LOG, REP_TARGETS,
                      OUTLET_TARGETS, DAILY_TARGETS, "费用预算 Expense Budget"}),
    # a week's review: the rep targets and daily targets, not the outlet × SKU targets
    ("weekly", weekly, {SETTINGS, CALENDAR, REGIONS, REPS, OUTLETS, PRODUCTS, ACTUALS, DAILY_LOG, REP_TARGETS,
                        DAILY_TARGETS}),
    ("followups", followups, {SETTINGS, CALENDAR, REGIONS, REPS, OUTLETS, DAILY_LOG, "客户跟进 Customers",
                              "跟进记录 Touches"}),
    ("close", close, {SETTINGS, REPS, REGIONS, OUTLETS, PRODUCTS, ACTUALS, "激励规则 Incentive Rules", CALENDAR,
                      REP_TARGETS, OUTLET_TARGETS, "目标确认 Agreed Targets",
                      # the demo's rules check expenses: the budget issued, and the requests the close reviews
                      "费用预算 Expense Budget", "费用申请 Expense Requests"}),
    # the month read back from the sheets the steps wrote; History only for last year's same month
    ("dashboard", dashboard, {SETTINGS, CALENDAR, HISTORY, PRODUCTS, "月度目标 Month Target",
                              "任务结构 Target Structure", "进度 Progress", "月末绩效 Performance",
                              "费用预算 Expense Budget", "费用台账 Expense Ledger", "跟进计划 Follow-up Plan",
                              "目标确认 Agreed Targets"}),
]


class Counting(FileWorkbook):
    """A file workbook that notes each sheet it reads (once, as the file backend reads each once) and its rows."""

    def __init__(self, path):
        super().__init__(path)
        self.rows: dict[str, int] = {}

    def read_sheet(self, name):
        raw = super().read_sheet(name)
        self.rows.setdefault(name, len(raw.rows))
        return raw


@pytest.fixture(scope="module")
def chain(tmp_path_factory, small_demo_file) -> dict[str, tuple[Path, dict[str, int]]]:
    """Every step run in turn on one workbook: step -> (a copy of the workbook as the step found it, rows read)."""
    folder = tmp_path_factory.mktemp("chain")
    path = folder / "plan.xlsx"
    shutil.copy(small_demo_file, path)
    found = {}
    for name, step, _ in STEPS:
        before = folder / f"before-{name}.xlsx"
        shutil.copy(path, before)
        book = Counting(path)
        result = step(book)
        assert result.ok, (name, [render(p) for p in result.problems if p.severity == "error"])
        found[name] = (before, book.rows)
    return found


@pytest.mark.parametrize("name, expected", [(name, expected) for name, _, expected in STEPS])
def test_each_step_reads_only_the_sheets_it_needs(chain, name, expected):
    _, rows = chain[name]
    assert set(rows) == expected


def with_sheets_emptied(path: Path, keep: set[str], to: Path) -> None:
    """A copy of the workbook whose sheets other than ``keep`` hold no cells (their tabs stay)."""
    package = Package(path.read_bytes())
    part = main_part(package)
    targets = {rel.id: rel.target for rel in relationships(package, part)}
    empty = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
             b'openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')
    for sheet in parse_xml(package.read(part)).iter("{*}sheet"):
        rel = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        if sheet.get("name") not in keep:
            package.write(targets[rel], empty)
    to.write_bytes(package.to_bytes())


@pytest.mark.parametrize("name", ["track", "weekly"])
def test_a_step_reads_and_writes_the_same_whatever_the_sheets_it_does_not_read_hold(chain, tmp_path, name):
    """The workbook as the step found it, and a copy whose other sheets (History, Outlet Targets for
    weekly...) are emptied: the step reads as many rows and writes the same sheet."""
    before, rows = chain[name]
    step = next(step for n, step, _ in STEPS if n == name)
    lean = tmp_path / "lean.xlsx"
    with_sheets_emptied(before, set(rows), lean)
    full = tmp_path / "full.xlsx"
    shutil.copy(before, full)
    written = {}
    for path in (full, lean):
        book = Counting(path)
        result = step(book)
        assert result.ok and book.rows == rows
        written[path] = FileWorkbook(path).read_sheet(result.written[0]).rows
    assert list(written[lean]) == list(written[full])
