"""Drawing a :class:`SheetOutput` onto an openpyxl worksheet, in the house style.

How things look is decided in :mod:`salesxl.workbook.style`; this module only
places them: the title block, each table (header, rows, an Excel Table, a
totals row of SUBTOTAL formulas), conditional formats, column widths, frozen
panes, charts and print setup. Every data cell of a table column gets the same
style (one number format, one font), so a writer that streams a long table can
reuse the first data row's style for every row; colour that depends on a value
is conditional formatting, never a cell's own fill.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from itertools import islice
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from . import style
from .backend import Link, OutChart, OutColumn, OutTable, PageSetup, SheetOutput
from .contract import setting
from .style import NUMBER_FORMATS, TABLE_STYLE, TOTAL_LABEL  # noqa: F401  (re-exported: readers find totals rows)
from .stream import StreamedRows, can_stream

CHART_SIZE_CM = (18, 9)
STREAM_AFTER = 1
"""Rows of a table drawn by openpyxl; a longer table's other rows are written as raw sheet XML
(:mod:`salesxl.workbook.stream`) with the styles of its first data row. One is enough: the streamed
rows are byte for byte those openpyxl would draw (``tests/workbook/test_stream.py``), and drawing
200 rows of each table cost a tenth of writing the medium breakdown."""


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
        cell.value = value.formula
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


def render_sheet(ws: Worksheet, output: SheetOutput, table_names: set[str],
                 streamed: list[StreamedRows] | None = None) -> None:
    """Fill an empty worksheet with ``output``; ``table_names`` are names already used in the book.

    With ``streamed`` (a list), the rows of a long table after its first ``STREAM_AFTER`` are left
    out and listed there instead, for the splice to write as raw XML; without it, every row is drawn.
    """
    currency = output.run.currency if output.run is not None else style.DEFAULT_CURRENCY
    ws.cell(row=1, column=1, value=output.sheet.name).font = style.TITLE_FONT
    row = 2
    if output.run is not None and style.run_line(output.run):
        put(ws, row, 1, style.run_line(output.run)).font = style.RUN_FONT
        row += 1
    if output.subtitle:
        put(ws, row, 1, output.subtitle)
        row += 1
    for note in output.notes:
        put(ws, row, 1, note).font = style.NOTE_FONT
        row += 1
    row += 1
    widths: dict[int, float] = {}
    folded = {t.casefold() for t in table_names}
    first_header = None
    placed: dict[str, tuple[int, OutTable]] = {}
    chart_space: tuple[int, int] | None = None  # (first, last) row of the space left for placed charts
    width_above = 1  # the widest table above that space: a one-page print covers it
    for index, table in enumerate(output.tables, start=1):
        if table.page_break and row > 1:
            ws.row_breaks.append(Break(id=row - 1))
        if table.space_above and chart_space is None:
            chart_space = (row, row + table.space_above - 1)
        row += table.space_above
        if chart_space is None:
            width_above = max(width_above, len(table.columns))
        if table.heading:
            put(ws, row, 1, table.heading).font = style.ALERT_FONT if table.tone == "alert" else style.HEADING_FONT
            row += 1
        first_header = first_header or row
        if table.name:
            placed[table.name] = (row, table)
        row = render_table(ws, row, table, unique_name(table, output, index, table_names, folded), widths, currency,
                           streamed)
        row += 1
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = style.column_width(width)
    for letter, width in output.column_widths.items():
        ws.column_dimensions[letter].width = width
    page = output.page or PageSetup()
    if first_header and page.freeze:
        ws.freeze_panes = ws.cell(row=first_header + 1, column=1)
    for chart in output.charts:
        render_chart(ws, chart, *placed[chart.table], currency, chart_space[0] if chart_space else row)
    if any(c.look == "tier" for t in output.tables for c in t.columns):
        define_tier_names(ws, output)
    total_width = sum(style.column_width(w) for w in widths.values())
    set_page(ws, page, total_width, first_header, len(output.tables))
    if page.one_page and chart_space is not None:
        right = max([width_above] + [c.cells[3] for c in output.charts if c.cells])
        ws.print_area = f"A1:{get_column_letter(right)}{chart_space[1]}"
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if output.hidden:
        ws.sheet_state = "hidden"


def define_tier_names(ws: Worksheet, output: SheetOutput) -> None:
    """The workbook-level names the tier colours compare with (``salesxl_tier_base``...)."""
    defaults = {key: setting(key).default for key in style.TIER_SETTINGS}
    for name, formula in style.tier_names(output.run, defaults).items():
        ws.parent.defined_names[name] = DefinedName(name, attr_text=formula)


def set_page(ws: Worksheet, page: PageSetup, total_width: float, first_header: int | None, tables: int) -> None:
    """A4, orientation, fitted to the page width, title rows repeated, sheet name and page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = style.orientation(total_width, page.orientation)
    if page.fit_width or page.one_page:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if page.one_page else 0
    rows = style.title_rows(first_header, tables, page.title_rows)
    if rows:
        ws.print_title_rows = f"1:{rows}"
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = style.PAGE_HEADER
    ws.oddFooter.center.text = style.PAGE_FOOTER


