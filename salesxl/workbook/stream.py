"""Long output tables written as raw sheet XML, column by column.

openpyxl builds a Python object per cell and keeps it all in memory until it saves: fine for a
title block and a few hundred rows, slow and heavy for a national sales force's hundreds of
thousands of rows (about 8 s per 100,000 rows of 8 columns, against a third of a second for
generating the XML directly). So :mod:`salesxl.workbook.render` draws the richly formatted part
of a long table with openpyxl — title, header, the first rows, totals row, charts — and leaves a
gap for the rest; :mod:`salesxl.workbook.splice` fills the gap with the rows made here.

The rows are exactly what openpyxl would have written for the same values (same cell types,
number text, inline strings, and the style index of the column's rendered first data row), so
the sheet is the same either way: ``tests/workbook/test_stream.py`` compares both paths cell by
cell. Values openpyxl would style on its own (a link, a date in a text column) are not streamed:
:func:`can_stream` says so and the table is rendered whole by openpyxl.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd
from openpyxl.utils.datetime import to_excel

from .backend import Link, OutColumn

ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DATE_KINDS = ("date", "month")
EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")
MAX_TEXT = 32767
"""Excel's longest cell text; openpyxl cuts longer text there too."""


@dataclass
class StreamedRows:
    """The rows of one table that go into the sheet as raw XML.

    Attributes:
        style_row: the Excel row of the table's first data row, drawn by openpyxl: its cells' styles
            are the columns' styles.
        first_row: the Excel row of the first streamed row.
        frame: the rows, one column per table column, in order.
        columns: how each column is shown (its kind decides how a value is written).
    """

    style_row: int
    first_row: int
    frame: pd.DataFrame
    columns: Sequence[OutColumn]

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.frame) - 1


class NotStreamable(Exception):
    """A value openpyxl would style by itself; the table is rendered whole instead."""


def can_stream(frame: pd.DataFrame, columns: Sequence[OutColumn], skip: int = 0) -> bool:
    """Whether every value of ``frame`` (after its first ``skip`` rows) can be written as raw XML with its
    column's one style."""
    for column in columns:
        values = frame[column.key]
        if values.dtype != object:
            continue
        for value in islice(values, skip, None):
            if isinstance(value, Link):
                return False
            if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta, pd.Period)) \
                    and column.kind not in DATE_KINDS:
                return False  # openpyxl would give the cell a date format of its own
            if isinstance(value, (bytes, complex)):
                return False
    return True


def escape_text(text: str) -> str:
    """Text as lxml writes it inside ``<t>``."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def text_cell(ref: str, style: str, text: str) -> str:
    if NOT_IN_XML.search(text):
        text = NOT_IN_XML.sub("\ufffd", text)
    text = text[:MAX_TEXT]
    if text == "":
        return f'<c r="{ref}"{style} t="inlineStr"/>'
    if text in ERROR_CODES:
        return f'<c r="{ref}"{style} t="e"><v>{text}</v></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape_text(text)}</t></is></c>'


def number_cell(ref: str, style: str, number: float) -> str:
    if isinstance(number, float) and math.isinf(number):
        return f'<c r="{ref}"{style} t="n"><v/></c>'  # as openpyxl writes it (an empty value)
    if isinstance(number, float) and math.isnan(number):
        return f'<c r="{ref}"{style} t="n"/>'
    return f'<c r="{ref}"{style} t="n"><v>{"%.16g" % number}</v></c>'


def empty_cell(ref: str, style: str) -> str:
    return f'<c r="{ref}"{style} t="n"/>' if style else ""


def object_cell(ref: str, style: str, value: Any) -> str:
    """One value of an object column, as :func:`salesxl.workbook.render.put` and openpyxl write it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return empty_cell(ref, style)
    if isinstance(value, str):
        return text_cell(ref, style, value)
    if isinstance(value, (bool, np.bool_)):
        return text_cell(ref, style, "是" if value else "否")
    if isinstance(value, (int, np.integer)):
        return number_cell(ref, style, int(value))
    if isinstance(value, (float, np.floating)):
        return empty_cell(ref, style) if math.isnan(value) else number_cell(ref, style, float(value))
    if isinstance(value, pd.Period):
        return number_cell(ref, style, to_excel(value.to_timestamp().date()))
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        return number_cell(ref, style, to_excel(value))  # days since 1899-12-30, as openpyxl counts them
    raise NotStreamable(f"cannot stream a {type(value).__name__}")


