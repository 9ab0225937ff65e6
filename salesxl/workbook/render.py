"""Drawing a :class:`SheetOutput` onto an openpyxl worksheet.

One place decides how salesxl's sheets look when written by the file backend:
title block, bilingual headers, number formats, Excel Tables, totals rows with
SUBTOTAL formulas, frozen header and column widths.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .backend import Link, OutChart, OutTable, PageSetup, SheetOutput
from .stream import StreamedRows, can_stream

NUMBER_FORMATS = {
    "amount": "#,##0.00",
    "decimal": "#,##0.00",
    "integer": "#,##0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",
}

TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=11)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
NOTE_FONT = Font(italic=True, color="7F6000")
LINK_FONT = Font(underline="single", color="0563C1")
TOTAL_FONT = Font(bold=True)
TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
TOTAL_LABEL = "合计 Total"
ALERT_FONT = Font(bold=True, size=11, color="C00000")
ALERT_FILL = PatternFill("solid", fgColor="C00000")
NOTE_WIDTH = 40
CHART_SIZE_CM = (18, 9)
STREAM_AFTER = 200
"""Rows of a table drawn by openpyxl; a longer table's other rows are written as raw sheet XML
(:mod:`salesxl.workbook.stream`) with the styles of its first data row."""


def excel_value(value: Any) -> Any:
    """A pandas/numpy value as openpyxl can store it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Period):
        return value.to_timestamp().date()
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters a workbook's XML cannot hold (control characters from a pasted export, say)."""


def put(ws: Worksheet, row: int, column: int, value: Any):
    """Write one value; text that looks like a formula stays text (no formula injection).

    Only a :class:`~salesxl.workbook.backend.Link` becomes a formula (``HYPERLINK``).
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Link):
        cell.value, cell.font = value.formula, LINK_FONT
        return cell
    value = excel_value(value)
    if isinstance(value, str) and NOT_IN_XML.search(value):
        value = NOT_IN_XML.sub("\ufffd", value)  # shown as �, rather than failing the whole write
    cell.value = value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
    return cell


def shown_value(value: Any) -> Any:
    """The value :func:`put` stores in the cell (for widths of rows that are streamed, not drawn)."""
    value = excel_value(value)
    if isinstance(value, str) and NOT_IN_XML.search(value):
        value = NOT_IN_XML.sub("\ufffd", value)
    return value


def display_width(value: Any) -> float:
    text = str(value) if value is not None else ""
    if isinstance(value, float):
        text = f"{value:,.2f}"
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_sheet(ws: Worksheet, output: SheetOutput, table_names: set[str],
                 streamed: list[StreamedRows] | None = None) -> None:
    """Fill an empty worksheet with ``output``; ``table_names`` are names already used in the book.

    With ``streamed`` (a list), the rows of a long table after its first ``STREAM_AFTER`` are left
    out and listed there instead, for the splice to write as raw XML; without it, every row is drawn.
    """
    ws.cell(row=1, column=1, value=output.sheet.name).font = TITLE_FONT
    row = 2
    if output.subtitle:
        put(ws, row, 1, output.subtitle)
        row += 1
    for note in output.notes:
        put(ws, row, 1, note).font = NOTE_FONT
        row += 1
    row += 1
    widths: dict[int, float] = {}
    first_header = None
    placed: dict[str, tuple[int, OutTable]] = {}
    for index, table in enumerate(output.tables, start=1):
        if table.page_break and row > 1:
            ws.row_breaks.append(Break(id=row - 1))
        if table.heading:
            put(ws, row, 1, table.heading).font = ALERT_FONT if table.tone == "alert" else HEADING_FONT
            row += 1
        first_header = first_header or row
        if table.name:
            placed[table.name] = (row, table)
        row = render_table(ws, row, table, unique_name(table, output, index, table_names), widths, streamed)
        row += 1
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    if first_header and output.page is None:
        ws.freeze_panes = ws.cell(row=first_header + 1, column=1)
    for chart in output.charts:
        render_chart(ws, chart, *placed[chart.table])
    if output.page is not None:
        set_page(ws, output.page)
    if output.hidden:
        ws.sheet_state = "hidden"


def set_page(ws: Worksheet, page: PageSetup) -> None:
    """Paper, orientation, fit to the page width, and the title rows repeated on every printed page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = page.orientation
    if page.fit_width:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if page.title_rows:
        ws.print_title_rows = f"1:{page.title_rows}"
    ws.print_options.horizontalCentered = True


