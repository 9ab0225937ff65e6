"""The live backend: the workbook open in Excel, through xlwings (free features only).

It implements the same small interface as the file backend
(:class:`~salesxl.workbook.backend.WorkbookBackend`), so a ribbon button runs
exactly the step the CLI runs, and writes the same sheets.

Reading takes one call per sheet: the block from ``A1`` to the used range's last
cell, as a list of rows (``options(ndim=2, err_to_str=True)``: every shape comes
back as rows, and ``#N/A`` stays visible as text, as the file backend sees it).
Merged cells are found by halving the sheet while Excel says a block holds
merged cells, so a sheet without any costs one call.

Writing draws each :class:`~salesxl.workbook.backend.SheetOutput` with the very
renderer the file backend uses and reads back what Excel must be told
(:mod:`salesxl.workbook.liveplan`), then carries it over (:mod:`salesxl.workbook.livewrite`):
values, formats, fonts, fills, borders, tables, formulas, conditional formats,
charts, names, frozen panes, print setup and hidden state. Every output sheet is
rendered before Excel is touched, so a bad value fails before anything in the
workbook changes; ``tests/steps/test_live_contract.py`` checks that a button and
its command write the same sheets.

Why the sheets are written in place rather than made by the file writer in a
temporary workbook and copied in (``Sheet.copy``): a click costs some 400-2,100
Excel calls this way on the small demo (``benchmarks/live_calls.py``), while the
copy would cost the temporary file (0.1-1.1 s there) and Excel opening it before
any copy; and a rerun would have to delete the sheet it replaces, turning the
planner's formulas that point into it into ``#REF!``, while the copies bring
the temporary book's tables, names and chart references along, to be renamed
and re-pointed.

While writing, calculation is manual, screen updating and events off; all three
are restored, with the planner's active sheet and selection, even when a write
fails.

Text is written with Excel's text prefix (``'``): assigning a string to a cell
through COM reads it like typing, which would turn ``2026-02`` into a date,
``00123`` into 123 and ``=...`` into a formula.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from openpyxl.utils import column_index_from_string

from ..problems import ProblemsFound
from .backend import OWNER_MARKER, AppendedRows, InputSheet, RawSheet, SheetOutput, not_owned, structure_protected
from .liveplan import input_plan, plans
from .livewrite import COM, Com, add_validations, define_names, write_plan
from .render import excel_value


class LiveWorkbook:
    """A workbook open in Excel; implements :class:`~salesxl.workbook.backend.WorkbookBackend`.

    ``book`` is an ``xlwings.Book`` (in a ribbon callback, ``xw.Book.caller()``). ``progress``
    hears of each sheet read and written, with its size, for Excel's status bar.
    """

    def __init__(self, book, progress: Callable[[str], None] | None = None):
        self.book = book
        self.progress = progress or (lambda message: None)

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
        self.progress(f"读取 Reading {sheet.name}: {len(rows):,} 行 rows")
        return RawSheet(sheet.name, rows, merged_areas(sheet, last.row, last.column),
                        percent_cells=percent_cells(sheet, rows), owner=owner(sheet))

    def write_sheets(self, outputs: Sequence[SheetOutput], appended: Sequence[AppendedRows] = ()) -> None:
        refuse_if_protected(self.book)
        existing = {s.name.casefold(): s for s in self.book.sheets}
        clashes = [not_owned(sheet.name) for o in outputs
                   if (sheet := existing.get(o.sheet.name.casefold())) is not None and owner(sheet) != o.sheet.key]
        if clashes:
            raise ProblemsFound(clashes)
        replaced = {o.sheet.name.casefold() for o in outputs}
        taken = {t.name for s in self.book.sheets if s.name.casefold() not in replaced for t in s.tables}
        rendered = plans(outputs, taken)
        with quiet_excel(self.book):
            for number, (output, plan) in enumerate(zip(outputs, rendered), start=1):
                self.progress(f"写入 Writing {number}/{len(outputs)} {plan.name}: {plan.cells:,} 格 cells")
                before = existing.get(plan.name.casefold())
                hidden = plan.hidden or (before is not None and not before.visible)  # salesxl never unhides
                sheet = fresh_sheet(self.book, plan.name, before)
                write_plan(sheet, plan)
                mark(sheet, output.sheet.key)
                if hidden:
                    sheet.visible = False
            for block in appended:
                append_rows(self.book.sheets[block.sheet], block)


    def add_sheets(self, sheets: Sequence[InputSheet], names: dict[str, str]) -> None:
        refuse_if_protected(self.book)
        existing = {s.name.casefold() for s in self.book.sheets}
        clashes = [sheet.name for sheet in sheets if sheet.name.casefold() in existing]
        if clashes:
            raise ValueError(f"sheets already there: {clashes}")  # the caller adds only what is missing
        taken = {t.name for s in self.book.sheets for t in s.tables} | {n.name for n in self.book.names}
        rendered = [input_plan(sheet, taken) for sheet in sheets]
        with quiet_excel(self.book):
            added = []
            for number, plan in enumerate(rendered, start=1):
                self.progress(f"添加 Adding {number}/{len(rendered)} {plan.name}")
                sheet = self.book.sheets.add(name=plan.name, after=self.book.sheets[len(self.book.sheets) - 1])
                write_plan(sheet, plan)
                added.append(sheet)
            define_names(self.book, names)
            for sheet, plan in zip(added, rendered):
                add_validations(sheet, plan.validations)


def refuse_if_protected(book) -> None:
    """Stop before anything changes when the workbook's structure is protected, as the file backend does:
    Excel would refuse the first sheet added, hidden or shown, half way through a write.
    (``Workbook.ProtectStructure`` is COM's; on macOS Excel itself refuses, with its own message.)"""
    if COM and book.api.ProtectStructure:
        raise ProblemsFound([structure_protected()])


def append_rows(sheet, block: AppendedRows) -> None:
    """Add a block of rows below a planner's table: one call per column, then the table grows to take them
    (``Table.resize``, free xlwings). Text keeps Excel's text prefix, as in the output sheets."""
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
        sheet = next((s for s in book.sheets if s.name == active), None)
        if sheet is not None and sheet.visible:
            sheet.activate()
            if selected:
                sheet.range(selected).select()


def fresh_sheet(book, name: str, old=None):
    """An empty, visible sheet called ``name``; a sheet salesxl wrote before is emptied in place.

    Emptied, not deleted and added again: Excel turns every formula elsewhere that
    points into a deleted sheet into ``#REF!``, so a planner's summary reading
    ``='业务员目标 Rep Targets'!C5`` would break on every run. The sheet keeps its
    place in the tab order and its tab colour; its tables, charts, cells, formats,
    conditional formats, page breaks and frozen panes go (the new ones replace them).
    ``old`` is the sheet of that name (None: there is none).
    """
    if old is None:
        sheets = book.sheets
        return sheets.add(name=name, after=sheets[len(sheets) - 1])
    old.visible = True  # a hidden output (an archive) is shown while written, and hidden again after
    for table in list(old.tables):
        delete_table(table)
    for chart in list(old.charts):
        chart.delete()
    old.clear()
    if COM:
        Com.unfreeze(old)
    return old


def delete_table(table) -> None:
    """Delete an Excel Table with its cells (xlwings has no call for it: ``ListObject.Delete`` through ``api``)."""
    api = table.api
    delete = getattr(api, "Delete", None) or getattr(api, "delete")  # Windows COM, macOS scripting bridge
    delete()


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
