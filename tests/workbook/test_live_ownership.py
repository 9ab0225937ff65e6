"""The live backend owns sheets the way the file backend does: by the marker, never by name alone."""

from __future__ import annotations

import openpyxl
import pytest

from salesxl.problems import ProblemsFound
from salesxl.workbook.backend import OWNER_MARKER
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.livebook import LiveWorkbook, owner

from .fake_xlwings import Book, book_from_file
from .outputs import MONTH_TARGET, PROBLEMS, planner_outputs


def test_sheets_written_in_excel_carry_the_hidden_marker():
    book = Book()
    book.sheets.add("数据 Data")
    LiveWorkbook(book).write_sheets(planner_outputs())
    assert [owner(book.sheets[s.name]) for s in (MONTH_TARGET, PROBLEMS)] == ["month_target", "problems"]
    marker = next(iter(book.sheets[MONTH_TARGET.name].names))
    assert marker.name == f"'{MONTH_TARGET.name}'!{OWNER_MARKER}" and marker.api.Visible is False
    LiveWorkbook(book).write_sheets(planner_outputs())  # and are replaced on the next run
    assert [s.name for s in book.sheets] == ["数据 Data", MONTH_TARGET.name, PROBLEMS.name]


def test_a_planner_sheet_with_an_output_name_is_not_overwritten_in_excel():
    book = Book()
    mine = book.sheets.add(MONTH_TARGET.name)
    mine.range("A1").value = "我自己的目标"
    with pytest.raises(ProblemsFound) as found:
        LiveWorkbook(book).write_sheets(planner_outputs())
    assert [(p.cell, p.code) for p in found.value.problems] == [(MONTH_TARGET.name, "sheet-not-owned")]
    assert [s.name for s in book.sheets] == [MONTH_TARGET.name]
    assert book.sheets[MONTH_TARGET.name].range("A1").value == "我自己的目标"


def test_a_sheet_the_cli_wrote_is_replaced_in_excel(tmp_path):
    path = tmp_path / "plan.xlsx"
    openpyxl.Workbook().save(path)
    FileWorkbook(path).write_sheets(planner_outputs())
    book = book_from_file(path)  # Excel opens the file: the markers come with the sheets
    assert owner(book.sheets[MONTH_TARGET.name]) == "month_target"
    LiveWorkbook(book).write_sheets(planner_outputs(total=False))
    assert owner(book.sheets[MONTH_TARGET.name]) == "month_target"
