"""The bad-input corpus (tests/data/bad/, made by make_bad.py): one fault per workbook.

Each fault is reported at its sheet, row and column (``Problem.cell`` and the header as typed),
with its code and severity, and the file on disk is byte-identical afterwards. Files that are
not workbooks salesxl can open are refused with a message saying what they are.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from salesxl import steps
from salesxl.problems import ProblemsFound
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs

from .outputs import MONTH_TARGET, planner_outputs
from ..conftest import digest

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

E, W, N = "error", "warning", "notice"
NO_REPLAY = ("历史销售 History", None, "too-little-history", E)
"""With a product's role or price unreadable (or Products or RoleMix unusable), the backtest has no month left to
replay and refuses; check runs the backtest's checks too (issue 21), so it says so beside the fault."""
FOUND = {
    "missing_sheet.xlsx": [("产品结构 RoleMix", None, "missing-sheet", E), NO_REPLAY],
    "renamed_header.xlsx": [("产品 Products!1", None, "missing-column", E), NO_REPLAY],
    "blank_rows_and_columns.xlsx": [],
    "header_not_first_row.xlsx": [("产品结构 RoleMix!3", None, "header-not-first-row", N)],
    "text_in_number.xlsx": [("产品 Products!D3", "单价 Unit price", "not-a-number", E), NO_REPLAY],
    "amount_in_wan.xlsx": [("年度预算 Budget!D2", "预算金额 Budget amount", "number-from-text", N)],
    "amount_with_commas.xlsx": [("年度预算 Budget!D3", "预算金额 Budget amount", "number-from-text", N)],
    "full_width_digits.xlsx": [("年度预算 Budget!D4", "预算金额 Budget amount", "number-from-text", N)],
    "negative_amount.xlsx": [("年度预算 Budget!D5", "预算金额 Budget amount", "below-minimum", E)],
    "percent_spellings.xlsx": [("产品结构 RoleMix!B2", "金额占比 Share of amount", "percent-points", N)],
    "dates_as_text.xlsx": [],
    "ambiguous_date.xlsx": [("日历 Calendar!A2", "日期 Date", "not-a-date", E)],
    "text_for_a_date.xlsx": [("业务员 Reps!G2", "入职日期 Hire date", "not-a-date", E)],
    "date_as_serial.xlsx": [("日历 Calendar!A2", "日期 Date", "date-from-serial", N)],
    "date_system_1904.xlsx": [("日历 Calendar!A2", "日期 Date", "date-from-serial", N)],
    "chinese_date_format.xlsx": [],
    "duplicate_id.xlsx": [("业务员 Reps!A7", "业务员编号 Rep ID", "duplicate-key", E)],
    "unknown_rep.xlsx": [("网点 Outlets!C5", "业务员编号 Rep ID", "unknown-reference", E)],
    "unknown_outlet.xlsx": [("历史销售 History!E2", "网点编号 Outlet ID", "unknown-reference", W)],
    "unknown_sku.xlsx": [("历史销售 History!F2", "产品编码 SKU", "unknown-reference", W)],
    "manager_cycle.xlsx": [("业务员 Reps!D2", "主管 Manager", "manager-cycle", E),
                           ("业务员 Reps!D3", "主管 Manager", "manager-cycle", E)],
    "merged_cells.xlsx": [("业务员 Reps!D3", "主管 Manager", "merged-cells", E)],
    "formula_without_value.xlsx": [("产品 Products!D3", "单价 Unit price", "formula-without-value", E), NO_REPLAY],
    "error_na.xlsx": [("产品 Products!D4", "单价 Unit price", "excel-error", E), NO_REPLAY],
    "error_div0.xlsx": [("产品 Products!D5", "单价 Unit price", "excel-error", E), NO_REPLAY],
    "blank_required_cell.xlsx": [("业务员 Reps!B3", "姓名 Name", "empty-required", E)],
    "choice_not_in_list.xlsx": [("产品 Products!C2", "产品角色 Role", "not-a-choice", E), NO_REPLAY],
    "missing_plan_month.xlsx": [("设置 Settings!B2", "值 Value", "empty-required", E)],
    "protected_sheet.xlsx": [],
    "protected_workbook.xlsx": [],
    "formula_injection.xlsx": [],
    "locked.xlsx": [],
    "empty_workbook.xlsx": [(f"{s}", None, "missing-sheet", E) for s in (
        "设置 Settings", "年度预算 Budget", "参考因素 Factors", "历史销售 History", "产品 Products",
        "产品结构 RoleMix", "区域 Regions", "业务员 Reps", "网点 Outlets")],
}
"""Workbooks salesxl opens: what ``check`` reports, exactly."""

