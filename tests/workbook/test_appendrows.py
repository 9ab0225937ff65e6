"""Rows added below a planner's input table: in their place, the table grown over them, nothing else touched."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import Table

from salesxl.problems import ProblemsFound
from salesxl.workbook.backend import AppendedRows
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.livebook import LiveWorkbook
from salesxl.workbook.reader import read_inputs

from ..conftest import digest
from .fake_xlwings import cells, model, new_book
from .libreoffice import needs_soffice, sheets_as_csv

LOG = "日志 Daily Log"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def planner_log(tmp_path) -> Path:
    """A planner's Daily Log: a table over two rows, a note of their own in P5, an empty yellow cell in C5,
    a row 10 holding only a format, and a sheet they drew nothing on."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = LOG
    ws.append(["日期 Date", "业务员编号 Rep ID", "行程序号 Stop", "网点编号 Outlet ID"])
    ws.append([dt.date(2026, 12, 1), "R001", 1, "O1"])
    ws.append([dt.date(2026, 12, 1), "R001", 2, "O2"])
    ws.add_table(Table(displayName="tbl_log", ref="A1:D3"))
    ws["P5"] = "我的备注 my note"
    ws["C5"].fill = PatternFill("solid", fgColor="FFFF00")
    ws.row_dimensions[10].height = 30
    ws["B10"].fill = PatternFill("solid", fgColor="FFFF00")
    book.create_sheet("其他 Other")["A1"] = "留着 keep"
    path = tmp_path / "plan.xlsx"
    book.save(path)
    return path


def block(first_row: int, count: int) -> AppendedRows:
    return AppendedRows(LOG, 1, first_row, {
        "A": ([dt.date(2026, 12, 14)] * count, "yyyy-mm-dd"),
        "B": (["R002"] * count, None),
        "C": (list(range(1, count + 1)), "0"),
        "D": ([f"O{9 + i}" if i else "=not a formula" for i in range(count)], None),
    })


REWRITTEN = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def cells_in_order(sheet: etree._Element) -> list[tuple[int, str]]:
    found = []
    for row in sheet.iterfind(".//m:sheetData/m:row", NS):
        found += [(int(row.get("r")), c.get("r")) for c in row.iterfind("m:c", NS)]
    return found


def test_rows_go_below_the_table_among_a_planners_cells_and_the_table_grows(planner_log):
    before = entries(planner_log)
    FileWorkbook(planner_log).write_sheets([], [block(4, 8)])  # rows 4 to 11: through row 5's and row 10's cells
    after = entries(planner_log)
    sheet, table = "xl/worksheets/sheet1.xml", "xl/tables/table1.xml"
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed <= {sheet, table, "xl/styles.xml", *REWRITTEN} and set(after) == set(before)
    for name in changed & REWRITTEN:  # written back as they were, now with the XML declaration Excel writes
        assert after[name].split(b"?>", 1)[1].strip() == before[name]
    root = etree.fromstring(after[sheet])
    order = cells_in_order(root)
    assert order == sorted(order, key=lambda rc: (rc[0], openpyxl.utils.column_index_from_string(
        rc[1].rstrip("0123456789"))))  # Excel reads rows and cells only in order
    assert root.find("m:dimension", NS).get("ref") == "A1:P11"
    assert etree.fromstring(after[table]).get("ref") == "A1:D11"
    assert etree.fromstring(after[table]).find("m:autoFilter", NS).get("ref") == "A1:D11"
    ws = openpyxl.load_workbook(planner_log)[LOG]
    assert [[c.value for c in row] for row in ws["A4:D5"]] == [
        [dt.datetime(2026, 12, 14), "R002", 1, "=not a formula"], [dt.datetime(2026, 12, 14), "R002", 2, "O10"]]
    assert ws["D4"].data_type == "s" and ws["A4"].number_format == "yyyy-mm-dd"
    assert ws["P5"].value == "我的备注 my note" and ws["B10"].value == "R002"
    inputs, _ = read_inputs(FileWorkbook(planner_log), only=("daily_log",))
    assert inputs["daily_log"]["stop"].tolist() == [1, 2, 1, 2, 3, 4, 5, 6, 7, 8]


def test_a_table_ending_in_a_totals_row_is_not_written_below(planner_log):
    book = openpyxl.load_workbook(planner_log)
    book[LOG].tables["tbl_log"].totalsRowCount = 1
    book.save(planner_log)
    before = digest(planner_log)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(planner_log).write_sheets([], [block(4, 2)])
    assert [(p.cell, p.code) for p in found.value.problems] == [(f"{LOG}!3", "table-has-totals")]
    assert digest(planner_log) == before


def test_a_sheet_that_is_not_there_takes_no_rows(planner_log):
    before = digest(planner_log)
    with pytest.raises(ProblemsFound) as found:
        FileWorkbook(planner_log).write_sheets([], [AppendedRows("跟进记录 Touches", 1, 2, {"A": (["x"], None)})])
    assert [p.code for p in found.value.problems] == ["no-sheet-to-append"]
    assert digest(planner_log) == before


def test_in_excel_the_rows_are_typed_as_text_and_the_table_resized():
    book = new_book()
    sheet = book.sheets.add(name=LOG)
    sheet.range("A1").value = [["日期 Date", "业务员编号 Rep ID", "行程序号 Stop", "网点编号 Outlet ID"]]
    table = sheet.tables.add(source=sheet.range("A1:D2"), name="tbl_log")
    LiveWorkbook(book).write_sheets([], [block(2, 2)])
    assert sheet.range("A2:D3").value == [[dt.datetime(2026, 12, 14), "R002", 1, "=not a formula"],
                                          [dt.datetime(2026, 12, 14), "R002", 2, "O10"]]
    assert cells(sheet)[(2, 4)].formula is None  # typed behind the text prefix: text, never a formula
    assert model(table).bounds == (1, 1, 3, 4)


@needs_soffice
def test_libreoffice_reads_the_added_rows(planner_log, tmp_path):
    FileWorkbook(planner_log).write_sheets([], [block(4, 3)])
    rows = sheets_as_csv([planner_log], tmp_path / "csv")[planner_log][LOG]
    assert [r[:4] for r in rows[3:6]] == [["2026-12-14", "R002", "1", "=not a formula"],
                                          ["2026-12-14", "R002", "2", "O10"], ["2026-12-14", "R002", "3", "O11"]]