def unique_name(table: OutTable, output: SheetOutput, index: int, taken: set[str], folded: set[str]) -> str:
    """The table's name, or the first ``name_2``, ``name_3``... no other table has (``folded``: the names in
    ``taken`` without case, kept beside it so that a sheet of hundreds of tables is not folded for each)."""
    name = table.name or f"sx_{output.sheet.key}_{index}"
    base, n = name, 2
    while name.casefold() in folded:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    folded.add(name.casefold())
    return name


def render_table(ws: Worksheet, top: int, table: OutTable, name: str, widths: dict[int, float],
                 currency: str | None = style.DEFAULT_CURRENCY, streamed: list[StreamedRows] | None = None) -> int:
    """Write header, rows and a totals row starting at ``top``; return the row after it.

    A table longer than ``STREAM_AFTER`` rows, given ``streamed``, has only its first rows drawn;
    the rest go to ``streamed`` (their column widths still count, as if drawn). That works because
    every data cell of a column has one style, whatever its value (the house style's rule).
    """
    columns = list(table.columns)
    header = None
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j, value=column.label)
        if header is None:
            cell.font, cell.fill = style.HEADER_FONT, style.header_fill(table.tone)
            cell.alignment = style.HEADER_ALIGNMENT
            header = cell._style
        else:  # the same three styles: copied, not looked up again (a sheet may hold hundreds of tables)
            cell._style = copy.copy(header)
        widths[j] = max(widths.get(j, 0), min(style.display_width(column.label), style.HEADER_WIDTH_CAP),
                        style.NOTE_WIDTH if column.kind == "note" else 0)
    frame = table.frame
    # Each column as a Series, iterated as ``itertuples`` iterates them: no frame is built per table.
    series = [frame[c.key] for c in columns]
    formats = [style.number_format(c.kind, currency) for c in columns]
    shown_rows = len(frame)
    if streamed is not None and len(frame) > STREAM_AFTER and can_stream(frame, columns, skip=STREAM_AFTER):
        shown_rows = STREAM_AFTER
        streamed.append(StreamedRows(top + 1, top + STREAM_AFTER + 1, frame.iloc[STREAM_AFTER:], columns))
        for record in islice(zip(*series), STREAM_AFTER, max(STREAM_AFTER, style.WIDTH_SAMPLE_ROWS)):
            for j, (column, value) in enumerate(zip(columns, record), start=1):
                if column.kind != "note":
                    text = style.shown_text(shown_value(value), column.kind, currency)
                    widths[j] = max(widths.get(j, 0), style.display_width(text))
    drawn = list(islice(zip(*series), shown_rows))
    # A column with a link anywhere gets the link font throughout; only drawn rows can hold one
    # (a table with a link is never streamed), so only they are looked at.
    linked = [values.dtype == object and any(isinstance(record[j], Link) for record in drawn)
              for j, values in enumerate(series)]
    for i, record in enumerate(drawn, start=1):
        for j, (column, value) in enumerate(zip(columns, record), start=1):
            cell = put(ws, top + i, j, value)
            # One style per column, whatever the value: a streamed long table reuses the first row's.
            if formats[j - 1]:
                cell.number_format = formats[j - 1]
            if linked[j - 1]:
                cell.font = style.LINK_FONT
            if column.kind == "note":
                cell.alignment = style.NOTE_ALIGNMENT
            elif i <= style.WIDTH_SAMPLE_ROWS:
                text = value.text if isinstance(value, Link) else style.shown_text(cell.value, column.kind, currency)
                widths[j] = max(widths.get(j, 0), style.display_width(text))
    last = top + max(len(frame), 1)
    ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    excel_table = Table(displayName=name, ref=ref)
    excel_table.tableStyleInfo = TABLE_STYLE
    # Name the columns here: left to openpyxl, saving reads them from ws[ref], which makes a cell
    # object for every cell of the table (seconds for a long streamed table, whose rows are not drawn).
    excel_table._initialise_columns()
    for table_column, column in zip(excel_table.tableColumns, columns):
        table_column.name = column.label
    ws.tables.add(excel_table)  # its name is unique already (unique_name): no pass over every table to check
    add_looks(ws, columns, top + 1, last)
    if any(c.total for c in columns):
        totals = last + 1
        for j, column in enumerate(columns, start=1):
            cell = ws.cell(row=totals, column=j)
            cell.font, cell.border = style.TOTAL_FONT, style.TOTAL_BORDER
            if j == 1:
                cell.value = TOTAL_LABEL
            if column.total:
                cell.value = f"=SUBTOTAL(109,{name}[{escape(column.label)}])"
                cell.number_format = formats[j - 1] or "General"
        return totals + 1
    return last + 1


