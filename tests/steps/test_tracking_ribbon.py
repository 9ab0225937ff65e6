"""The weekly button on the xlwings double keeps the meeting's notes (that it writes what the CLI writes is
tests/steps/test_live_contract.py's)."""

from __future__ import annotations

import shutil

import xlwings as xw

from salesxl import ribbon

from ..workbook.fake_xlwings import book_from_file, cells, excel_of, model


def press(monkeypatch, book, control_id):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch(control_id)


def test_weekly_button_keeps_the_notes_typed_in_excel(tracked, tmp_path, monkeypatch):
    book = book_from_file(shutil.copy(tracked, tmp_path / "live.xlsx"))
    press(monkeypatch, book, "weekly")
    assert excel_of(book).alerts[-1]["mode"] == "info"
    # The manager types a comment for R001 in the live workbook; pressing again keeps it.
    sheet = book.sheets["周报 Weekly Review"]
    header = next(r for (r, c), cell in sorted(cells(sheet).items()) if c == 4 and cell.value == "述职 Rep report")
    assert cells(sheet)[(header + 1, 2)].value == "R001"
    sheet.range((header + 1, 5)).value = "'客户反馈要跟进到位"
    press(monkeypatch, book, "weekly")
    # The sheet is emptied and refilled in place (so formulas pointing into it survive): the note is there
    # again because salesxl read it back before clearing, not because the cell was left alone.
    assert model(sheet) is model(book.sheets["周报 Weekly Review"])
    assert cells(sheet)[(header + 1, 5)].value == "客户反馈要跟进到位"
