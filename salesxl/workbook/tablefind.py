"""Where a table is on a sheet: its header row, which column is which, and how far its rows run.

A planner's input table has its header in the first rows (:data:`HEADER_SEARCH_ROWS`); a table salesxl
issued sits anywhere on its sheet, after the title block and the tables above it. Finding either costs a
lookup per cell of the rows that may hold a header, never a pass over the sheet's rows per column or
spelling (issue 22: ``tests/workbook/test_header_cost.py`` counts the labels folded).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from ..problems import Problem
from .backend import GridRows, RawSheet
from .render import TOTAL_LABEL
from .schema import Column, SheetLayout, SheetSchema

HEADER_SEARCH_ROWS = 20
LAYOUT_STARTS = ("layout starts",)
"""Where, on a sheet salesxl owns, the reader keeps the rows its tables can start at (``RawSheet.parsed``), so
that the several tables read from one sheet find them once."""

def find_table(schema: SheetSchema, raw: RawSheet) -> tuple[SheetLayout, dict[int, Column], list[Problem]]:
    """Where the table is: its header row, which sheet column holds which declared column, and the
    problems with the table as a whole (a column missing or twice, merged cells, a header moved down)."""
    layout = SheetLayout(schema.key, raw.name)
    problems: list[Problem] = []
    # An issued sheet may hold several tables; each issued schema finds its own header anywhere.
    search = None if schema.issued else HEADER_SEARCH_ROWS
    if search is None and raw.owner is not None:  # where salesxl's layout can start a table: found once per sheet
        starts = raw.parsed.get(LAYOUT_STARTS)
        if starts is None:
            starts = raw.parsed[LAYOUT_STARTS] = header_candidates(raw.rows, None, owned=True)
        header_row, matched, duplicates = find_header(schema, raw.rows, search, candidates=starts)
    else:
        header_row, matched, duplicates = find_header(schema, raw.rows, search)
    layout.header_row = header_row
    for j, column in matched.items():
        layout.columns[column.key] = (get_column_letter(j + 1), str(raw.rows[header_row - 1][j]).strip())
    for j, column in duplicates:
        problems.append(Problem(raw.name, header_row, column.key, "duplicate-column",
                                f"“{column.label}”列出现了两次", f"the column '{column.label}' appears twice",
                                letter=get_column_letter(j + 1), header=str(raw.rows[header_row - 1][j])))
    for column in schema.columns:
        if column.required and column.key not in layout.columns:
            problems.append(Problem(raw.name, header_row, column.key, "missing-column",
                                    f"第{header_row}行缺少必填列“{column.label}”",
                                    f"row {header_row} has no required column '{column.label}'"))
    if header_row > 1 and not schema.issued:  # issued sheets have a title block above the table
        problems.append(Problem(raw.name, header_row, None, "header-not-first-row",
                                f"表头在第{header_row}行，不在第1行；已从该行读取",
                                f"the header is on row {header_row}, not row 1; read from there", "notice"))

    for r1, c1, r2, c2 in raw.merged:
        if r2 >= header_row and any(c1 <= j + 1 <= c2 for j in matched):
            key = next(col.key for j, col in matched.items() if c1 <= j + 1 <= c2)
            problems.append(Problem(raw.name, r1, key, "merged-cells",
                                    f"表格中有合并单元格 {get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}，请取消合并",
                                    f"merged cells {get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2} "
                                    "inside the table; unmerge them", letter=get_column_letter(c1),
                                    header=layout.columns[key][1]))
    return layout, matched, problems


def find_header(schema: SheetSchema, rows: Sequence[list[Any]], search: int | None, owned: bool = False,
                candidates: Iterable[int] | None = None):
    """The row (1-based) that names the most declared columns, among the first ``search`` rows; with
    ``search`` None, among the rows of the whole sheet where a table of salesxl's layout can start
    (``owned``: the sheet is salesxl's, so that layout is known), or among every row; or among the rows
    ``candidates`` (0-based) already found so.

    Each candidate costs a lookup per cell, never a pass over the sheet's rows per column or spelling.
    """
    best_row, best = 1, ({}, [])
    for r in candidates if candidates is not None else header_candidates(rows, search, owned):
        row = rows[r]
        if not row or not isinstance(row[0], str):
            continue  # a header row starts with a label
        matched, duplicates = schema.match_headers(row)
        if len(matched) > len(best[0]):
            best_row, best = r + 1, (matched, duplicates)
    return best_row, best[0], best[1]


def header_candidates(rows: Sequence[list[Any]], search: int | None, owned: bool) -> Iterable[int]:
    """Rows (0-based) that may hold a table's header.

    salesxl lays out its sheets (:func:`salesxl.workbook.render.render_sheet`) as a title block whose rows
    fill only column A, then each table: a heading in column A, the header, the rows, the totals, a blank
    row. So on a sheet salesxl owns, a header follows a row with nothing beyond column A (or is row 1):
    a handful of rows on a sheet of a hundred thousand.
    """
    if search is not None:
        return range(min(search, len(rows)))
    if not owned or len(rows) < 2:
        return range(len(rows))
    if isinstance(rows, GridRows) and rows.grid.ndim == 2:
        beyond_a = pd.notna(rows.grid[:-1, 1:]).any(axis=1)  # a value is never NaN; were it, one row more is tried
    else:
        beyond_a = np.array([any(v is not None for v in row[1:]) for row in rows[:-1]], dtype=bool)
    return [0] + (np.flatnonzero(~beyond_a) + 1).tolist()


def uncached_rows(raw: RawSheet, header_row: int, height: int, matched: dict) -> dict[int, np.ndarray]:
    """Matched column -> which rows below the header hold a formula Excel never calculated."""
    marks = {j: np.zeros(height, dtype=bool) for j in matched}
    for r, c in raw.uncached:
        if c - 1 in marks and header_row < r <= header_row + height:
            marks[c - 1][r - header_row - 1] = True
    return marks


def columns_of(body: Sequence[list], matched: dict) -> dict[int, list]:
    """Matched column -> its cells below the header (a short row's missing cells are None)."""
    if isinstance(body, GridRows):  # the scanner's grid: each column taken whole
        return {j: body.column(j) for j in matched}
    width = max(matched, default=-1) + 1
    if all(len(row) >= width for row in body):
        return {j: [row[j] for row in body] for j in matched}
    return {j: [row[j] if j < len(row) else None for row in body] for j in matched}


def table_length(raw: RawSheet, header_row: int, matched: dict) -> int:
    """How many rows below its header (row ``header_row``) an issued table runs: up to its totals row
    (column A says so) or the first row whose matched cells are all empty or spaces with no uncalculated
    formula among them. Only the table's own rows are looked at, not the blocks below it on the sheet."""
    rows, uncached = raw.rows, raw.uncached
    if isinstance(rows, GridRows) and rows.grid.ndim == 2:
        return grid_table_length(rows.grid, header_row, matched, uncached)
    for r in range(header_row, len(rows)):
        row = rows[r]
        if row and row[0] == TOTAL_LABEL:
            return r - header_row
        if all(is_blank_cell(row[j] if j < len(row) else None) and (r + 1, j + 1) not in uncached for j in matched):
            return r - header_row
    return len(rows) - header_row


def grid_table_length(grid: np.ndarray, header_row: int, matched: dict, uncached: set) -> int:
    """:func:`table_length` on the scanner's grid, a block of rows at a time, a column at a time: a cell
    is looked at only while its row may still be blank."""
    height, width = grid.shape
    formulas = np.array(sorted({r - 1 for r, c in uncached if c - 1 in matched}), dtype=np.int64)
    for start in range(header_row, height, 8192):
        block = grid[start:start + 8192]
        ends = np.equal(block[:, 0], TOTAL_LABEL) if width else np.zeros(len(block), dtype=bool)
        blank = np.ones(len(block), dtype=bool)
        blank[formulas[(formulas >= start) & (formulas < start + len(block))] - start] = False
        for j in (j for j in matched if j < width):  # a column past the widest row is empty
            column = block[:, j]
            filled = np.flatnonzero(blank & ~np.equal(column, None))
            spaces = np.fromiter((v.__class__ is str and not v.strip() for v in column[filled].tolist()), bool,
                                 len(filled))
            blank[filled[~spaces]] = False
        stops = np.flatnonzero(blank | ends)
        if len(stops):
            return start + int(stops[0]) - header_row
    return height - header_row


def is_blank_cell(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def row_is_blank(cells: dict[int, list], uncached: dict[int, np.ndarray], height: int) -> np.ndarray:
    """Rows whose matched cells are all empty (or spaces) and hold no uncalculated formula."""
    candidates = range(height)  # rows that may still be blank: each column looks only at those
    for j, values in cells.items():
        marks = uncached[j]
        candidates = [i for i in candidates if not marks[i] and (
            values[i] is None or (values[i].__class__ is str and not values[i].strip()))]
    blank = np.zeros(height, dtype=bool)
    blank[candidates] = True
    return blank