CHUNK_ROWS = 50_000
"""Rows generated (and handed on) at a time: a long table never exists as one string of XML."""


def row_numbers(first: int, count: int) -> np.ndarray:
    """Excel row numbers ``first``... as UTF-8 text, an object array (what :func:`cells` takes)."""
    return np.array([b"%d" % r for r in range(first, first + count)], dtype=object)


def cells(values: pd.Series, letter: str, numbers: np.ndarray, style: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The ``<c>`` elements of one column for the rows ``numbers`` (:func:`row_numbers`), as UTF-8,
    and which of them are b"" (no cell written; None when none is).

    Each distinct value is turned into its cell once — everything after the reference, by the same
    :func:`text_cell`/:func:`number_cell`/:func:`empty_cell` as value by value — and the references
    are put in front of the whole column at once. Only an object column of mixed values (numbers
    and text, dates...) is written value by value, by :func:`object_cell`. Bytes, not text, all
    the way: joining them is copying, and nothing is encoded twice.
    """
    found = distinct_cells(values, style)
    if found is None:
        written = np.array([object_cell(f"{letter}{n.decode()}", style, v).encode("utf-8") for n, v in
                            zip(numbers.tolist(), values.astype(object).tolist())], dtype=object)
        absent = written == b""
        return written, (absent if absent.any() else None)
    codes, tails = found
    absent_code = [i for i, t in enumerate(tails) if t is None]
    tails = np.array([t.encode("utf-8") if isinstance(t, str) else (t or b"") for t in tails] or [b""],
                     dtype=object)
    written = (f'<c r="{letter}'.encode() + numbers) + tails[codes]
    if not absent_code:
        return written, None
    absent = codes == absent_code[0]
    written[absent] = b""
    return written, absent


def distinct_cells(values: pd.Series, style: str) -> tuple[np.ndarray, list[bytes | str | None]] | None:
    """``(codes, tails)``: row i's cell is ``<c r="REF`` + ``tails[codes[i]]`` (None: no cell at all).

    None for an object column holding anything but text (its values are written one by one).
    """
    dtype = values.dtype
    if isinstance(dtype, pd.PeriodDtype):
        values = values.dt.to_timestamp()
        dtype = values.dtype
    empty = tail(empty_cell("", style))
    if pd.api.types.is_bool_dtype(dtype) and dtype != object and not values.hasnans:
        return values.to_numpy(dtype=bool).astype(np.intp), [tail(text_cell("", style, "否")),
                                                             tail(text_cell("", style, "是"))]
    if pd.api.types.is_datetime64_any_dtype(dtype) and getattr(dtype, "tz", None) is None:
        codes, distinct = pd.factorize(values.to_numpy(dtype="datetime64[ns]").view("int64"))
        stamps = distinct.view("datetime64[ns]")
        days = (stamps - EXCEL_EPOCH) / np.timedelta64(1, "D")
        early = (days >= 1) & (days < 61)  # openpyxl's adjustment of whole days 1–60 (before 1900-03-01)
        days = np.where(early, days - 1, days)
        return codes, number_tails(days, style, empty)
    if pd.api.types.is_float_dtype(dtype) and dtype != object:
        # Distinct by bits, not by value: -0.0 is written "-0", 0.0 "0".
        codes, distinct = pd.factorize(values.to_numpy(dtype="float64", na_value=np.nan).view("int64"))
        return codes, number_tails(distinct.view("float64"), style, empty)
    if pd.api.types.is_integer_dtype(dtype) and dtype != object:
        codes, distinct = pd.factorize(values)
        return with_missing(codes, number_tails(np.asarray(distinct), style, empty), empty)
    if pd.api.types.is_bool_dtype(dtype) and dtype != object:  # with blanks
        codes, distinct = pd.factorize(values)
        shown = [tail(text_cell("", style, "是" if v else "否")) for v in distinct.tolist()]
        return with_missing(codes, shown, empty)
    if dtype == object:
        text = pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")  # text and blanks only
    else:
        text = pd.api.types.is_string_dtype(dtype)
    if text:
        codes, distinct = pd.factorize(values)
        return with_missing(codes, [tail(text_cell("", style, v)) for v in distinct.tolist()], empty)
    return None


def number_tails(numbers: np.ndarray, style: str, empty: str | None) -> list[bytes | str | None]:
    """:func:`number_cell`'s tail for each of ``numbers``, formatted in one pass (a NaN: ``empty``);
    UTF-8 already (``b"%.16g"`` formats as ``"%.16g"`` does)."""
    head = f'"{style} t="n"><v>'.encode()
    texts = np.array(list(map(b"%.16g".__mod__, numbers.tolist())), dtype=object)
    tails = ((head + texts) + b"</v></c>").tolist() if len(texts) else []
    if numbers.dtype.kind == "f":
        for i in np.flatnonzero(~np.isfinite(numbers)).tolist():
            tails[i] = empty if numbers[i] != numbers[i] else tail(number_cell("", style, float(numbers[i])))
    return tails


def tail(cell: str) -> str | None:
    """A cell made with the reference "" without its start ``<c r="`` (None for no cell)."""
    return cell[6:] if cell else None


def with_missing(codes: np.ndarray, tails: list[str | None], empty: str | None) -> tuple[np.ndarray, list]:
    """Blank values (code -1) as one more distinct value, written as an empty cell."""
    if (codes < 0).any():
        codes = np.where(codes < 0, len(tails), codes)
        tails = tails + [empty]
    return codes, tails


def rows_xml(block: StreamedRows, styles: Sequence[str | None], letters: Sequence[str]) -> Iterator[bytes]:
    """The ``<row>`` elements of ``block``, in pieces of up to :data:`CHUNK_ROWS` rows:
    ``styles[j]`` is the ``s`` index of column ``j`` (None: unstyled)."""
    frame = block.frame
    attributes = [f' s="{s}"' if s is not None else "" for s in styles]
    if len(frame) <= FEW_ROWS and not any(is_dated(frame[c.key].dtype) for c in block.columns):
        yield few_rows_xml(block, attributes, letters)
        return
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start:start + CHUNK_ROWS]
        first = block.first_row + start
        numbers = row_numbers(first, len(part))
        columns = [cells(part[c.key], letter, numbers, attribute)
                   for c, letter, attribute in zip(block.columns, letters, attributes)]
        yield join_rows(numbers, columns)


