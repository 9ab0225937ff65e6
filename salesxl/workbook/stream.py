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
from typing import Any, Sequence

import numpy as np
import pandas as pd

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


def can_stream(frame: pd.DataFrame, columns: Sequence[OutColumn]) -> bool:
    """Whether every value of ``frame`` can be written as raw XML with its column's one style."""
    for column in columns:
        values = frame[column.key]
        if values.dtype != object:
            continue
        for value in values:
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
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        return f'<c r="{ref}"{style} t="n"/>'
    return f'<c r="{ref}"{style} t="n"><v>{"%.16g" % number}</v></c>'


def empty_cell(ref: str, style: str) -> str:
    return f'<c r="{ref}"{style} t="n"/>' if style else ""


def excel_serial(value: dt.date | dt.datetime) -> float:
    """Days since 1899-12-30, as openpyxl counts them (the 1900 date system)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    days = (value - dt.datetime(1899, 12, 30)).days
    if 0 < days <= 60:
        days -= 1
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10 ** 6
    return days + seconds / 86400


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
        return number_cell(ref, style, excel_serial(value.to_timestamp().date()))
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        return number_cell(ref, style, excel_serial(value))
    raise NotStreamable(f"cannot stream a {type(value).__name__}")


def column_cells(values: pd.Series, letter: str, rows: range, style: str) -> list[str]:
    """The ``<c>`` elements of one column, one string per row ("" where no cell is written)."""
    refs = [f"{letter}{r}" for r in rows]
    dtype = values.dtype
    if isinstance(dtype, pd.PeriodDtype):
        values = values.dt.to_timestamp()
        dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) and dtype != object and not values.hasnans:
        yes, no = text_cell("{}", style, "是"), text_cell("{}", style, "否")
        return [(yes if v else no).replace("{}", ref, 1) for ref, v in zip(refs, values.to_numpy())]
    if pd.api.types.is_datetime64_any_dtype(dtype) and getattr(dtype, "tz", None) is None:
        stamps = values.to_numpy(dtype="datetime64[ns]")
        days = (stamps - EXCEL_EPOCH) / np.timedelta64(1, "D")
        early = (days > 0) & (days <= 61)  # openpyxl's adjustment before 1900-03-01
        days = np.where(early, days - 1, days)
        missing = np.isnat(stamps)
        empty = empty_cell("{}", style)
        return [empty.replace("{}", ref, 1) if gone else number_cell(ref, style, d)
                for ref, d, gone in zip(refs, days.tolist(), missing.tolist())]
    if pd.api.types.is_float_dtype(dtype) and dtype != object:
        empty = empty_cell("{}", style)
        head, tail = f'"{style} t="n"><v>', "</v></c>"
        return [empty.replace("{}", ref, 1) if v != v else
                (f'<c r="{ref}{head}{"%.16g" % v}{tail}' if v not in (math.inf, -math.inf)
                 else number_cell(ref, style, v))
                for ref, v in zip(refs, values.to_numpy(dtype="float64").tolist())]
    if pd.api.types.is_integer_dtype(dtype) and dtype != object and not values.hasnans:
        head, tail = f'"{style} t="n"><v>', "</v></c>"
        return [f'<c r="{ref}{head}{"%.16g" % v}{tail}' for ref, v in zip(refs, values.to_numpy().tolist())]
    return [object_cell(ref, style, v) for ref, v in zip(refs, values.astype(object).tolist())]


def rows_xml(block: StreamedRows, styles: Sequence[str | None], letters: Sequence[str]) -> bytes:
    """The ``<row>`` elements of ``block``: ``styles[j]`` is the ``s`` index of column ``j`` (None: unstyled)."""
    rows = range(block.first_row, block.first_row + len(block.frame))
    columns = [column_cells(block.frame[c.key], letter, rows, f' s="{s}"' if s is not None else "")
               for c, letter, s in zip(block.columns, letters, styles)]
    out = []
    for r, *cells in zip(rows, *columns):
        inner = "".join(cells)
        out.append(f'<row r="{r}">{inner}</row>' if inner else f'<row r="{r}"/>')
    return "".join(out).encode("utf-8")
