"""Long tables written as raw sheet XML give the same workbook as openpyxl drawing every row.

The streaming path is forced on a small table by lowering ``render.STREAM_AFTER``; the openpyxl
path by raising it past the table. Both write into the same planner's workbook, and the results
must agree cell by cell (value, type, style) and, in fact, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

import numpy as np
import openpyxl
import pandas as pd
import pytest
from lxml import etree

from salesxl.workbook import render, splice, stream
from salesxl.workbook.backend import Link, OutChart, OutColumn, OutTable, SheetOutput
from salesxl.workbook.contract import OUTPUT_SHEETS
from salesxl.workbook.splice import write_outputs
from salesxl.workbook.xlsxread import WorkbookValues
from salesxl.workbook.package import Package

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
N = 12
ROWS_XML = splice.rows_xml


@pytest.fixture(scope="module")
def planner_book() -> bytes:
    """A planner's workbook with a sheet of their own and a custom default font."""
    book = openpyxl.Workbook()
    book.active.title = "数据 Data"
    book.active.append(["区域 Region", 1000])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def awkward_table() -> pd.DataFrame:
    """Every kind of value a report frame holds, including the awkward ones (XML specials, control
    characters, text that looks like a formula or an error, blanks in typed columns)."""
    return pd.DataFrame({
        "text": ["a", "b & <c>", " padded ", "=1+1", "#N/A", "x\ry", "", None, "_x000D_", "\x01bad", "长文本", "z"],
        "amount": [1.5, np.nan, -2.25, 1e20, 3.0, 0.1, 7, 8, 9, 10, 11, 1 / 3],
        "count": pd.array([1, 2, None, 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype="Int64"),
        "plain": np.arange(N),
        "day": pd.to_datetime(["2026-01-02"] * 6 + [None] * 2 + ["2026-03-04 12:30"] * 4, format="mixed"),
        "month": pd.PeriodIndex(["2026-01"] * N, freq="M"),
        "flag": [True, False] * 6,
        "mixed": [1, "x", 2.5, None, True, np.int64(3), np.float64("nan"), "y", dt.date(2026, 1, 1), "a", "b",
                  pd.Timestamp("2026-02-03")],
        "share": [0.1] * N,
    })


COLUMNS = [
    OutColumn("text", "文本", "Text"), OutColumn("amount", "金额", "Amount", "amount", True),
    OutColumn("count", "数量", "Count", "integer", True), OutColumn("plain", "序号", "No.", "integer"),
    OutColumn("day", "日期", "Date", "date"), OutColumn("month", "月份", "Month", "month"),
    OutColumn("flag", "是否", "Flag", "bool"), OutColumn("mixed", "混合", "Mixed", "date"),
    OutColumn("share", "占比", "Share", "percent"),
]


def sheet_output(frame: pd.DataFrame) -> SheetOutput:
    return SheetOutput(OUTPUT_SHEETS[0], "副标题 subtitle", ["说明 a note"], [
        OutTable(frame, COLUMNS, heading="长表 long table", name="long"),
        OutTable(frame.head(4), COLUMNS[:3], heading="下一张表 the next table"),
    ], charts=[OutChart("column", "图 chart", "long", "text", ("amount",))])


def written(blob: bytes, outputs, stream_after: int, monkeypatch) -> tuple[bytes, list[int]]:
    """The workbook written with ``stream_after`` rows drawn by openpyxl, and the sizes of the streamed blocks."""
    monkeypatch.setattr(render, "STREAM_AFTER", stream_after)
    blocks = []

    def counting(block, styles, letters):
        blocks.append(len(block.frame))
        return ROWS_XML(block, styles, letters)

    monkeypatch.setattr(splice, "rows_xml", counting)
    return write_outputs(blob, outputs), blocks


def cells(blob: bytes, sheet: str) -> dict[str, tuple]:
    """Every cell of a sheet: reference -> (type, style, value text, inline text)."""
    package = Package(blob)
    values = WorkbookValues(package)
    part = next(s.part for s in values.sheets if s.name == sheet)
    root = etree.fromstring(package.read(part))
    return {c.get("r"): (c.get("t"), c.get("s"), c.findtext(f"{MAIN}v"), c.findtext(f"{MAIN}is/{MAIN}t"))
            for c in root.iter(f"{MAIN}c")}


@pytest.mark.parametrize("stream_after", [1, 2, 5, N - 1])
def test_streamed_rows_match_openpyxl_cell_by_cell(planner_book, monkeypatch, stream_after):
    """12 rows; the first ``stream_after`` drawn by openpyxl, the rest streamed: 12 − stream_after rows
    in the long table and, for the 4-row table below it, 4 − stream_after when that is positive."""
    outputs = [sheet_output(awkward_table())]
    drawn, none = written(planner_book, outputs, 10 ** 9, monkeypatch)
    streamed, blocks = written(planner_book, outputs, stream_after, monkeypatch)
    assert none == []
    assert blocks == [N - stream_after] + ([4 - stream_after] if stream_after < 4 else [])
    name = OUTPUT_SHEETS[0].name
    expected, got = cells(drawn, name), cells(streamed, name)
    assert got == expected
    assert len(expected) > 9 * N  # the table's cells are all there, not just the title block
    assert streamed == drawn  # and so is everything else: tables, styles, chart, dimension


def test_streamed_sheet_reads_back_the_values(planner_book, monkeypatch):
    """Values as a reader sees them. Title 1, subtitle 2, note 3, blank 4, heading 5, header 6, data
    from row 7: frame row k is Excel row 7 + k, ``rows[6 + k]``. Rows 0–1 are drawn, 2–11 streamed."""
    streamed, _ = written(planner_book, [sheet_output(awkward_table())], 2, monkeypatch)
    sheet = WorkbookValues(Package(streamed)).read_sheet(OUTPUT_SHEETS[0].name)
    assert sheet.rows[5][:3] == ["文本 Text", "金额 Amount", "数量 Count"]
    assert sheet.rows[6][:4] == ["a", 1.5, 1, 0]
    assert sheet.rows[13][0] is None and sheet.rows[13][4] is None
    assert sheet.rows[15][0] == "\ufffdbad"  # a control character is shown as �, as when drawn
    assert sheet.rows[9][0] == "=1+1"  # text, never a formula
    assert sheet.rows[17][4] == dt.datetime(2026, 3, 4, 12, 30)
    assert sheet.rows[17][7] == dt.datetime(2026, 2, 3)
    assert sheet.rows[9][6] == "否" and sheet.rows[8][6] == "是" and sheet.rows[8][1] == -2.25


def test_a_table_with_links_is_drawn_whole(planner_book, monkeypatch):
    """A link is a formula with a link font: a style of its own, so the table is not streamed."""
    frame = awkward_table()
    frame["text"] = [Link(f"行 {i}", "数据 Data", f"A{i}") for i in range(N)]
    _, blocks = written(planner_book, [sheet_output(frame)], 2, monkeypatch)
    assert blocks == []


def more_awkward_table() -> pd.DataFrame:
    """Values the column-at-once writer tells apart by their bits or their dtype: -0.0 beside 0.0
    (written "-0" and "0"), infinities, repeated values, blanks in nullable columns (Int64, boolean,
    str), a column of nothing but blanks, text with braces and inner line breaks, an object column
    of text only, a str subclass, and dates around openpyxl's 1900 leap-day adjustment."""
    return pd.DataFrame({
        "zero": [0.0, -0.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 2.5, 2.5, 1e-300, 123456789.123456789, 0.0],
        "maybe": pd.array([True, None, False, True, None, True, False, False, True, None, True, True],
                          dtype="boolean"),
        "label": pd.Series(["x", None, "x", "{y}", "a\nb", "x", " ", "", "x", None, "b&b", "x"], dtype="str"),
        "nothing": [None] * N,
        "words": np.array(["a", "b", None, "a", np.nan, "c", "a", "b", "a", "c", "a", "b"], dtype=object),
        "sub": np.array([np.str_("s"), "t", np.str_("s")] * 4, dtype=object),
        "big": pd.array([1, 2 ** 60, None, -3, 1, 1, 2 ** 60, None, 0, 0, 5, 6], dtype="Int64"),
        "when": pd.to_datetime(["1900-01-15", "1900-03-01", None, "1899-12-30 12:00", "1900-02-28 18:00",
                                "2026-05-01"] * 2, format="mixed"),
    })


MORE_COLUMNS = [
    OutColumn("zero", "零", "Zero", "amount"), OutColumn("maybe", "也许", "Maybe", "bool"),
    OutColumn("label", "标签", "Label"), OutColumn("nothing", "空", "Nothing"), OutColumn("words", "词", "Words"),
    OutColumn("sub", "子类", "Sub"), OutColumn("big", "大数", "Big", "integer"),
    OutColumn("when", "日", "When", "date"),
]


@pytest.mark.parametrize("stream_after", [1, 5])
def test_more_awkward_values_stream_byte_for_byte(planner_book, monkeypatch, stream_after):
    """Same as above on the second table: 12 rows, 12 − stream_after of them streamed."""
    outputs = [SheetOutput(OUTPUT_SHEETS[0], "", [], [OutTable(more_awkward_table(), MORE_COLUMNS, name="more")])]
    drawn, _ = written(planner_book, outputs, 10 ** 9, monkeypatch)
    streamed, blocks = written(planner_book, outputs, stream_after, monkeypatch)
    assert blocks == [N - stream_after]
    name = OUTPUT_SHEETS[0].name
    assert cells(streamed, name) == cells(drawn, name)
    assert streamed == drawn


@pytest.mark.parametrize("few_rows", [0, 10 ** 6])
def test_short_blocks_without_dates_stream_byte_for_byte_either_way(planner_book, monkeypatch, few_rows):
    """A block of at most ``FEW_ROWS`` rows without a date or month column is written value by value, a
    longer one a column at a time: both give what openpyxl draws. Every awkward value but the dated columns
    (``mixed`` keeps its date objects: an object column), 11 rows streamed each; with ``few_rows`` 0 the
    column-at-once writer takes them, with a million the value-by-value one."""
    monkeypatch.setattr(stream, "FEW_ROWS", few_rows)
    value_by_value = []
    few_rows_xml = stream.few_rows_xml
    monkeypatch.setattr(stream, "few_rows_xml", lambda *args: value_by_value.append(1) or few_rows_xml(*args))
    undated = [c for c in COLUMNS if c.key not in ("day", "month")]
    outputs = [SheetOutput(OUTPUT_SHEETS[0], "", [], [
        OutTable(awkward_table(), undated, name="awkward"),
        OutTable(more_awkward_table(), [c for c in MORE_COLUMNS if c.key != "when"], name="more")])]
    drawn, _ = written(planner_book, outputs, 10 ** 9, monkeypatch)
    streamed, blocks = written(planner_book, outputs, 1, monkeypatch)
    assert blocks == [N - 1, N - 1] and len(value_by_value) == (2 if few_rows else 0)
    assert cells(streamed, OUTPUT_SHEETS[0].name) == cells(drawn, OUTPUT_SHEETS[0].name)
    assert streamed == drawn


def test_long_tables_stream_in_chunks(planner_book, monkeypatch):
    """A table longer than a chunk comes out in pieces, and the same bytes as in one piece:
    12 rows, 2 drawn, 10 streamed in chunks of 3 → 4 pieces (3 + 3 + 3 + 1)."""
    outputs = [sheet_output(awkward_table())]
    whole, _ = written(planner_book, outputs, 2, monkeypatch)
    monkeypatch.setattr(stream, "CHUNK_ROWS", 3)
    pieces = []

    def chunked(block, styles, letters):
        made = list(ROWS_XML(block, styles, letters))
        pieces.append(len(made))
        return made

    monkeypatch.setattr(render, "STREAM_AFTER", 2)
    monkeypatch.setattr(splice, "rows_xml", chunked)
    assert write_outputs(planner_book, outputs) == whole
    assert pieces == [4, 1]  # the 4-row table below: 2 rows streamed, one piece
