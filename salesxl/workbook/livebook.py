"""The live backend: the workbook open in Excel, through xlwings (free features only).

It implements the same small interface as the file backend
(:class:`~salesxl.workbook.backend.WorkbookBackend`), so a ribbon button runs
exactly the step the CLI runs.

Reading takes one call per sheet: the block from ``A1`` to the used range's last
cell, as a list of rows (``options(ndim=2, err_to_str=True)``: every shape comes
back as rows, and ``#N/A`` stays visible as text, as the file backend sees it).
Merged cells are found by halving the sheet while Excel says a block holds
merged cells, so a sheet without any costs one call.

Writing draws each :class:`~salesxl.workbook.backend.SheetOutput` with the very
renderer the file backend uses (onto a throwaway openpyxl sheet), then carries
the result over: all values in one call (chunked above ``CHUNK_CELLS``), then
number formats and styles in runs, the Excel Tables, and last the totals
formulas that refer to those tables. So both backends lay out a sheet the same
way by construction, and a contract test checks it. What xlwings' free API has no
calls for is left to the file backend: the house style's conditional formats (tier
colours, share bars), frozen panes and print setup (:mod:`salesxl.workbook.style`).

While writing, calculation is manual and screen updating off; both are restored,
with the planner's active sheet and selection, even when a write fails. Each
output sheet is rendered completely before Excel is touched, so a bad value
fails before anything in the workbook changes.

Text is written with Excel's text prefix (``'``): assigning a string to a cell
through COM reads it like typing, which would turn ``2026-02`` into a date,
``00123`` into 123 and ``=...`` into a formula.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import openpyxl
from openpyxl.utils import column_index_from_string, range_boundaries

from ..problems import ProblemsFound
from .backend import OWNER_MARKER, AppendedRows, RawSheet, SheetOutput, not_owned
from .render import TABLE_STYLE, excel_value, render_sheet

CHUNK_CELLS = 100_000
"""At most this many cells per write call (xlwings' own threshold for chunking)."""


@dataclass
class SheetPlan:
    """One output sheet as Excel calls: what to write where.

    Attributes:
        name: the tab name.
        grid: values from ``A1``, rectangular; text carries the ``'`` prefix.
        late_formulas: ``(row, column, formula)`` written after the tables they refer to.
        formats: ``(first_row, last_row, column, number_format)`` runs.
        styles: ``(row, first_column, last_column, style)`` runs of styled cells.
        tables: ``(name, (min_col, min_row, max_col, max_row))``.
        widths: column number -> width.
    """

    name: str
    grid: list[list[Any]]
    late_formulas: list[tuple[int, int, str]] = field(default_factory=list)
    formats: list[tuple[int, int, int, str]] = field(default_factory=list)
    styles: list[tuple[int, int, int, tuple]] = field(default_factory=list)
    tables: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)


def sheet_plan(output: SheetOutput, taken: set[str]) -> SheetPlan:
    """Render ``output`` as the file backend does and read back what Excel must be told."""
    ws = openpyxl.Workbook().active
    render_sheet(ws, output, taken)
    tables = [(table.displayName, range_boundaries(table.ref)) for table in ws.tables.values()]
    structured = re.compile("|".join(re.escape(name) + r"\[" for name, _ in tables) or r"(?!)", re.I)
    plan = SheetPlan(output.sheet.name, [], tables=tables)
    for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
        values = []
        for cell in row:
            value = cell.value
            if cell.data_type == "f" and structured.search(value):
                plan.late_formulas.append((cell.row, cell.column, value))
                value = None
            elif isinstance(value, str) and cell.data_type != "f":
                value = "'" + value if value else None  # an empty text is an empty cell, as in a file
            values.append(value)
        plan.grid.append(values)
    plan.formats = format_runs(ws)
    plan.styles = style_runs(ws)
    plan.widths = {column_index_from_string(letter): dim.width
                   for letter, dim in ws.column_dimensions.items() if dim.width}
    return plan


def runs(keys: Sequence[Any]) -> list[tuple[int, int, Any]]:
    """``(first, last, key)`` for each stretch of equal, non-None keys (1-based positions)."""
    found, first = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[first]:
            if keys[first] is not None:
                found.append((first + 1, i, keys[first]))
            first = i
    return found


