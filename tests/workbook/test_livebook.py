"""One contract over both backends (file, and live on the xlwings double), then what only Excel needs.

Same workbook in -> the same RawSheet read and the same problems found; same
SheetOutput in -> the same cell contents, number formats and tables out.
"""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

from salesxl import steps
from salesxl.problems import Problem
from salesxl.reports.problems import problems_sheet
from salesxl.workbook import livebook
from salesxl.workbook.backend import OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.livebook import LiveWorkbook, merged_areas
from salesxl.workbook.contract.base import PROBLEMS
from salesxl.workbook.contract.target import MONTH_TARGET

from . import fake_xlwings
from .fake_xlwings import ExcelError, book_from_file, cells, excel_of, model, new_book

WHEN = dt.datetime(2026, 1, 31, 18, 0)


def both(path):
    """The same workbook through each backend: ``[("file", backend), ("live", backend)]``."""
    return [("file", FileWorkbook(path)), ("live", LiveWorkbook(book_from_file(path)))]


def sample_outputs() -> list[SheetOutput]:
    """Every kind of column, a totals row, two tables, notes, and text Excel would misread."""
    frame = pd.DataFrame({
        "rep": ["R001", "00123", "=1+1", "2026-02"],
        "day": pd.to_datetime(["2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05"]),
        "month": pd.PeriodIndex(["2026-02"] * 4, freq="M"),
        "target": [19312.5, 19312.5, 1000.0, 0.0],
        "share": [0.25, 0.25, 0.4, 0.1],
        "outlets": [3, 4, 5, 0],
        "core": [True, False, True, False],
    })
    columns = [OutColumn("rep", "业务员", "Rep"), OutColumn("day", "日期", "Date", "date"),
               OutColumn("month", "月份", "Month", "month"),
               OutColumn("target", "目标", "Target", "amount", total=True),
               OutColumn("share", "占比", "Share", "percent", total=True),
               OutColumn("outlets", "网点数", "Outlets", "integer", total=True),
               OutColumn("core", "核心", "Core")]
    empty = pd.DataFrame({"rep": pd.Series([], dtype=object)})
    target = SheetOutput(MONTH_TARGET, "计划月份 2026-02", ["注意 note one", "=not a formula"], [
        OutTable(frame, columns, heading="按业务员 By rep"),
        OutTable(empty, [OutColumn("rep", "业务员", "Rep")], heading="空表 Empty"),
    ])
    problems = [Problem("业务员 Reps", 3, "name", "empty-required", "必填项为空", "empty", letter="B", header="姓名 Name"),
                Problem("区域 Regions", None, None, "missing-sheet", "缺少", "missing"),
                Problem("产品 Products", 4, "price", "number-from-text", "读作数字", "read", "notice", "D", "单价")]
    return [target, problems_sheet(problems, ["业务员 Reps", "产品 Products"], "检查 Check", WHEN)]


def contents_of_file(path, name):
    ws = openpyxl.load_workbook(path)[name]
    cells = {(c.row, c.column): (c.value, c.number_format if c.value is not None else None)
             for row in ws.iter_rows() for c in row if c.value is not None}
    tables = sorted((t.displayName, range_boundaries(t.ref)) for t in ws.tables.values())
    return cells, tables


def contents_of_fake(book, name):
    sheet = book.sheets[name]
    found = {rc: (c.formula or c.value, c.number_format) for rc, c in cells(sheet).items()
             if c.formula or c.value is not None}
    tables = sorted((t.name, (r.column, r.row, r.column + r.shape[1] - 1, r.row + r.shape[0] - 1))
                    for t in sheet.tables for r in [t.range])
    return found, tables


# Reading ------------------------------------------------------------------------------------------

def test_both_backends_read_the_same_raw_sheets(workbook):
    file, live = (b for _, b in both(workbook))
    assert live.sheet_names() == file.sheet_names()
    for name in file.sheet_names():
        a, b = file.read_sheet(name), live.read_sheet(name)
        assert (b.name, b.rows, b.merged, b.date1904) == (a.name, a.rows, a.merged, a.date1904), name
        assert b.percent_cells == a.percent_cells, name


def test_percent_formatted_numbers_are_found_by_halving():
    """Excel shows 1.2 formatted 0% as 120 %: the live backend must know, as the file backend does."""
    book = new_book()
    sheet = book.sheets.add(name="s")
    sheet.range("A1").value = [["门槛 Threshold", "金额 Amount"], [1.2, 800.0], [0.8, 500.0], [None, 1.0], [1.5, 2.0]]
    sheet.range("A2:A5").number_format = "0.0%"
    sheet.range("B2:B5").number_format = "#,##0.00"
    sheet.range("B5").number_format = "0%"
    found = livebook.percent_cells(sheet, sheet.range("A1:B5").options(ndim=2).value)
    assert found == {(2, 1), (3, 1), (5, 1), (5, 2)}


