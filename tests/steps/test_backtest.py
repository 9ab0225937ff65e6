"""The backtest step on a workbook file: the sheet, the weights left alone, bad input located and untouched."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from salesxl.cli import DEMO_STEPS, app
from salesxl.core.backtest import backtest as replay
from salesxl.demo import DemoSize, demo_workbook_data
from salesxl.steps.backtest import BACKTEST_SHEETS, backtest
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract import SETTINGS
from salesxl.workbook.template import save_new_workbook

from ..conftest import digest, edit
from .conftest import table_rows

runner = CliRunner()
SHEET = "回测 Backtest"
# Ten reps keep a rep in every region of the small company (with eight, one region has no sales at all).
SIZE = DemoSize(reps=10, outlets=20, skus=8, years=3)


@pytest.fixture(scope="module")
def company_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("backtest") / "company.xlsx"
    save_new_workbook(path, *demo_workbook_data(seed=7, size=SIZE))
    return path


@pytest.fixture
def book(tmp_path, company_file):
    path = tmp_path / "plan.xlsx"
    shutil.copy(company_file, path)
    return path


def sheet_values(path, name):
    return [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def test_backtest_writes_its_sheet_and_never_touches_the_weights(book):
    factors_before = sheet_values(book, "参考因素 Factors")
    result = backtest(FileWorkbook(book))
    assert result.ok, result.problems
    assert result.written == [SHEET]
    assert sheet_values(book, "参考因素 Factors") == factors_before

    inputs, _ = read_inputs(FileWorkbook(book), only=BACKTEST_SHEETS)
    expected, _ = replay(inputs["budget"], inputs["history"], inputs["factors"], inputs.settings, inputs["regions"])
    ws = openpyxl.load_workbook(book)[SHEET]
    months = table_rows(ws, "逐月回放 Month by month")
    assert len(months) == len(expected.months) == 24
    assert [r[5] for r in months] == list(expected.months["target"])
    assert [r[6] for r in months] == pytest.approx(list(expected.months["actual"]))
    suggestions = table_rows(ws, "权重建议（第一行为当前权重） Weight suggestions (first row: the current weights)")
    assert [r[0] for r in suggestions] == ["当前 Current", "1", "2", "3", "4", "5"]
    assert suggestions[0][1:5] == [0.4, 0.3, 0.15, 0.15]
    assert all(sum(r[1:5]) == pytest.approx(1) for r in suggestions)
    factors = table_rows(ws, "参考因素 Factors in the replay")
    assert [(r[0], r[3]) for r in factors] == [("年度预算 Annual budget", "是"), ("历史同期 Same month history", "是"),
                                               ("行业增长 Industry growth", "是"), ("标杆增长 Benchmark growth", "是")]
    summary = table_rows(ws, "汇总（当前权重） Summary (current weights)")[0]
    assert summary[0] == 24 and summary[3] == pytest.approx(expected.summary.iloc[0]["mape"])

    first = sheet_values(book, SHEET)
    assert backtest(FileWorkbook(book)).ok  # a rerun replaces the sheet with the same one
    assert sheet_values(book, SHEET) == first


def test_target_vs_actual_chart_reads_the_month_by_month_table(book):
    """One line chart beside 逐月回放 Month by month: Replayed target (column F) and Actual sales (G) over the
    24 data rows, months (A) on the horizontal axis; the totals row stays out."""
    assert backtest(FileWorkbook(book)).ok
    ws = openpyxl.load_workbook(book)[SHEET]
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "逐月回放 Month by month") + 1
    bottom = top + 24
    assert ws.cell(bottom + 1, 1).value == "合计 Total" and ws.cell(bottom, 1).value is not None
    (chart,) = ws._charts
    assert chart.tagname == "lineChart"
    quoted = "'回测 Backtest'"
    assert [(s.tx.strRef.f, s.val.numRef.f, s.cat.numRef.f) for s in chart.series] == [
        (f"{quoted}!{col}{top}", f"{quoted}!${col}${top + 1}:${col}${bottom}", f"{quoted}!$A${top + 1}:$A${bottom}")
        for col in "FG"]
    assert [ws[f"{col}{top}"].value for col in "FG"] == ["回放目标 Replayed target", "实际销售 Actual sales"]


def test_cli_months_and_loss(book):
    result = runner.invoke(app, ["backtest", str(book), "--months", "12", "--loss", "base_hit"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(book)[SHEET]
    assert len(table_rows(ws, "逐月回放 Month by month")) == 12
    assert "base_hit" in ws["A3"].value  # A2 is the run line


@pytest.mark.parametrize("args", [["--loss", "median"], ["--months", "2"], ["--months", "x"]])
def test_cli_bad_options_exit_2_and_leave_the_file(book, args):
    before = digest(book)
    assert runner.invoke(app, ["backtest", str(book), *args]).exit_code == 2
    assert digest(book) == before


def setting_cell(key: str) -> str:
    return f"设置 Settings!B{[s.key for s in SETTINGS].index(key) + 2}"


@pytest.mark.parametrize("changes, expected", [
    ({"参考因素 Factors!B5": 0.10}, ("参考因素 Factors!B5", "权重 Weight", "weights-not-100")),
    ({"参考因素 Factors!E6": 1800}, ("参考因素 Factors!E6", "适用年份 Year", "below-minimum")),
    ({"参考因素 Factors!E6": 2024.5}, ("参考因素 Factors!E6", "适用年份 Year", "not-an-integer")),
    ({"参考因素 Factors!E8": 2024}, ("参考因素 Factors!A8", "因素 Factor", "duplicate-key")),
    ({"设置 Settings!B2": "2031-12"}, ("历史销售 History", None, "too-little-history")),
    ({setting_cell("backtest_loss"): "median"}, (setting_cell("backtest_loss"), "值 Value", "not-a-choice")),
    ({setting_cell("backtest_months"): 2}, (setting_cell("backtest_months"), "值 Value", "below-minimum")),
])
def test_bad_input_is_located_and_the_file_is_unchanged(book, changes, expected):
    edit(book, changes)
    before = digest(book)
    result = backtest(FileWorkbook(book))
    assert digest(book) == before
    assert [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"] == [expected]


def test_cli_exits_1_on_bad_input_and_names_the_cell(book):
    edit(book, {"参考因素 Factors!B5": 0.10})
    before = digest(book)
    result = runner.invoke(app, ["backtest", str(book)])
    assert result.exit_code == 1 and "参考因素 Factors!B5" in result.output
    assert digest(book) == before


def test_missing_past_rates_are_warnings_and_the_factors_drop_out(book):
    book_ = openpyxl.load_workbook(book)
    ws = book_["参考因素 Factors"]
    ws.delete_rows(6, 4)  # the rows for 2024 and 2025
    for name in list(ws.tables):
        ws.tables[name].ref = "A1:E5"
    book_.save(book)
    result = backtest(FileWorkbook(book))
    assert result.ok
    assert [(p.cell, p.code, p.severity) for p in result.problems] == [
        ("参考因素 Factors!C4", "factor-not-replayed", "warning"),
        ("参考因素 Factors!C5", "factor-not-replayed", "warning")]
    factors = table_rows(openpyxl.load_workbook(book)[SHEET], "参考因素 Factors in the replay")
    assert [r[3] for r in factors] == ["是", "是", "否", "否"]
    assert [r[2] for r in factors] == pytest.approx([0.4 / 0.7, 0.3 / 0.7, 0, 0])


def test_demo_runs_the_backtest():
    assert backtest in DEMO_STEPS