FEW_ROWS = 500
"""A block this short is written value by value (:func:`object_cell`): making each column's distinct cells
with arrays costs more than it saves on a few rows, and a sheet of reps' pages has hundreds of such blocks."""


def is_dated(dtype) -> bool:
    """Dates and months: written from their day numbers as arrays (:func:`distinct_cells`), whatever the length."""
    return isinstance(dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(dtype)


def few_rows_xml(block: StreamedRows, attributes: Sequence[str], letters: Sequence[str]) -> bytes:
    """:func:`rows_xml` of a short block without dates, value by value: the same bytes (each value as
    :func:`object_cell` writes it, which the array path writes too; a row with no cell is ``<row r="N"/>``)."""
    columns = [block.frame[c.key].tolist() for c in block.columns]
    rows = []
    for number, values in enumerate(zip(*columns), start=block.first_row):
        body = "".join(object_cell(f"{letter}{number}", attribute, value)
                       for letter, attribute, value in zip(letters, attributes, values))
        rows.append(f'<row r="{number}">{body}</row>' if body else f'<row r="{number}"/>')
    return "".join(rows).encode("utf-8")


def join_rows(numbers: np.ndarray, columns: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> bytes:
    """``<row r="N">`` + the row's cells + ``</row>``, or ``<row r="N"/>`` when it has no cell (UTF-8)."""
    heads = b'<row r="' + numbers + b'">'
    ends = np.full(len(numbers), b"</row>", dtype=object)
    bare = np.ones(len(numbers), dtype=bool)
    for _, absent in columns:
        bare &= absent if absent is not None else False
    if bare.any():
        heads[bare] = b'<row r="' + numbers[bare] + b'"/>'
        ends[bare] = b""
    return b"".join(chain.from_iterable(zip(heads.tolist(), *(c.tolist() for c, _ in columns), ends.tolist())))
