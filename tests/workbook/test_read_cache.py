"""One FileWorkbook reads each sheet once: later steps of the same run reuse what was read,
except the sheets a write replaced, which are read again."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from salesxl.reports.versions import read_versions
from salesxl.steps.breakdown import breakdown
from salesxl.steps.target import target
from salesxl.workbook import reader
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.base import VERSIONS
from salesxl.workbook.contract.breakdown import REPS
from salesxl.workbook.contract.target import HISTORY
from salesxl.workbook.xlsxread import WorkbookValues

WHEN = dt.datetime(2026, 11, 28, 9, 30)


@pytest.fixture
def counted(monkeypatch):
    """How often each sheet's XML is parsed, and each (sheet, schema) table is checked."""
    parsed, checked = Counter(), Counter()
    real_sheet, real_table = WorkbookValues.read_sheet, reader.parse_table

    def read_sheet(self, name):
        parsed[name] += 1
        return real_sheet(self, name)

    def parse_table(schema, raw):
        checked[(raw.name, schema.key)] += 1
        return real_table(schema, raw)

    monkeypatch.setattr(WorkbookValues, "read_sheet", read_sheet)
    monkeypatch.setattr(reader, "parse_table", parse_table)
    return parsed, checked


def test_two_steps_on_one_book_read_the_inputs_once(workbook, counted):
    """target reads History, Reps is read by breakdown only; both steps write Versions, and the
    breakdown must see the target's row: Versions is parsed again after the target's write."""
    parsed, checked = counted
    book = FileWorkbook(workbook)
    assert target(book, now=WHEN).ok
    assert breakdown(book, now=WHEN).ok
    assert parsed[HISTORY.name] == 1 and checked[(HISTORY.name, "history")] == 1
    assert parsed[REPS.name] == 1
    assert parsed[VERSIONS.name] == 1  # absent before the target step; written by it, read by the breakdown
    log = read_versions(FileWorkbook(workbook))
    assert list(log["step"].str.split().str[0]) == ["target", "breakdown"]


def test_a_written_sheet_is_read_again(workbook):
    """The cache never hands out a sheet as it was before this book's own write replaced it."""
    book = FileWorkbook(workbook)
    assert target(book, now=WHEN).ok
    first = read_versions(book)
    assert breakdown(book, now=WHEN).ok
    assert len(first) == 1 and len(read_versions(book)) == 2


def test_each_reader_gets_its_own_copy(workbook):
    """Changing a frame read from the book does not change what the next read returns."""
    book = FileWorkbook(workbook)
    inputs, _ = read_inputs(book, only=["reps"])
    original = inputs.tables["reps"]["rep_id"].iloc[0]
    inputs.tables["reps"].loc[inputs.tables["reps"].index[0], "rep_id"] = "CHANGED"
    inputs.layouts["reps"].columns.clear()
    again, _ = read_inputs(book, only=["reps"])
    assert again.tables["reps"]["rep_id"].iloc[0] == original
    assert "rep_id" in again.layouts["reps"].columns