def unique_name(table: OutTable, output: SheetOutput, index: int, taken: set[str]) -> str:
    name = table.name or f"sx_{output.sheet.key}_{index}"
    base, n = name, 2
    while name.casefold() in {t.casefold() for t in taken}:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def render_table(ws: Worksheet, top: int, table: OutTable, name: str, widths: dict[int, float],
                 streamed: list[StreamedRows] | None = None) -> int:
    """Write header, rows and a totals row starting at ``top``; return the row after it.

    A table longer than ``STREAM_AFTER`` rows, given ``streamed``, has only its first rows drawn;
    the rest go to ``streamed`` (their column widths still count, as if drawn).
    """
    columns = list(table.columns)
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j, value=column.label)
        cell.font, cell.fill = HEADER_FONT, ALERT_FILL if table.tone == "alert" else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths[j] = max(widths.get(j, 0), min(display_width(column.label), 24),
                        NOTE_WIDTH if column.kind == "note" else 0)
    frame = table.frame
    drawn = frame[[c.key for c in columns]]
    if streamed is not None and len(frame) > STREAM_AFTER and can_stream(drawn.iloc[STREAM_AFTER:], columns):
        drawn, rest = drawn.iloc[:STREAM_AFTER], drawn.iloc[STREAM_AFTER:]
        streamed.append(StreamedRows(top + 1, top + STREAM_AFTER + 1, rest, columns))
        for record in rest.iloc[:max(0, 200 - STREAM_AFTER)].itertuples(index=False):
            for j, (column, value) in enumerate(zip(columns, record), start=1):
                if column.kind != "note":
                    widths[j] = max(widths.get(j, 0), display_width(shown_value(value)))
    for i, record in enumerate(drawn.itertuples(index=False), start=1):
        for j, (column, value) in enumerate(zip(columns, record), start=1):
            cell = put(ws, top + i, j, value)
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            if column.kind == "note":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif i <= 200:
                widths[j] = max(widths.get(j, 0), display_width(cell.value))
    last = top + max(len(frame), 1)
    ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    excel_table = Table(displayName=name, ref=ref)
    excel_table.tableStyleInfo = TABLE_STYLE
    # Name the columns here: left to openpyxl, saving reads them from ws[ref], which makes a cell
    # object for every cell of the table (seconds for a long streamed table, whose rows are not drawn).
    excel_table._initialise_columns()
    for table_column, column in zip(excel_table.tableColumns, columns):
        table_column.name = column.label
    ws.add_table(excel_table)
    if any(c.total for c in columns):
        totals = last + 1
        ws.cell(row=totals, column=1, value=TOTAL_LABEL).font = TOTAL_FONT
        for j, column in enumerate(columns, start=1):
            if column.total:
                cell = ws.cell(row=totals, column=j, value=f"=SUBTOTAL(109,{name}[{escape(column.label)}])")
                cell.font = TOTAL_FONT
                cell.number_format = NUMBER_FORMATS.get(column.kind, "General")
        return totals + 1
    return last + 1


def render_chart(ws: Worksheet, chart: OutChart, top: int, table: OutTable) -> None:
    """Draw ``chart`` from its table (header on row ``top``), to the right of the table."""
    keys = [c.key for c in table.columns]
    last = top + max(len(table.frame), 1)
    if chart.kind == "line":
        drawn = LineChart()
    else:
        drawn = BarChart()
        drawn.type = "col" if chart.kind == "column" else "bar"
    drawn.title = chart.title
    drawn.y_axis.title = chart.y_title or None
    categories = Reference(ws, min_col=keys.index(chart.category) + 1, min_row=top + 1, max_row=last)
    for key in chart.series:
        column = keys.index(key) + 1
        drawn.add_data(Reference(ws, min_col=column, min_row=top, max_row=last), titles_from_data=True)
    drawn.set_categories(categories)
    parts = [drawn]
    if chart.lines:
        over = LineChart()  # shares the bars' axes (same axis ids), so the lines read on the same scale
        for key in chart.lines:
            column = keys.index(key) + 1
            over.add_data(Reference(ws, min_col=column, min_row=top, max_row=last), titles_from_data=True)
        over.set_categories(categories)
        drawn += over
        parts.append(over)
    if table.columns[keys.index(chart.category)].kind not in NUMBER_FORMATS:  # text labels: a string reference
        for part in parts:
            for series in part.series:
                series.cat = AxDataSource(strRef=StrRef(f=str(categories)))
    if chart.y_kind in NUMBER_FORMATS:
        drawn.y_axis.number_format = NUMBER_FORMATS[chart.y_kind]
    drawn.x_axis.delete = False  # openpyxl hides axes unless told otherwise
    drawn.y_axis.delete = False
    if chart.lines:
        drawn.legend.position = "b"
    drawn.width, drawn.height = CHART_SIZE_CM[0], max(CHART_SIZE_CM[1], min(0.5 * (len(table.frame) + 2), 20))
    ws.add_chart(drawn, f"{get_column_letter(len(keys) + 2)}{top}")


def escape(label: str) -> str:
    """Escape a header for a structured reference (``'`` before ``[ ] # '``)."""
    return "".join("'" + ch if ch in "[]#'" else ch for ch in label)


def today_text(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
