"""The tracking buttons on the xlwings double: the same sheets as the CLI, and the meeting's notes kept."""

from __future__ import annotations

import shutil

import xlwings as xw

from salesxl import ribbon
from salesxl.steps.weekly import weekly
from salesxl.workbook.filebook import FileWorkbook

from ..test_ribbon import same_cells
from ..workbook.fake_xlwings import book_from_file
from ..workbook.test_livebook import contents_of_fake, contents_of_file


def press(monkeypatch, book, control_id):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch(control_id)


def test_weekly_button_writes_what_the_cli_writes_and_keeps_the_notes(tracked, tmp_path, monkeypatch):
    book = book_from_file(shutil.copy(tracked, tmp_path / "live.xlsx"))
    assert weekly(FileWorkbook(tracked)).ok
    press(monkeypatch, book, "weekly")
    assert book.app.alerts[-1]["mode"] == "info"
    file_cells, file_tables = contents_of_file(tracked, "周报 Weekly Review")
    live_cells, live_tables = contents_of_fake(book, "周报 Weekly Review")
    assert live_tables == file_tables and same_cells(file_cells, live_cells)
    # The manager types a comment for R001 in the live workbook; pressing again keeps it.
    sheet = book.sheets["周报 Weekly Review"]
    header = next(r for (r, c), cell in sorted(sheet.cells.items()) if c == 4 and cell.value == "述职 Rep report")
    assert sheet.cells[(header + 1, 2)].value == "R001"
    sheet.range((header + 1, 5)).value = "'客户反馈要跟进到位"
    press(monkeypatch, book, "weekly")
    assert sheet is book.sheets["周报 Weekly Review"]  # refilled in place (main cdda8cd), not deleted and re-added
    sheet = book.sheets["周报 Weekly Review"]
    assert sheet.cells[(header + 1, 5)].value == "客户反馈要跟进到位"