REFUSED = {
    "zero_bytes.xlsx": "empty-file",
    "corrupt_zip.xlsx": "corrupt-file",
    "damaged_part.xlsx": "corrupt-file",
    "not_a_workbook.xlsx": "corrupt-file",
    "web_export.xls": "not-xlsx",
    "old_format.xls": "old-xls",
    "encrypted.xlsx": "encrypted",
}
"""Files that are not workbooks salesxl can open: the one problem, naming the file."""


def test_the_corpus_has_a_fault_per_file_and_every_file_is_expected():
    files = {p.name for p in BAD.iterdir() if p.suffix in (".xlsx", ".xls", ".xlsm")}
    assert files == set(FOUND) | set(REFUSED)
    assert len(files) >= 30


@pytest.fixture
def copy(tmp_path):
    def make(name: str) -> Path:
        path = tmp_path / name
        shutil.copy(BAD / name, path)
        return path
    return make


COMPANY_OWN = {("年度预算 Budget!D" + str(row), "预算金额 Budget amount", "zero-budget", E) for row in (58, 59, 60, 61)}
"""What check says of the corpus's tiny company itself, before any fault: its budget for the plan month is 0 in
four regions (华南 华北 西南 华中), which target refuses, so check says so too (it runs every step's checks,
issue 21). The file with no fault (chinese_date_format.xlsx) shows exactly these."""


def faults(problems) -> list:
    """``(cell, header, code, severity)`` of each problem but the company's own."""
    return [key for key in ((p.cell, p.header, p.code, p.severity) for p in problems) if key not in COMPANY_OWN]


def test_the_company_without_a_fault_is_refused_only_its_zero_budgets(copy):
    found = steps.check(FileWorkbook(copy("chinese_date_format.xlsx"))).problems
    assert {(p.cell, p.header, p.code, p.severity) for p in found} == COMPANY_OWN and len(found) == 4


@pytest.mark.parametrize("name", sorted(FOUND))
def test_each_fault_is_reported_where_it_is(copy, name):
    path = copy(name)
    before = digest(path)
    result = steps.check(FileWorkbook(path))
    assert faults(result.problems) == FOUND[name]
    assert digest(path) == before


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_files_that_are_not_workbooks_are_refused_by_name(copy, name):
    path = copy(name)
    before = digest(path)
    with pytest.raises(ProblemsFound) as found:
        steps.check(FileWorkbook(path))
    assert [(p.cell, p.code) for p in found.value.problems] == [(name, REFUSED[name])]
    assert digest(path) == before


def read(path: Path, *only: str):
    inputs, _ = read_inputs(FileWorkbook(path), only=list(only))
    return inputs


def days(*texts: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(t) for t in texts]


def test_numbers_typed_as_planners_say_them(copy):
    assert read(copy("amount_in_wan.xlsx"), "budget", "regions")["budget"].loc[2, "amount"] == 309_000.0
    assert read(copy("amount_with_commas.xlsx"), "budget", "regions")["budget"].loc[3, "amount"] == 1234.5
    assert read(copy("full_width_digits.xlsx"), "budget", "regions")["budget"].loc[4, "amount"] == 1234.0


def test_percentages_15_and_15_percent_and_0_15_mean_the_same(copy):
    """RoleMix holds 30 (points), "35%" (text), 0.25 and 0.10 (fractions)."""
    shares = read(copy("percent_spellings.xlsx"), "role_mix")["role_mix"]["share"].tolist()
    assert shares == pytest.approx([0.30, 0.35, 0.25, 0.10])