def test_both_backends_find_the_same_problems(workbook):
    book = openpyxl.load_workbook(workbook)
    book["业务员 Reps"]["B3"] = None
    book["产品 Products"]["D4"] = "about 90"
    book["年度预算 Budget"]["D2"] = "30.9万"
    book["产品 Products"]["E5"] = "#N/A"
    book["产品 Products"]["E5"].data_type = "e"
    book["网点 Outlets"].merge_cells("B3:C4")
    book.save(workbook)
    found = {kind: [(p.cell, p.header, p.code, p.severity) for p in steps.check(backend).problems]
             for kind, backend in both(workbook)}
    assert found["live"] == found["file"]
    assert ("业务员 Reps!B3", "姓名 Name", "empty-required", "error") in found["live"]
    assert any(code == "merged-cells" and cell == "网点 Outlets!B3" for cell, _, code, _ in found["live"])


def test_reading_a_sheet_is_one_call(workbook):
    backend = LiveWorkbook(book_from_file(workbook))
    excel = excel_of(backend.book)
    before = excel.calls
    backend.read_sheet("历史销售 History")
    assert excel.calls - before == 1


def test_merged_areas_are_found_by_halving():
    book = new_book()
    sheet = book.sheets.add(name="s")
    sheet.range((200, 20)).value = 1.0
    for area in [(1, 1, 1, 5), (50, 3, 52, 4), (199, 20, 200, 20)]:
        model(sheet).merged.append(area)
    assert merged_areas(sheet, 200, 20) == [(1, 1, 1, 5), (50, 3, 52, 4), (199, 20, 200, 20)]
    assert merged_areas(book.sheets.add(name="t"), 1000, 30) == []


# Writing ------------------------------------------------------------------------------------------

def test_same_output_gives_the_same_cells_formats_and_tables(workbook, tmp_path):
    outputs = sample_outputs()
    FileWorkbook(workbook).write_sheets(outputs)
    # Excel opens the result, so the live backend replaces sheets (and table names) that exist.
    fresh = book_from_file(shutil.copy(workbook, tmp_path / "copy.xlsx"))
    LiveWorkbook(fresh).write_sheets(outputs)
    for output in outputs:
        file_cells, file_tables = contents_of_file(workbook, output.sheet.name)
        live_cells, live_tables = contents_of_fake(fresh, output.sheet.name)
        assert live_tables == file_tables
        assert live_cells == file_cells, output.sheet.name
    assert [s.name for s in fresh.sheets] == openpyxl.load_workbook(workbook).sheetnames


def test_text_that_excel_would_misread_stays_text(workbook):
    book = book_from_file(workbook)
    LiveWorkbook(book).write_sheets(sample_outputs()[:1])
    sheet = book.sheets[MONTH_TARGET.name]
    texts = {c.value for c in cells(sheet).values() if isinstance(c.value, str)}
    # Without the text prefix Excel would make 00123 a number, 2026-02 a date and =1+1 a formula.
    assert {"00123", "2026-02", "=1+1", "=not a formula"} <= texts
    assert not any(c.formula and "1+1" in c.formula for c in cells(sheet).values())


def test_problems_sheet_links_to_each_faulty_cell(workbook):
    book = book_from_file(workbook)
    LiveWorkbook(book).write_sheets(sample_outputs()[1:])
    formulas = [c.formula for c in cells(book.sheets[PROBLEMS.name]).values() if c.formula]
    assert formulas == ['=HYPERLINK("#\'业务员 Reps\'!B3","业务员 Reps!B3")',
                        '=HYPERLINK("#\'产品 Products\'!D4","产品 Products!D4")']
    # The missing sheet has nothing to link to: its name is plain text.
    assert "区域 Regions" in {c.value for c in cells(book.sheets[PROBLEMS.name]).values()}


def test_rewriting_replaces_the_sheet_in_place(workbook):
    book = book_from_file(workbook)
    live = LiveWorkbook(book)
    outputs = sample_outputs()
    live.write_sheets(outputs)
    order = [s.name for s in book.sheets]
    smaller = SheetOutput(MONTH_TARGET, "v2", [], [OutTable(pd.DataFrame({"rep": ["R9"]}), [OutColumn("rep", "业务员", "Rep")])])
    live.write_sheets([smaller])
    assert [s.name for s in book.sheets] == order
    sheet = book.sheets[MONTH_TARGET.name]
    assert {rc for rc, c in cells(sheet).items() if c.value is not None or c.formula} == {(1, 1), (2, 1), (4, 1), (5, 1)}
    assert [t.name for t in sheet.tables] == ["sx_month_target_1"]