def format_runs(ws) -> list[tuple[int, int, int, str]]:
    """Number formats as column stretches: one call each instead of one per cell."""
    found = []
    for column in ws.iter_cols(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
        keys = [None if c.number_format == "General" else c.number_format for c in column]
        found += [(first, last, column[0].column, fmt) for first, last, fmt in runs(keys)]
    return found


def style_of(cell) -> tuple | None:
    """``(bold, italic, underline, size, font_rgb, fill_rgb)``, or None for a plain cell."""
    font, fill = cell.font, cell.fill
    fill_rgb = fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None
    style = (bool(font.b), bool(font.i), bool(font.u), font.sz if font.sz and font.sz != 11 else None,
             font.color.rgb if font.color is not None and isinstance(font.color.rgb, str) else None,
             fill_rgb if isinstance(fill_rgb, str) else None)
    return None if style == (False, False, False, None, None, None) else style


def style_runs(ws) -> list[tuple[int, int, int, tuple]]:
    """Fonts and fills as row stretches (title, notes, headers, totals)."""
    found = []
    for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
        found += [(row[0].row, first, last, style) for first, last, style in runs([style_of(c) for c in row])]
    return found


def rgb(argb: str) -> tuple[int, int, int]:
    """openpyxl's ``FF1F4E78`` as xlwings' ``(31, 78, 120)``."""
    hex6 = argb[-6:]
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


class LiveWorkbook:
    """A workbook open in Excel; implements :class:`~salesxl.workbook.backend.WorkbookBackend`.

    ``book`` is an ``xlwings.Book`` (in a ribbon callback, ``xw.Book.caller()``).
    """

    def __init__(self, book):
        self.book = book

    @property
    def path(self) -> Path | None:
        """Where Excel saved the open book (its full name is a path), or None for a book never saved."""
        full = getattr(self.book, "fullname", None)
        return Path(full) if full and ("/" in full or "\\" in full) else None

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_sheet(self, name: str) -> RawSheet:
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        block = sheet.range((1, 1), (last.row, last.column))
        rows = [list(r) for r in block.options(ndim=2, err_to_str=True).value]
        return RawSheet(sheet.name, rows, merged_areas(sheet, last.row, last.column),
                        percent_cells=percent_cells(sheet, rows))

    def write_sheets(self, outputs: Sequence[SheetOutput], appended: Sequence[AppendedRows] = ()) -> None:
        existing = {s.name.casefold(): s for s in self.book.sheets}
        clashes = [not_owned(sheet.name) for o in outputs
                   if (sheet := existing.get(o.sheet.name.casefold())) is not None and owner(sheet) != o.sheet.key]
        if clashes:
            raise ProblemsFound(clashes)
        replaced = {o.sheet.name.casefold() for o in outputs}
        taken = {t.name for s in self.book.sheets if s.name.casefold() not in replaced for t in s.tables}
        plans = [sheet_plan(o, taken) for o in outputs]
        with quiet_excel(self.book):
            for output, plan in zip(outputs, plans):
                sheet = fresh_sheet(self.book, plan.name)
                write_plan(sheet, plan)
                mark(sheet, output.sheet.key)
            for block in appended:
                append_rows(self.book.sheets[block.sheet], block)


def append_rows(sheet, block: AppendedRows) -> None:
    """Add a block of rows below a planner's table: one call per column, then the table grows to take them
    (``Table.resize``, free xlwings). Text keeps Excel's text prefix, as in :func:`sheet_plan`."""
    for letter, (values, number_format) in block.columns.items():
        column = column_index_from_string(letter)
        cells = sheet.range((block.first_row, column), (block.first_row + len(values) - 1, column))
        if number_format:
            cells.number_format = number_format
        cells.value = [[typed(value)] for value in values]
    for table in sheet.tables:
        area = table.range
        if area.row == block.header_row and area.last_cell.row < block.last_row:
            table.resize(sheet.range((area.row, area.column), (block.last_row, area.last_cell.column)))


def typed(value: Any) -> Any:
    """A value as typed into Excel through COM: text behind the text prefix, so it stays text."""
    value = excel_value(value)
    return "'" + value if isinstance(value, str) and value else value


def owner(sheet) -> str | None:
    """The output key in the sheet's ownership marker (see ``OWNER_MARKER``), or None for a planner's sheet."""
    for name in sheet.names:
        if name.name.rsplit("!", 1)[-1] == OWNER_MARKER:
            return str(name.refers_to).lstrip("=").strip('"')
    return None


def mark(sheet, key: str) -> None:
    """Mark a sheet as salesxl's, as the file backend does: a hidden sheet-level name holding the key."""
    name = sheet.names.add(OWNER_MARKER, f'="{key}"')
    try:
        name.api.Visible = False  # hidden from the Name Manager (Windows COM)
    except Exception:  # noqa: BLE001 — macOS Excel's scripting bridge names this differently; visible is harmless
        pass


@contextmanager
def quiet_excel(book) -> Iterator[None]:
    """Manual calculation, no screen updating, no events; afterwards restore them, the active sheet and selection."""
    app = book.app
    calculation, screen_updating, events = app.calculation, app.screen_updating, app.enable_events
    active = book.sheets.active.name
    selection = book.selection
    selected = selection.address if selection is not None else None
    app.screen_updating = False
    app.calculation = "manual"
    app.enable_events = False  # the planner's own Worksheet_Change macros do not fire on our writes
    try:
        yield
    finally:
        app.calculation = calculation
        app.screen_updating = screen_updating
        app.enable_events = events
        if active in [s.name for s in book.sheets]:
            sheet = book.sheets[active]
            sheet.activate()
            if selected:
                sheet.range(selected).select()


def fresh_sheet(book, name: str):
    """An empty sheet called ``name``; a sheet salesxl wrote before is emptied in place.

    Emptied, not deleted and added again: Excel turns every formula elsewhere that
    points into a deleted sheet into ``#REF!``, so a planner's summary reading
    ``='业务员目标 Rep Targets'!C5`` would break on every run. The sheet keeps its
    place in the tab order, its tab colour and its print settings.
    """
    sheets = book.sheets
    old = {s.name.casefold(): s for s in sheets}.get(name.casefold())
    if old is None:
        return sheets.add(name=name, after=sheets[len(sheets) - 1])
    for table in list(old.tables):
        delete_table(table)
    old.clear()
    return old


def delete_table(table) -> None:
    """Delete an Excel Table with its cells (xlwings has no call for it: ``ListObject.Delete`` through ``api``)."""
    api = table.api
    delete = getattr(api, "Delete", None) or getattr(api, "delete")  # Windows COM, macOS scripting bridge
    delete()


def write_plan(sheet, plan: SheetPlan) -> None:
    """Carry one rendered sheet over to Excel in as few calls as the layout allows."""
    width = max((len(r) for r in plan.grid), default=0)
    if width:
        step = max(1, CHUNK_CELLS // width)
        for top in range(0, len(plan.grid), step):
            sheet.range((top + 1, 1)).value = plan.grid[top:top + step]
    for first, last, column, fmt in plan.formats:
        sheet.range((first, column), (last, column)).number_format = fmt
    for name, (min_col, min_row, max_col, max_row) in plan.tables:
        sheet.tables.add(source=sheet.range((min_row, min_col), (max_row, max_col)), name=name,
                         table_style_name=TABLE_STYLE.name)
    for row, column, formula in plan.late_formulas:
        sheet.range((row, column)).formula = formula
    for row, first, last, (bold, italic, underline, size, font_rgb, fill_rgb) in plan.styles:
        cells = sheet.range((row, first), (row, last))
        if fill_rgb:
            cells.color = rgb(fill_rgb)
        font = cells.font
        font.bold, font.italic = bold, italic
        if size:
            font.size = size
        if font_rgb:
            font.color = rgb(font_rgb)
    for column, column_width in plan.widths.items():
        sheet.range((1, column)).column_width = column_width


def percent_cells(sheet, rows: list[list]) -> set[tuple[int, int]]:
    """Number cells formatted as a percentage (Excel shows 1.2 as 120 %), found by halving.

    Per column, the stretch from its first to its last number is asked for its
    ``NumberFormat``; Excel answers None when the cells' formats differ, and such a
    stretch is halved. A column of one format costs one call.
    """
    found: set[tuple[int, int]] = set()
    width = max((len(r) for r in rows), default=0)
    for c in range(1, width + 1):
        numbers = [r for r, row in enumerate(rows, start=1)
                   if c <= len(row) and isinstance(row[c - 1], (int, float)) and not isinstance(row[c - 1], bool)]
        stretches = [(numbers[0], numbers[-1])] if numbers else []
        while stretches:
            top, bottom = stretches.pop()
            fmt = sheet.range((top, c), (bottom, c)).number_format
            if fmt is None:
                middle = (top + bottom) // 2
                stretches += [(top, middle), (middle + 1, bottom)]
            elif "%" in fmt:
                found |= {(r, c) for r in numbers if top <= r <= bottom}
    return found


def merged_areas(sheet, last_row: int, last_col: int) -> list[tuple[int, int, int, int]]:
    """Merged areas as ``(min_row, min_col, max_row, max_col)``, found by halving.

    Excel's ``MergeCells`` of a block is False when nothing in it is merged, True
    when everything is, and None (mixed) otherwise; only blocks that are not False
    are looked into, so the cost grows with the number of merged areas, not the
    size of the sheet.
    """
    found: set[tuple[int, int, int, int]] = set()

    def covered(r1, c1, r2, c2) -> bool:
        return any(a[0] <= r1 and a[1] <= c1 and r2 <= a[2] and c2 <= a[3] for a in found)

    def look(r1, c1, r2, c2):
        if covered(r1, c1, r2, c2) or sheet.range((r1, c1), (r2, c2)).merge_cells is False:
            return
        area = sheet.range((r1, c1)).merge_area
        bounds = (area.row, area.column, area.last_cell.row, area.last_cell.column)
        if bounds != (r1, c1, r1, c1):
            found.add(bounds)
            if bounds[0] <= r1 and bounds[1] <= c1 and r2 <= bounds[2] and c2 <= bounds[3]:
                return
        if (r1, c1) == (r2, c2):
            return
        if r2 - r1 >= c2 - c1:
            mid = (r1 + r2) // 2
            look(r1, c1, mid, c2)
            look(mid + 1, c1, r2, c2)
        else:
            mid = (c1 + c2) // 2
            look(r1, c1, r2, mid)
            look(r1, mid + 1, r2, c2)

    look(1, 1, last_row, last_col)
    return sorted(found)
