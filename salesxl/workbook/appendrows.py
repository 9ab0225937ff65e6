"""Adding rows below a planner's input table in the package, leaving every other cell as it was.

A collect brings the reps' rows into the master's 日志 Daily Log, 实际销售 Actuals and 跟进记录
Touches: sheets the planner owns, so salesxl may not replace them as it replaces its own. The rows
(:class:`~salesxl.workbook.backend.AppendedRows`) are drawn by openpyxl on a scratch sheet of the
same scratch workbook the output sheets are drawn in (so their styles merge the same way), and their
``<row>`` elements are put into the planner's sheet part: a row that exists (an empty row with a
format, say) takes the new cells among its own, any other row goes in its place by number. The sheet's
dimension grows to cover them, and so does the Excel Table whose header is the table's header row
(its ``ref`` and its filter's). Nothing else in the part changes: the cells above, the drop-downs, the
conditional formats and the planner's own columns stay byte for byte.
"""

from __future__ import annotations

import re
from typing import Sequence

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from ..problems import Problem, ProblemsFound
from .backend import AppendedRows
from .render import put

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SCRATCH_NAME = "~salesxl-rows-{}"
"""The scratch sheet each block of rows is drawn on (never a sheet of the planner's)."""


def draw_rows(book, appended: Sequence[AppendedRows]) -> list[str]:
    """Draw each block on a scratch sheet of ``book`` at the cells it will take; returns the sheets' names."""
    names = []
    for i, block in enumerate(appended):
        ws = book.create_sheet(SCRATCH_NAME.format(i))
        for letter, (values, number_format) in block.columns.items():
            column = column_index_from_string(letter)
            for k, value in enumerate(values):
                cell = put(ws, block.first_row + k, column, value)
                if number_format:
                    cell.number_format = number_format
        names.append(ws.title)
    return names


def row_number(row: etree._Element, previous: int) -> int:
    """A row's number: its ``r``, or the one after the previous row when a writer left it out."""
    return int(row.get("r")) if row.get("r") else previous + 1


def cell_column(cell: etree._Element, previous: int) -> int:
    return column_index_from_string(re.sub(r"\d", "", cell.get("r"))) if cell.get("r") else previous + 1


def put_rows(sheet: etree._Element, rows: Sequence[etree._Element]) -> None:
    """Put ``rows`` (scratch ``<row>`` elements, styles already the workbook's) into ``sheet`` by number."""
    data = sheet.find(f"{{{MAIN}}}sheetData")
    existing: dict[int, etree._Element] = {}
    number = 0
    for row in data.findall(f"{{{MAIN}}}row"):
        number = row_number(row, number)
        if row.get("r") is None:
            row.set("r", str(number))
        existing[number] = row
    for new in rows:
        new.attrib.pop("spans", None)
        n = int(new.get("r"))
        old = existing.get(n)
        if old is None:
            later = [r for k, r in existing.items() if k > n]
            if later:
                min(later, key=lambda r: int(r.get("r"))).addprevious(new)
            else:
                data.append(new)
            existing[n] = new
            continue
        old.attrib.pop("spans", None)  # an optimisation hint only; the row now holds more cells
        put_cells(old, list(new.findall(f"{{{MAIN}}}c")))


def put_cells(row: etree._Element, cells: list[etree._Element]) -> None:
    """Each new cell replaces the row's cell of the same column, or goes among them in column order."""
    column = 0
    present: dict[int, etree._Element] = {}
    for cell in row.findall(f"{{{MAIN}}}c"):
        column = cell_column(cell, column)
        if cell.get("r") is None:
            cell.set("r", f"{get_column_letter(column)}{row.get('r')}")
        present[column] = cell
    for cell in cells:
        j = cell_column(cell, 0)
        if j in present:
            present[j].addnext(cell)
            row.remove(present[j])
        else:
            after = [c for k, c in present.items() if k > j]
            if after:
                min(after, key=lambda c: cell_column(c, 0)).addprevious(cell)
            else:
                row.append(cell)
        present[j] = cell


def grow_dimension(sheet: etree._Element, last_row: int, last_column: int) -> None:
    dimension = sheet.find(f"{{{MAIN}}}dimension")
    if dimension is None or not dimension.get("ref"):
        return
    try:
        min_col, min_row, max_col, max_row = range_boundaries(dimension.get("ref"))
    except (ValueError, TypeError):
        return
    if (max_row or 0) >= last_row and (max_col or 0) >= last_column:
        return
    dimension.set("ref", f"{get_column_letter(min_col or 1)}{min_row or 1}:"
                         f"{get_column_letter(max(max_col or 1, last_column))}{max(max_row or 1, last_row)}")


def grow_table(table: etree._Element, block: AppendedRows) -> bool:
    """Stretch an Excel Table whose header is ``block``'s header row down to its last row; True if changed.

    A table with a totals row cannot take rows below it: that is refused rather than written in the wrong place.
    """
    min_col, min_row, max_col, max_row = range_boundaries(table.get("ref"))
    if min_row != block.header_row or table.get("headerRowCount") == "0" or max_row >= block.last_row:
        return False
    if table.get("totalsRowCount") not in (None, "0"):
        raise ProblemsFound([Problem(block.sheet, max_row, None, "table-has-totals",
                                     "表格末尾有汇总行，无法在其下追加行；请在“表设计”中取消“汇总行”后重试",
                                     "the table ends in a totals row, so rows cannot be added below it; turn off "
                                     "its Total Row (Table Design) and run again")])
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{block.last_row}"
    table.set("ref", ref)
    for child in table:
        if isinstance(child.tag, str) and etree.QName(child).localname == "autoFilter":
            child.set("ref", ref)
    return True
