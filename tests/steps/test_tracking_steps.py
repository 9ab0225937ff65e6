"""Tracking end to end on the small demo workbook: Progress, Weekly Review and Follow-up Plan.

The issued targets come from the stand-in breakdown in ``conftest.py``. The small demo's logs, sales and
touches run from Tuesday 1 to Friday 11 December 2026: 9 working days of the month's 21.5 (23 working days,
less the year-end stocktake on the 31st, with the annual meeting on the 25th a half day).
"""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.demo import lagging_reps
from salesxl.steps.followups import followups
from salesxl.steps.track import track
from salesxl.steps.weekly import weekly
from salesxl.workbook.filebook import FileWorkbook

from ..conftest import digest, edit

runner = CliRunner()


def table_frame(ws, name: str) -> pd.DataFrame:
    """An Excel Table on a written sheet as a DataFrame (headers as written)."""
    low_col, low_row, high_col, high_row = range_boundaries(ws.tables[name].ref)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=low_row, max_row=high_row, min_col=low_col,
                                                      max_col=high_col)]
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def ran(tmp_path_factory, tracked_demo_file):
    """The three commands run once, through the CLI, on a copy of the tracked demo."""
    path = tmp_path_factory.mktemp("ran") / "plan.xlsx"
    shutil.copy(tracked_demo_file, path)
    for args in (["track", str(path), "--as-of", "2026-12-11"], ["weekly", str(path), "--week", "2"],
                 ["followups", str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(path)


def test_progress_reconciles_to_the_actuals_and_the_issued_targets(ran, small_demo, small_issued):
    _, tables = small_demo
    ws = ran["进度 Progress"]
    assert "截至 as of 2026-12-11" in ws["A3"].value  # A2 is the run line
    company = table_frame(ws, "progress_company").iloc[0]
    reps = table_frame(ws, "progress_reps")
    actuals = tables["actuals"]
    assert company["累计实际 Actual to date"] == pytest.approx(actuals.amount.sum())
    assert reps["累计实际 Actual to date"].sum() == pytest.approx(actuals.amount.sum())
    by_rep = actuals.groupby("rep_id").amount.sum()
    assert dict(zip(reps["业务员编号 Rep ID"], reps["累计实际 Actual to date"])) == pytest.approx(by_rep.to_dict())
    daily = small_issued["daily_targets"]
    assert company["累计目标 Target to date"] == pytest.approx(daily[daily.date <= "2026-12-11"].daily_target.sum())
    assert company["月目标 Month target"] == pytest.approx(small_issued["rep_targets"].target.sum())
    # Pace = attainment ÷ (9 ÷ 21.5 working days).
    assert company["进度比 Pace"] == pytest.approx(company["完成率 Attainment"] / (9 / 21.5))
    regions = table_frame(ws, "progress_regions")
    assert regions["累计实际 Actual to date"].sum() == pytest.approx(actuals.amount.sum())
    roles = table_frame(ws, "progress_roles")
    assert roles["月目标 Month target"].sum() == pytest.approx(company["月目标 Month target"])


def test_progress_flags_the_lagging_reps(ran, small_demo):
    flags = table_frame(ran["进度 Progress"], "progress_flags")
    behind = set(flags.loc[flags["预警 Flag"] == "进度落后 Behind pace", "业务员编号 Rep ID"])
    assert set(lagging_reps(small_demo[1]["reps"])) <= behind  # the demo's two lagging reps
    missed = flags[flags["预警 Flag"] == "计划拜访未完成 Planned visit missed"]
    # Each missed visit links to the Daily Log row it was planned on.
    assert len(missed) and missed["来源 Source"].str.match(
        r'=HYPERLINK\("#\'日志 Daily Log\'!A(\d+)","日志 Daily Log!A\1"\)$').all()


def test_burn_up_chart_reads_the_burn_up_table(ran):
    ws = ran["进度 Progress"]
    low_col, top, high_col, bottom = range_boundaries(ws.tables["progress_burnup"].ref)
    (chart,) = ws._charts
    series = [(s.tx.strRef.f, s.val.numRef.f, s.cat.numRef.f) for s in chart.series]
    quoted = "'进度 Progress'"
    assert series == [(f"{quoted}!{col}{top}", f"{quoted}!${col}${top + 1}:${col}${bottom}",
                       f"{quoted}!$A${top + 1}:$A${bottom}") for col in "EGH"]
    assert [ws[f"{col}{top}"].value for col in "EGH"] == ["累计目标 Cumulative target", "累计实际 Cumulative actual",
                                                         "预测累计 Forecast (cumulative)"]
    assert bottom - top == 31  # every day of December


def test_weekly_review_has_a_block_and_notes_cells_per_rep(ran, small_issued):
    ws = ran["周报 Weekly Review"]
    team = table_frame(ws, "weekly_team")
    assert list(team["业务员编号 Rep ID"]) == list(small_issued["rep_targets"].rep_id)
    headers = [r for r in ws.iter_rows(values_only=True) if r[:2] == ("周 Week", "业务员编号 Rep ID")]
    assert len(headers) == len(team)


def test_follow_up_plan_applies_the_21_day_rule(ran, small_demo):
    """The demo's customer C002 was last touched 20 days before Friday 11 December, C003 21 days before."""
    ws = ran["跟进计划 Follow-up Plan"]
    silent = table_frame(ws, "followup_silent")
    assert "C003" in set(silent["客户编号 Customer ID"]) and "C002" not in set(silent["客户编号 Customer ID"])
    assert silent.set_index("客户编号 Customer ID").loc["C003", "未接触天数 Days without a touch"] == 21
    # The red table comes first: title, run line, subtitle, two notes, a blank row, then its heading and header.
    assert ws["A7"].value.startswith("21天法则") and ws["A8"].fill.fgColor.rgb.endswith("C00000")
    tasks = table_frame(ws, "followup_tasks")
    assert set(tasks["时间 When"]) <= {"逾期 Overdue", "今天 Today", "本周 This week"}


def note_rows(path) -> dict:
    """(week, rep) -> (report, comment) and where, read from the written sheet."""
    ws = openpyxl.load_workbook(path)["周报 Weekly Review"]
    found, header = {}, False
    for row in ws.iter_rows():
        values = [c.value for c in row[:5]]
        if values[:2] == ["周 Week", "业务员编号 Rep ID"]:
            header = True
            continue
        if header and values[0] is not None:
            found.setdefault((values[0], values[1]), (values[3], values[4], row[3].coordinate))
        else:
            header = False
    return found


def test_weekly_notes_survive_reruns(tracked):
    assert weekly(FileWorkbook(tracked), week=2).ok
    cells = note_rows(tracked)
    edit(tracked, {f"周报 Weekly Review!{cells[(2, 'R001')][2]}": "本周新开两家核心店",
                   f"周报 Weekly Review!{cells[(2, 'R002')][2].replace('D', 'E')}": "-先补陈列，再谈促销"})
    assert weekly(FileWorkbook(tracked), week=2).ok
    notes = note_rows(tracked)
    assert notes[(2, "R001")][:2] == ("本周新开两家核心店", None)
    assert notes[(2, "R002")][:2] == (None, "-先补陈列，再谈促销")  # text that looks like a formula stays text
    # Another week: week 2's notes move to the bottom table and come back when week 2 is run again.
    assert weekly(FileWorkbook(tracked), week=1).ok
    notes = note_rows(tracked)
    assert notes[(2, "R001")][:2] == ("本周新开两家核心店", None) and notes[(1, "R001")][:2] == (None, None)
    result = weekly(FileWorkbook(tracked), week=2)
    assert result.ok and "notes kept 2" in result.summary
    notes = note_rows(tracked)
    assert notes[(2, "R001")][:2] == ("本周新开两家核心店", None)
    assert notes[(2, "R002")][:2] == (None, "-先补陈列，再谈促销")
    assert sum(1 for key in notes if key[0] == 2) == 7  # each rep once: no copy left in the bottom table


def problems_of(step, path, **options):
    """Run a step that must fail; return ``[(cell, header, code)]`` of its errors, asserting the file is untouched."""
    before = digest(path)
    result = step(FileWorkbook(path), **options)
    assert not result.ok and result.written == []
    assert digest(path) == before
    return [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"]


def test_without_issued_targets_run_the_breakdown_first(untracked):
    assert problems_of(track, untracked) == [
        ("业务员目标 Rep Targets", None, "run-breakdown-first"), ("网点目标 Outlet Targets", None, "run-breakdown-first"),
        ("日目标 Daily Targets", None, "run-breakdown-first")]


@pytest.mark.parametrize("step, cells, expected", [
    (track, {"实际销售 Actuals!F3": "很多", "实际销售 Actuals!D4": "X99", "日志 Daily Log!D2": "O9999"}, [
        ("实际销售 Actuals!F3", "金额 Amount", "not-a-number"),
        ("实际销售 Actuals!D4", "产品编码 SKU", "unknown-reference"),
        ("日志 Daily Log!D2", "网点编号 Outlet ID", "unknown-reference")]),
    (track, {"业务员目标 Rep Targets!A6": "2026-11"}, [
        ("业务员目标 Rep Targets!A6", "月份 Month", "targets-for-another-month")]),
    (followups, {"跟进记录 Touches!C2": "微信", "客户跟进 Customers!C2": "R999"}, [
        ("跟进记录 Touches!C2", "方式 Channel", "not-a-choice"),
        ("客户跟进 Customers!C2", "负责业务员 Owner rep", "unknown-reference")]),
], ids=["actuals-and-log", "targets-of-another-month", "customers-and-touches"])
def test_bad_input_is_located_and_nothing_is_written(tracked, step, cells, expected):
    edit(tracked, cells)
    assert sorted(problems_of(step, tracked)) == sorted(expected)


def test_as_of_outside_the_plan_month_points_at_the_plan_month(tracked):
    assert problems_of(track, tracked, as_of="2026-11-30") == [("设置 Settings!B2", "值 Value", "as-of-outside-month")]


def test_a_week_the_month_does_not_have(tracked):
    assert problems_of(weekly, tracked, week=6) == [("", None, "no-such-week")]


def test_track_reads_each_reps_expense_budget_when_the_sheet_exists(tracked, small_demo):
    """Every rep but the first gets a budget of 1 yuan (any spending is far ahead of sales); the first
    gets 100 million (never ahead). The flag then follows the budgets, not the expense-to-sales ratio."""
    from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
    from salesxl.workbook.schema import OutputSheetName
    from salesxl.workbook.contract.expenses import ISSUED_EXPENSE_BUDGET

    _, tables = small_demo
    rep_ids = list(tables["reps"]["rep_id"])
    lines = pd.DataFrame({"level": "业务员 Rep", "region": list(tables["reps"]["region"]), "rep_id": rep_ids, "category": "差旅 travel",
                          "budget": [1e8] + [1.0] * (len(rep_ids) - 1)})
    schema = ISSUED_EXPENSE_BUDGET
    columns = [OutColumn(c.key, c.zh, c.en, "amount" if c.type == "decimal" else "text") for c in schema.columns]
    sheet = SheetOutput(OutputSheetName(schema.key, schema.zh, schema.en), subtitle="测试 for tests")
    sheet.tables.append(OutTable(lines, columns))
    FileWorkbook(tracked).write_sheets([sheet])
    result = track(FileWorkbook(tracked), as_of="2026-12-11")
    assert result.ok, result.problems
    flags = table_frame(openpyxl.load_workbook(tracked)["进度 Progress"], "progress_flags")
    ahead = flags[flags["预警 Flag"] == "费用超前 Expense ahead of sales"]
    log = tables["daily_log"]
    spent = log[(log["date"] <= "2026-12-11") & (log["expense"].fillna(0) > 0)]["rep_id"].unique()
    assert set(ahead["业务员编号 Rep ID"]) == set(spent) - {rep_ids[0]} and len(ahead)
    assert ahead["说明 Detail"].str.contains("of budget spent, ").all()


def test_core_outlet_sku_progress_past_the_row_limit_goes_to_parquet(tracked, monkeypatch):
    """A large company's core outlet × SKU lines do not fit on a sheet (1.2 million at the benchmark's large
    size): with the limit lowered just below the Progress sheet's rows, every line goes to
    ``plan.progress.core_outlet_skus.parquet`` and the sheet sums them by rep × SKU; the targets add up alike."""
    import pyarrow.parquet as pq

    from salesxl.workbook import overflow

    full = tracked.with_name("full.xlsx")
    shutil.copy(tracked, full)
    assert track(FileWorkbook(full), as_of="2026-12-11").ok
    rows = openpyxl.load_workbook(full, read_only=True)["进度 Progress"].max_row
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", rows - 1)
    result = track(FileWorkbook(tracked), as_of="2026-12-11")
    assert result.ok
    [notice] = [p for p in result.problems if p.code == "rows-to-parquet"]
    assert "plan.progress.core_outlet_skus.parquet" in notice.message_en and "rep × SKU" in notice.message_en
    lines = pq.read_table(tracked.with_name("plan.progress.core_outlet_skus.parquet")).to_pandas()
    sheet = openpyxl.load_workbook(tracked)["进度 Progress"]
    assert sheet.max_row <= rows - 1
    whole = table_frame(openpyxl.load_workbook(full)["进度 Progress"], "progress_core_outlet_skus")
    assert len(lines) == len(whole)
    assert lines["产品目标 SKU target"].sum() == pytest.approx(whole["产品目标 SKU target"].sum(), abs=1e-6)
    values = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(values) if str(r[0]).startswith("核心店×产品 Core outlet × SKU — "))
    assert values[top + 1][:3] == ("业务员编号 Rep ID", "产品编码 SKU", "产品目标 SKU target")
    summed = []
    for row in values[top + 2:]:  # the summed table, down to its totals row
        if row[0] in (None, "合计 Total"):
            break
        summed.append(row)
    assert len(summed) == len(set(zip(lines["业务员编号 Rep ID"], lines["产品编码 SKU"])))
    assert sum(r[2] for r in summed) == pytest.approx(lines["产品目标 SKU target"].sum(), abs=1e-6)