def add_looks(ws: Worksheet, columns: list[OutColumn], first: int, last: int) -> None:
    """Conditional formats on the data rows: tier colours for ratios to target, data bars for shares."""
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        cells = f"{letter}{first}:{letter}{last}"
        if column.look == "tier":
            for rule in style.tier_rules(f"{letter}{first}"):
                ws.conditional_formatting.add(cells, rule)
        elif column.look == "share":
            ws.conditional_formatting.add(cells, style.share_rule())


def render_chart(ws: Worksheet, chart: OutChart, top: int, table: OutTable,
                 currency: str | None = style.DEFAULT_CURRENCY, space_top: int = 1) -> None:
    """Draw ``chart`` from its table (header on row ``top``), to the right of the table or on its ``cells``.

    ``space_top`` is the first row of the space left for placed charts (:attr:`OutChart.cells`).
    """
    keys = [c.key for c in table.columns]
    last = top + max(len(table.frame), 1)
    if chart.kind == "line":
        drawn = LineChart()
    else:
        drawn = BarChart()
        drawn.type = "col" if chart.kind == "column" else "bar"
        if chart.stacked:
            drawn.grouping, drawn.overlap = "stacked", 100
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
    if style.number_format(table.columns[keys.index(chart.category)].kind) is None:  # text labels: a string reference
        for part in parts:
            for series in part.series:
                series.cat = AxDataSource(strRef=StrRef(f=str(categories)))
    if style.number_format(chart.y_kind, currency):
        drawn.y_axis.number_format = style.number_format(chart.y_kind, currency)
    if table.columns[keys.index(chart.category)].kind == "date":
        drawn.x_axis.number_format = "mm-dd"  # a day of the month, not a serial number
    for index, key in enumerate(chart.series):
        if key in chart.hidden:  # the floating base of a waterfall: no fill, no line, no legend entry
            drawn.series[index].graphicalProperties = GraphicalProperties(noFill=True)
            drawn.series[index].graphicalProperties.line.noFill = True
            drawn.legend.legendEntry.append(LegendEntry(idx=index, delete=True))
    drawn.x_axis.delete = False  # openpyxl hides axes unless told otherwise
    drawn.y_axis.delete = False
    if chart.lines or chart.cells:  # a chart in a grid is small: the legend goes under it
        drawn.legend.position = "b"
    if chart.cells:  # stretched over its cells, so it moves and sizes with them
        first_row, first_col, last_row, last_col = chart.cells
        drawn.anchor = TwoCellAnchor(_from=AnchorMarker(col=first_col - 1, row=space_top + first_row - 2),
                                     to=AnchorMarker(col=last_col, row=space_top + last_row - 1))
        ws.add_chart(drawn)
        return
    drawn.width, drawn.height = CHART_SIZE_CM[0], max(CHART_SIZE_CM[1], min(0.5 * (len(table.frame) + 2), 20))
    ws.add_chart(drawn, f"{get_column_letter(len(keys) + 2)}{top}")


def escape(label: str) -> str:
    """Escape a header for a structured reference (``'`` before ``[ ] # '``)."""
    return "".join("'" + ch if ch in "[]#'" else ch for ch in label)


def today_text(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