def test_dates_as_text_serials_and_in_both_date_systems(copy):
    calendar = days("2026-12-25", "2026-12-31")
    assert read(copy("dates_as_text.xlsx"), "calendar")["calendar"]["date"].tolist() == calendar
    hired = read(copy("dates_as_text.xlsx"), "reps", "regions")["reps"]["hire_date"].tolist()
    assert hired[:2] == days("2023-05-27", "2023-07-05")
    assert read(copy("date_as_serial.xlsx"), "calendar")["calendar"]["date"].tolist() == calendar
    # 1904 system: the serial 44919 and the stored date both mean 2026-12-25 / 2026-12-31.
    path = copy("date_system_1904.xlsx")
    assert FileWorkbook(path).read_sheet("日历 Calendar").date1904
    assert read(path, "calendar")["calendar"]["date"].tolist() == calendar
    same_reps = read(copy("blank_required_cell.xlsx"), "reps", "regions")["reps"]["hire_date"].tolist()
    assert read(path, "reps", "regions")["reps"]["hire_date"].tolist() == same_reps
    # Chinese Excel's built-in format 31 (2026年12月25日) is a date, not a number to guess about.
    path = copy("chinese_date_format.xlsx")
    assert FileWorkbook(path).read_sheet("日历 Calendar").rows[1][0] == dt.datetime(2026, 12, 25)
    assert read(path, "calendar")["calendar"]["date"].tolist() == calendar


def test_blank_rows_and_columns_are_skipped_and_rows_keep_their_numbers(copy):
    inputs = read(copy("blank_rows_and_columns.xlsx"), "reps", "regions")
    assert inputs["reps"].index.tolist() == [2, 3, 6, 7, 8]
    assert inputs.layouts["reps"].columns["region"] == ("D", "区域 Region")


def test_a_circle_of_managers_is_named(copy):
    found = steps.check(FileWorkbook(copy("manager_cycle.xlsx"))).problems
    assert [p.message_en for p in found if p.code != "zero-budget"] == \
        ["the managers go round in a circle: R001 → R002 → R001"] * 2


def test_text_that_looks_like_a_formula_is_read_and_written_as_text(copy):
    """Names beginning with = + - @ stay text both ways: never a formula (formula injection)."""
    path = copy("formula_injection.xlsx")
    reps = read(path, "reps", "regions")["reps"]
    names = ['=HYPERLINK("http://evil.example","点我")', "+86 138", "-5", "@SUM(A1)"]
    assert reps["name"].tolist()[:4] == names
    listing = SheetOutput(MONTH_TARGET, tables=[OutTable(reps.reset_index(drop=True)[["rep_id", "name"]],
                                                         [OutColumn("rep_id", "编号", "ID"), OutColumn("name", "姓名", "Name")])])
    FileWorkbook(path).write_sheets([listing])
    sheet = etree.fromstring(zipfile.ZipFile(path).read("xl/worksheets/sheet12.xml"))  # after the 11 input sheets
    cells = {c.get("r"): c for c in sheet.iter(f"{MAIN}c")}
    for row, name in zip(range(4, 8), names):
        assert cells[f"B{row}"].get("t") == "inlineStr" and cells[f"B{row}"].find(f"{MAIN}f") is None
        assert cells[f"B{row}"].find(f"{MAIN}is/{MAIN}t").text == name


def test_a_protected_sheet_is_read_and_left_as_it_is(copy):
    path = copy("protected_sheet.xlsx")
    reps_part = zipfile.ZipFile(path).read("xl/worksheets/sheet9.xml")
    assert b"<sheetProtection" in reps_part
    FileWorkbook(path).write_sheets(planner_outputs())
    assert zipfile.ZipFile(path).read("xl/worksheets/sheet9.xml") == reps_part


def test_a_workbook_with_a_protected_structure_is_read_but_not_written(copy):
    path = copy("protected_workbook.xlsx")
    before = digest(path)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(path).write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [("protected_workbook.xlsx", "workbook-protected")]
    assert digest(path) == before


def test_a_workbook_locked_by_another_program_is_read_but_not_written(copy):
    path = copy("locked.xlsx")
    (path.parent / "~$locked.xlsx").write_bytes(b"\x05Alice")  # Excel's owner file while it has the file open
    before = digest(path)
    assert faults(steps.check(FileWorkbook(path)).problems) == []
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(path).write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [("locked.xlsx", "file-locked")]
    assert digest(path) == before
