"""The live backend owns sheets the way the file backend does: by the marker, never by name alone."""

from __future__ import annotations

import openpyxl
import pytest

from salesxl.problems import ProblemsFound
from salesxl.workbook.backend import OWNER_MARKER
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.livebook import LiveWorkbook, owner

from .fake_xlwings import book_from_file, model, new_book
from .outputs import MONTH_TARGET, PROBLEMS, planner_outputs


def test_sheets_written_in_excel_carry_the_hidden_marker():
    book = new_book()
    book.sheets.add("数据 Data")
    LiveWorkbook(book).write_sheets(planner_outputs())
    assert [owner(book.sheets[s.name]) for s in (MONTH_TARGET, PROBLEMS)] == ["month_target", "problems"]
    marker = next(iter(book.sheets[MONTH_TARGET.name].names))
    assert marker.name == f"'{MONTH_TARGET.name}'!{OWNER_MARKER}" and marker.api.Visible is False
    LiveWorkbook(book).write_sheets(planner_outputs())  # and are replaced on the next run
    assert [s.name for s in book.sheets] == ["数据 Data", MONTH_TARGET.name, PROBLEMS.name]


def test_a_planner_sheet_with_an_output_name_is_not_overwritten_in_excel():
    book = new_book()
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


def test_a_rerun_in_excel_keeps_the_planners_formulas_that_point_into_an_owned_sheet():
    """Excel turns a formula that points into a deleted sheet into #REF! (the stand-in does the same), so an
    owned sheet is emptied in place on a rerun: its tables go, its cells are cleared, the sheet itself stays."""
    book = new_book()
    summary = book.sheets.add("汇总 Summary")
    LiveWorkbook(book).write_sheets(planner_outputs())
    target = book.sheets[MONTH_TARGET.name]
    tables_before = [t.name for t in target.tables]
    summary.range("A1").formula = f"='{MONTH_TARGET.name}'!B5"
    LiveWorkbook(book).write_sheets(planner_outputs(total=False))
    assert summary.range("A1").formula == f"='{MONTH_TARGET.name}'!B5"
    assert model(book.sheets[MONTH_TARGET.name]) is model(target) and [t.name for t in target.tables] == tables_before
    assert [s.name for s in book.sheets] == ["汇总 Summary", MONTH_TARGET.name, PROBLEMS.name]
    target.delete()  # the stand-in does break such formulas, so the test above can fail
    assert summary.range("A1").formula == "=#REF!"


def test_both_backends_read_a_sheet_with_its_owner(tmp_path):
    """The reader trusts salesxl's layout only on a sheet that carries the marker (issue 22): the file and
    the live backend both hand it over with the sheet, and a planner's own sheet has none."""
    path = tmp_path / "plan.xlsx"
    openpyxl.Workbook().save(path)
    FileWorkbook(path).write_sheets(planner_outputs())
    assert FileWorkbook(path).read_sheet(MONTH_TARGET.name).owner == "month_target"
    assert FileWorkbook(path).read_sheet("Sheet").owner is None
    book = book_from_file(path)
    assert LiveWorkbook(book).read_sheet(MONTH_TARGET.name).owner == "month_target"
    assert LiveWorkbook(book).read_sheet("Sheet").owner is None
