"""Bad input is a first-class case: each names sheet, row and column, and the file is untouched."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from typer.testing import CliRunner

from salesxl import steps
from salesxl.cli import app
from salesxl.problems import ProblemsFound
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs

from ..conftest import digest, edit

runner = CliRunner()


def check(path):
    """Run the check step and return ``[(cell, header, code, severity)]``, asserting the file is unchanged."""
    before = digest(path)
    result = steps.check(FileWorkbook(path))
    assert digest(path) == before
    return [(p.cell, p.header, p.code, p.severity) for p in result.problems]


def test_clean_demo_has_no_problems(workbook):
    assert check(workbook) == []


def test_missing_sheet(workbook):
    book = openpyxl.load_workbook(workbook)
    del book["区域 Regions"]
    book.save(workbook)
    found = check(workbook)
    assert ("区域 Regions", None, "missing-sheet", "error") in found


def test_missing_required_column(workbook):
    edit(workbook, {"产品 Products!D1": "价格??"})
    found = check(workbook)
    assert ("产品 Products!1", None, "missing-column", "error") in found


def test_empty_required_cell(workbook):
    edit(workbook, {"业务员 Reps!B3": None})
    assert ("业务员 Reps!B3", "姓名 Name", "empty-required", "error") in check(workbook)


def test_text_in_a_number_column(workbook):
    edit(workbook, {"产品 Products!D4": "about 90"})
    assert ("产品 Products!D4", "单价 Unit price", "not-a-number", "error") in check(workbook)


def test_amount_written_in_wan_is_read_with_a_notice(workbook):
    edit(workbook, {"年度预算 Budget!D2": "30.9万"})
    assert check(workbook) == [("年度预算 Budget!D2", "预算金额 Budget amount", "number-from-text", "notice")]
    inputs, _ = read_inputs(FileWorkbook(workbook), only=["budget", "regions"])
    assert inputs["budget"].loc[2, "amount"] == 309_000.0


def test_amount_with_currency_commas_and_full_width_digits(workbook):
    edit(workbook, {"年度预算 Budget!D2": "￥１，２３４.５０", "年度预算 Budget!D3": "(1,000)"})
    inputs, problems = read_inputs(FileWorkbook(workbook), only=["budget", "regions"])
    assert inputs["budget"].loc[2, "amount"] == 1234.5
    # A negative budget is read, then refused by the column's minimum.
    assert [(p.cell, p.code) for p in problems if p.severity == "error"] == [("年度预算 Budget!D3", "below-minimum")]


@pytest.mark.parametrize("typed, expected, notice", [(0.15, 0.15, False), (15, 0.15, True), ("15%", 0.15, False),
                                                     ("１５％", 0.15, False)])
def test_percent_spellings(workbook, typed, expected, notice):
    edit(workbook, {"产品结构 RoleMix!B2": typed})
    inputs, problems = read_inputs(FileWorkbook(workbook), only=["role_mix"])
    assert inputs["role_mix"].loc[2, "share"] == pytest.approx(expected)
    assert [p.code for p in problems] == (["percent-points"] if notice else [])


def test_duplicate_key(workbook):
    edit(workbook, {"业务员 Reps!A4": "R001"})
    found = check(workbook)
    assert ("业务员 Reps!A4", "业务员编号 Rep ID", "duplicate-key", "error") in found


def test_unknown_reference(workbook):
    edit(workbook, {"网点 Outlets!C5": "R999"})
    found = check(workbook)
    assert ("网点 Outlets!C5", "业务员编号 Rep ID", "unknown-reference", "error") in found


def test_unknown_region_in_reps(workbook):
    edit(workbook, {"业务员 Reps!C2": "火星"})
    assert ("业务员 Reps!C2", "区域 Region", "unknown-reference", "error") in check(workbook)


def test_date_as_excel_serial_and_as_text(workbook):
    # 46381 is 2026-12-25 in the 1900 date system: 2026-01-01 is 46023, plus 358 days.
    edit(workbook, {"日历 Calendar!A2": 46381, "日历 Calendar!A3": "2026年12月31日"})
    book = openpyxl.load_workbook(workbook)
    book["日历 Calendar"]["A2"].number_format = "General"  # a bare number, as pasted from another system
    book.save(workbook)
    inputs, problems = read_inputs(FileWorkbook(workbook), only=["calendar"])
    assert list(inputs["calendar"]["date"]) == [dt.datetime(2026, 12, 25), dt.datetime(2026, 12, 31)]
    assert [(p.cell, p.code, p.severity) for p in problems] == [("日历 Calendar!A2", "date-from-serial", "notice")]


def test_ambiguous_date_text_is_refused(workbook):
    edit(workbook, {"日历 Calendar!A2": "12/25/2026"})
    assert ("日历 Calendar!A2", "日期 Date", "not-a-date", "error") in check(workbook)


def test_an_amount_typed_in_a_date_column_is_not_a_date(workbook):
    """150,000 as an Excel day is in the year 2310, beyond the dates pandas holds (2262): it used to crash
    the run instead of pointing at the cell."""
    edit(workbook, {"日历 Calendar!A2": 150_000})
    book = openpyxl.load_workbook(workbook)
    book["日历 Calendar"]["A2"].number_format = "General"
    book.save(workbook)
    assert ("日历 Calendar!A2", "日期 Date", "not-a-date", "error") in check(workbook)


def test_merged_cells_in_a_table(workbook):
    book = openpyxl.load_workbook(workbook)
    book["业务员 Reps"].merge_cells("D3:D4")
    book.save(workbook)
    assert ("业务员 Reps!D3", "主管 Manager", "merged-cells", "error") in check(workbook)


def test_formula_without_cached_value(workbook):
    edit(workbook, {"产品 Products!D3": "=100*2"})
    assert ("产品 Products!D3", "单价 Unit price", "formula-without-value", "error") in check(workbook)


def test_excel_error_value(workbook):
    edit(workbook, {"产品 Products!D5": "#DIV/0!"})
    assert ("产品 Products!D5", "单价 Unit price", "excel-error", "error") in check(workbook)


def test_choice_not_in_list(workbook):
    edit(workbook, {"产品 Products!C2": "明星"})
    assert ("产品 Products!C2", "产品角色 Role", "not-a-choice", "error") in check(workbook)


def test_missing_plan_month(workbook):
    edit(workbook, {"设置 Settings!B2": None})
    assert ("设置 Settings!B2", "值 Value", "empty-required", "error") in check(workbook)


def test_history_row_without_date_or_month(workbook):
    edit(workbook, {"历史销售 History!B2": None})
    assert ("历史销售 History!A2", "日期 Date", "needs-one-of", "error") in check(workbook)


def test_header_aliases_chinese_english_and_full_width(workbook):
    edit(workbook, {"业务员 Reps!A1": "ＲＥＰ　ＩＤ", "业务员 Reps!B1": "姓名", "业务员 Reps!C1": "region",
                    "业务员 Reps!D1": "Manager 主管"})
    assert check(workbook) == []
    inputs, _ = read_inputs(FileWorkbook(workbook), only=["reps", "regions"])
    assert inputs.layouts["reps"].columns["rep_id"] == ("A", "ＲＥＰ　ＩＤ")


def test_sheet_found_by_english_name_only(workbook):
    book = openpyxl.load_workbook(workbook)
    book["产品结构 RoleMix"].title = "rolemix"
    book.save(workbook)
    assert check(workbook) == []


def test_header_not_on_first_row(workbook):
    book = openpyxl.load_workbook(workbook)
    ws = book["产品结构 RoleMix"]
    for t in list(ws.tables):
        del ws.tables[t]
    ws.insert_rows(1, 2)
    ws["A1"] = "我们的产品结构"
    book.save(workbook)
    found = check(workbook)
    assert found == [("产品结构 RoleMix!3", None, "header-not-first-row", "notice")]


@pytest.mark.parametrize("content, code", [(b"", "empty-file"), (b"PK\x03\x04 broken", "corrupt-file"),
                                           (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old-or-encrypted")])
def test_files_that_are_not_workbooks(tmp_path, content, code):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(path)
    assert [p.code for p in found.value.problems] == [code]
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert path.read_bytes() == content


def test_cli_check_exit_codes(workbook):
    assert runner.invoke(app, ["check", str(workbook)]).exit_code == 0
    edit(workbook, {"业务员 Reps!B3": None})
    before = digest(workbook)
    result = runner.invoke(app, ["check", str(workbook)])
    assert result.exit_code == 1
    assert "业务员 Reps!B3" in result.output
    assert digest(workbook) == before


def test_number_in_a_percent_formatted_cell_is_read_as_excel_shows_it(workbook):
    """1.2 formatted 0% shows as 120 %: it is 120 %, not 1.2 percentage points; a bare 1.5 is still 1.5 %."""
    edit(workbook, {"产品结构 RoleMix!B2": 1.2, "产品结构 RoleMix!B3": 1.5})
    book = openpyxl.load_workbook(workbook)
    book["产品结构 RoleMix"]["B2"].number_format = "0%"
    book["产品结构 RoleMix"]["B3"].number_format = "General"
    book.save(workbook)
    inputs, problems = read_inputs(FileWorkbook(workbook), only=["role_mix"])
    assert inputs["role_mix"].loc[2, "share"] == pytest.approx(1.2)
    assert inputs["role_mix"].loc[3, "share"] == pytest.approx(0.015)
    assert [(p.cell, p.code) for p in problems] == [("产品结构 RoleMix!B2", "above-maximum"),
                                                   ("产品结构 RoleMix!B3", "percent-points")]


@pytest.mark.parametrize("typed", [1e300, "1E+300", 2e13, "2000000亿"])
def test_an_amount_beyond_any_company_is_a_located_typo(workbook, typed):
    """A budget of 1E+300 was accepted: numpy warned "invalid value encountered in cast" and wrote garbage
    integers. Any number above 1e13 (ten trillion) is asked about at its cell, and nothing is written."""
    edit(workbook, {"年度预算 Budget!D2": typed})
    found = check(workbook)
    assert ("年度预算 Budget!D2", "预算金额 Budget amount", "implausible-number", "error") in found
    before = digest(workbook)
    result = steps_target(workbook)
    assert [(p.cell, p.code) for p in result.problems if p.severity == "error"] == \
        [("年度预算 Budget!D2", "implausible-number")]
    assert "typo" in next(p for p in result.problems if p.code == "implausible-number").message_en
    assert digest(workbook) == before


def test_a_large_but_real_amount_is_accepted(workbook):
    edit(workbook, {"年度预算 Budget!D2": 9.9e12})  # 9.9 trillion: a very large company, not a typo
    assert ("年度预算 Budget!D2", "预算金额 Budget amount", "implausible-number", "error") not in check(workbook)


def steps_target(path):
    from salesxl.steps.target import target
    return target(FileWorkbook(path))
