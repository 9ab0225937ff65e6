"""The target step on a workbook file: both sheets, the version log, and bad input left untouched."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from typer.testing import CliRunner

from salesxl.cli import DEMO_STEPS, app
from salesxl.core.plan import PLAN_SHEETS, draft_plan
from salesxl.steps.target import parse_month, target
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs

from ..conftest import digest, edit
from .conftest import table_rows

runner = CliRunner()
NOW = dt.datetime(2026, 11, 30, 17, 5, 0)


def test_target_writes_month_target_structure_and_a_version(workbook):
    result = target(FileWorkbook(workbook), now=NOW)
    assert result.ok, result.problems
    assert result.written == ["月度目标 Month Target", "任务结构 Target Structure", "版本 Versions"]

    inputs, _ = read_inputs(FileWorkbook(workbook), only=PLAN_SHEETS)
    expected, structure, _ = draft_plan({k: inputs.tables[k] for k in PLAN_SHEETS if k != "settings"},
                                        inputs.settings)
    book = openpyxl.load_workbook(workbook)
    summary = table_rows(book["月度目标 Month Target"], "月度目标 Month target")
    assert summary[0][1] == expected.total > 0
    factors = table_rows(book["月度目标 Month Target"], "四因素参考表（表1） The four factors (Table 1)")
    assert {r[0] for r in factors} == {"全部区域 All regions"}
    assert [r[1] for r in factors] == ["年度预算 Annual budget", "历史同期 Same month history",
                                       "行业增长 Industry growth", "标杆增长 Benchmark growth"]
    assert sum(r[8] for r in factors) == pytest.approx(expected.total, abs=5)  # regions rounded one by one
    regions = table_rows(book["月度目标 Month Target"], "分区域月度目标 Month target by region")
    assert sum(r[6] for r in regions) == expected.total
    skus = table_rows(book["任务结构 Target Structure"], "产品目标 By SKU")
    assert sum(r[6] for r in skus) == expected.total
    assert [r[0] for r in skus] == list(structure.skus["sku"])
    region_split = table_rows(book["任务结构 Target Structure"], "区域结构 By region")
    assert sum(r[-1] for r in region_split) == expected.total
    # title, run line, subtitle, two notes (the region weight, the quantity guide), a blank row
    assert book["任务结构 Target Structure"]["A7"].value == "产品结构 By product role"

    versions = [list(r) for r in book["版本 Versions"].iter_rows(min_row=6, values_only=True) if r[0]]
    assert versions == [["2026-11-30 17:05:00", "target 月度目标", dt.datetime(2026, 12, 1),
                         versions[0][3], versions[0][4], expected.total]]
    assert "method=trend" in versions[0][3] and "weights=0.4/0.3/0.15/0.15" in versions[0][3]


def test_every_run_appends_a_version_row(workbook):
    target(FileWorkbook(workbook), now=NOW)
    first = [list(r) for r in openpyxl.load_workbook(workbook)["版本 Versions"].iter_rows(min_row=6, values_only=True)]
    edit(workbook, {"参考因素 Factors!B2": 0.45, "参考因素 Factors!B3": 0.25})
    result = target(FileWorkbook(workbook), now=NOW + dt.timedelta(days=1))
    assert result.ok
    rows = [list(r) for r in openpyxl.load_workbook(workbook)["版本 Versions"].iter_rows(min_row=6, values_only=True)
            if r[0]]
    assert len(rows) == 2 and rows[0] == first[0]
    assert rows[1][0] == "2026-12-01 17:05:00"
    assert "weights=0.45/0.25/0.15/0.15" in rows[1][3]
    assert rows[1][4] != rows[0][4]  # the input changed, so does its fingerprint


def bad(path, changes):
    """Spoil the workbook, run the step, return ``[(cell, header, code)]`` of errors; the file must not change."""
    edit(path, changes)
    before = digest(path)
    result = target(FileWorkbook(path), now=NOW)
    assert digest(path) == before
    assert not result.ok and result.written == []
    return [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"]


def test_weights_not_summing_to_100_percent(workbook):
    assert bad(workbook, {"参考因素 Factors!B5": 0.10}) == [("参考因素 Factors!B5", "权重 Weight", "weights-not-100")]


def test_negative_weight(workbook):
    assert bad(workbook, {"参考因素 Factors!B3": -0.1}) == [("参考因素 Factors!B3", "权重 Weight", "below-minimum")]


def test_role_shares_not_summing_to_100_percent(workbook):
    assert bad(workbook, {"产品结构 RoleMix!B5": 0.05}) == [
        ("产品结构 RoleMix!B5", "金额占比 Share of amount", "shares-not-100")]


def test_role_shares_typed_as_25_35_25_14_99_are_scaled_and_said_on_screen(workbook):
    """Planners type 25 / 35 / 25 / 14.99: 99.99 % is a rounding leftover, not an error (issue 21). The
    target is written, the shares used are 100 % and the notice is on screen and at the last row."""
    edit(workbook, {"产品结构 RoleMix!B2": 0.25, "产品结构 RoleMix!B3": 0.35, "产品结构 RoleMix!B4": 0.25,
                    "产品结构 RoleMix!B5": 0.1499})
    result = target(FileWorkbook(workbook), now=NOW)
    assert result.ok
    assert [(p.cell, p.code, p.severity) for p in result.problems] == [
        ("产品结构 RoleMix!B5", "shares-scaled", "notice")]
    output = runner.invoke(app, ["target", str(workbook)]).output
    assert "产品结构 RoleMix!B5" in output and "99.99%" in output


def test_zero_budget_for_the_month(workbook):
    # Budget rows run month by month, five regions each: December's first region (华东) is row 2 + 11 × 5 = 57.
    assert openpyxl.load_workbook(workbook)["年度预算 Budget"]["B57"].value == 12
    assert bad(workbook, {"年度预算 Budget!D57": 0}) == [("年度预算 Budget!D57", "预算金额 Budget amount", "zero-budget")]


def test_missing_growth_rate(workbook):
    assert bad(workbook, {"参考因素 Factors!C4": None}) == [
        ("参考因素 Factors!C4", "增长率 Growth rate", "missing-growth-rate")]


def test_cli_target_with_month_option_and_exit_codes(workbook):
    result = runner.invoke(app, ["target", str(workbook), "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    versions = [r for r in openpyxl.load_workbook(workbook)["版本 Versions"].iter_rows(min_row=6, values_only=True)
                if r[0]]
    assert versions[-1][2] == dt.datetime(2026, 11, 1)
    assert runner.invoke(app, ["target", str(workbook), "--month", "Nov"]).exit_code == 2
    edit(workbook, {"产品结构 RoleMix!B5": 0.05})
    before = digest(workbook)
    result = runner.invoke(app, ["target", str(workbook)])
    assert result.exit_code == 1 and "产品结构 RoleMix!B5" in result.output
    assert digest(workbook) == before


def test_demo_runs_the_target_step():
    assert target in DEMO_STEPS


@pytest.mark.parametrize("text, month", [("2026-12", "2026-12"), ("2026/2", "2026-02"), ("202602", "2026-02"),
                                         ("2026年2月", "2026-02"), ("２０２６-０３", "2026-03"), ("2026-13", None),
                                         ("Nov", None)])
def test_parse_month(text, month):
    parsed = parse_month(text)
    assert (str(parsed) if parsed is not None else None) == month
