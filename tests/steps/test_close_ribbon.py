"""The 月末考核 Close button on the xlwings double writes what the CLI writes (the chart aside: file backend only)."""

from __future__ import annotations

import shutil

import xlwings as xw

from salesxl import ribbon
from salesxl.steps.close import close
from salesxl.workbook.filebook import FileWorkbook

from ..test_ribbon import same_cells
from ..workbook.fake_xlwings import book_from_file
from ..workbook.test_livebook import contents_of_fake, contents_of_file


def test_close_button_writes_what_the_cli_writes(closable, tmp_path, monkeypatch):
    book = book_from_file(shutil.copy(closable, tmp_path / "live.xlsx"))
    result = close(FileWorkbook(closable))
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch("close")
    assert book.app.alerts[-1]["mode"] == "info" and result.summary in book.app.alerts[-1]["prompt"]
    file_cells, file_tables = contents_of_file(closable, "月末绩效 Performance")
    live_cells, live_tables = contents_of_fake(book, "月末绩效 Performance")
    assert live_tables == file_tables and same_cells(file_cells, live_cells)