def test_excel_state_is_restored_after_writing(workbook):
    book = book_from_file(workbook)
    app = book.app
    book.sheets["业务员 Reps"].activate()
    book.sheets["业务员 Reps"].range("C5:D7").select()
    app.calculation = "semiautomatic"
    seen = []
    original = livebook.write_plan

    def spy(sheet, plan):
        seen.append((app.calculation, app.screen_updating, app.enable_events))
        original(sheet, plan)

    livebook.write_plan, saved = spy, livebook.write_plan
    try:
        LiveWorkbook(book).write_sheets(sample_outputs())
    finally:
        livebook.write_plan = saved
    assert seen == [("manual", False, False), ("manual", False, False)]
    assert (app.calculation, app.screen_updating, app.enable_events) == ("semiautomatic", True, True)
    assert book.sheets.active.name == "业务员 Reps" and book.selection.address == "$C$5:$D$7"


def test_excel_state_is_restored_when_a_write_fails(workbook, monkeypatch):
    book = book_from_file(workbook)
    app = book.app
    book.sheets["产品 Products"].activate()

    def broken(*args, **kwargs):
        raise RuntimeError("Excel said no")

    monkeypatch.setattr(type(book.sheets[0].tables), "add", broken)
    with pytest.raises(RuntimeError, match="Excel said no"):
        LiveWorkbook(book).write_sheets(sample_outputs())
    assert (app.calculation, app.screen_updating, app.enable_events) == ("automatic", True, True)
    assert book.sheets.active.name == "产品 Products" and book.selection.address == "$A$1"


def test_a_bad_value_fails_before_excel_is_touched(workbook):
    book = book_from_file(workbook)
    before = [s.name for s in book.sheets]
    bad = SheetOutput(MONTH_TARGET, tables=[OutTable(pd.DataFrame({"x": [object()]}), [OutColumn("x", "x", "x")])])
    with pytest.raises(ValueError):
        LiveWorkbook(book).write_sheets([sample_outputs()[1], bad])
    assert [s.name for s in book.sheets] == before and excel_of(book).calls == 0


def test_large_sheets_are_written_in_chunks(workbook, monkeypatch):
    """xlwings chunks a long write itself (above 100,000 cells in Excel); here its budget is 70 cells."""
    monkeypatch.setattr(fake_xlwings.engine.Range, "max_cells_per_write", property(lambda self: 70))
    frame = pd.DataFrame({f"c{i}": range(25) for i in range(7)})
    output = SheetOutput(MONTH_TARGET, tables=[OutTable(frame, [OutColumn(f"c{i}", "列", f"C{i}", "integer")
                                                                for i in range(7)])])
    book = book_from_file(workbook)
    writes = []
    store = fake_xlwings.engine.Range.raw_value.fset

    def counting(self, data):
        writes.append(len(data) if isinstance(data, list) else 1)
        store(self, data)

    monkeypatch.setattr(fake_xlwings.engine.Range, "raw_value", fake_xlwings.engine.Range.raw_value.setter(counting))
    LiveWorkbook(book).write_sheets([output])
    # Title, blank row, header and 25 rows = 28 rows of 7 columns: 10 + 10 + 8 (then one cell: the marker).
    assert writes[:3] == [10, 10, 8]
    assert cells(book.sheets[MONTH_TARGET.name])[(28, 7)].value == 24.0


def test_the_double_refuses_what_excel_refuses():
    book = new_book()
    sheet = book.sheets.add(name="a")
    with pytest.raises(ValueError):
        book.sheets.add(name="A")
    with pytest.raises(ValueError):
        sheet.range("A1").value = "=SUM(NoSuchTable[x])"
    sheet.range("A1").value = [["'2026-02", "2026-02", "00123", "'00123"]]
    assert [cells(sheet)[(1, c)].value for c in range(1, 5)] == ["2026-02", dt.datetime(2026, 2, 1), 123.0, "00123"]
    model(sheet).cell(2, 1).value = ExcelError("#N/A")
    assert sheet.range("A2").value is None and sheet.range("A2").options(err_to_str=True).value == "#N/A"
    other = book.sheets.add(name="b")
    with pytest.raises(RuntimeError):
        sheet.range("A1").select()
    assert book.sheets.active == other
    other.visible = False
    with pytest.raises(RuntimeError):
        other.activate()  # a hidden sheet cannot be activated
