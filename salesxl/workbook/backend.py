"""The small interface every workbook backend implements.

salesxl talks to a workbook in four ways: list its sheets, read one sheet's
cell values, write a set of output sheets all at once, and add input sheets
the planner then owns (``salesxl init``). The file
backend (:mod:`salesxl.workbook.filebook`, no Excel needed) and the live backend
(xlwings, inside Excel) both implement it, so the core and the entry points never
know which one is in use.

What is written is described as data (:class:`SheetOutput`): tables of values
with labels and number formats, never backend calls. Each backend renders it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, Protocol, Sequence

import numpy as np
import pandas as pd

from ..core.settings import DEFAULT_CURRENCY
from ..problems import Problem
from .schema import OutputSheetName, SheetSchema

OWNER_MARKER = "_salesxl_owned"
"""The hidden sheet-level defined name that marks a sheet as salesxl's; its value is the output's key.

Both backends write it on every sheet they write and replace only sheets that carry it with the
right key, so a planner's own sheet that happens to have an output's name is never overwritten.
Excel moves a sheet-level name with its sheet and deletes it with the sheet.
"""


def not_owned(name: str) -> Problem:
    """The planner has a sheet of their own with an output's name: salesxl stops rather than overwrite it."""
    return Problem(name, None, None, "sheet-not-owned",
                   f"工作表“{name}”不是salesxl生成的，未覆盖；请将其改名或删除后重试",
                   f"the sheet '{name}' was not made by salesxl, so it was not overwritten; rename or delete "
                   "it and run again")


def structure_protected() -> Problem:
    """The workbook's structure is protected: no sheet can be added, replaced, hidden or shown; nothing is written."""
    return Problem(None, None, None, "workbook-protected",
                   "工作簿结构受保护（审阅→保护工作簿），salesxl无法添加或替换工作表；请取消保护后重试",
                   "the workbook's structure is protected (Review > Protect Workbook), so salesxl "
                   "cannot add or replace sheets; unprotect it and run again")


class GridRows(Sequence):
    """A sheet's rows kept as the grid of values the scanner found (:mod:`salesxl.workbook.sheetscan`).

    It reads as a list of rows — ``rows[r]`` is a list as wide as the widest row, a slice is again
    rows, rows compare equal to a list of the same rows — but a row becomes a list only when asked
    for, and the reader takes a whole column at once (:meth:`column`): a long History sheet is read a
    column at a time without first making its half-million rows into lists.
    """

    def __init__(self, grid: np.ndarray):
        self.grid = grid

    def __len__(self) -> int:
        return len(self.grid)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return GridRows(self.grid[index])
        return self.grid[index].tolist()

    def __iter__(self) -> Iterator[list[Any]]:
        for start in range(0, len(self.grid), 4096):  # a block of rows at a time: tolist is quickest in bulk
            yield from self.grid[start:start + 4096].tolist()

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # rows are compared, not hashed, as a list's are

    def __repr__(self) -> str:
        return f"GridRows({len(self.grid)} rows x {self.grid.shape[1] if self.grid.ndim == 2 else 0} columns)"

    def column(self, j: int) -> list[Any]:
        """Column ``j`` (0 is A) top to bottom; None past the widest row."""
        if self.grid.ndim < 2 or j >= self.grid.shape[1]:
            return [None] * len(self.grid)
        return self.grid[:, j].tolist()


@dataclass
class RawSheet:
    """The cell values of one sheet, as the backend found them.

    Attributes:
        name: the sheet's tab name.
        rows: values row by row, ``rows[0]`` is Excel row 1 and ``rows[r][0]`` column A.
            Formula cells hold their cached value. A list of lists, or the scanner's :class:`GridRows`.
        merged: merged ranges as ``(min_row, min_col, max_row, max_col)``, 1-based.
        uncached: ``(row, col)`` of formula cells that have no cached value.
        date1904: the workbook uses the 1904 date system.
        percent_cells: ``(row, col)`` of number cells formatted as a percentage: Excel shows 1.2 as 120 %,
            so the value is a fraction, never percentage points.
        parsed: what the input reader made of this sheet, by schema (the reader's cache: a sheet read
            once is checked once, however many steps of a run ask for it).
        owner: the output key in the sheet's ownership marker (:data:`OWNER_MARKER`) when salesxl wrote
            it, else None: the reader then knows the sheet is laid out as salesxl lays out its sheets.
    """

    name: str
    rows: Sequence[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: set[tuple[int, int]] = field(default_factory=set)
    date1904: bool = False
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    parsed: dict = field(default_factory=dict, compare=False, repr=False)
    owner: str | None = None


@dataclass(frozen=True)
class Link:
    """A cell value that jumps to a place in the workbook when clicked.

    Both backends write it as the same ``HYPERLINK`` formula, so a link survives
    copying the sheet and reads the same in Excel and LibreOffice. Plain text that
    happens to start with ``=`` is still written as text, never as a formula.

    Attributes:
        text: what the cell shows, e.g. ``业务员 Reps!C7``.
        sheet: the tab to jump to.
        cell: the cell on that tab, e.g. ``C7``.
    """

    text: str
    sheet: str
    cell: str = "A1"

    @property
    def formula(self) -> str:
        target = "#'" + self.sheet.replace("'", "''") + "'!" + self.cell
        # A string inside a formula is at most 255 characters; quotes are doubled.
        return '=HYPERLINK("{}","{}")'.format(target.replace('"', '""'), self.text[:255].replace('"', '""'))


Kind = Literal["text", "amount", "decimal", "integer", "percent", "date", "month", "bool", "note"]
"""How a column is shown; ``note`` is free text a planner writes into (wrapped, wide)."""

Look = Literal["tier", "share"]
"""What a column's colour means: ``tier`` colours a ratio to target (attainment, pace) by the tier it has
reached, with the thresholds from Settings; ``share`` draws a data bar (a share of a whole)."""


@dataclass(frozen=True)
class OutColumn:
    """How one column of an output table is shown.

    Attributes:
        key: the DataFrame column.
        zh, en: the bilingual header.
        kind: decides the number format.
        total: add a SUBTOTAL(109) formula under the column.
        look: colour the column by what its values mean (:data:`Look`); None leaves it plain.
    """

    key: str
    zh: str
    en: str
    kind: Kind = "text"
    total: bool = False
    look: Look | None = None

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


Tone = Literal["normal", "alert"]


@dataclass
class OutTable:
    """A block of rows written as an Excel Table.

    Attributes:
        frame: the rows.
        columns: which frame columns are shown, in order, and how.
        heading: a line above the table.
        name: the table's name; a chart refers to its table by it.
        tone: ``alert`` shows the table in red (e.g. customers not touched for 21 days).
        page_break: a printed page starts at this table (its heading), as between the
            reps of a commitment sheet.
        space_above: blank rows left above the table (its heading): room for charts placed by
            :attr:`OutChart.cells` (a dashboard's grid of charts above the data they draw).
    """

    frame: pd.DataFrame
    columns: Sequence[OutColumn]
    heading: str | None = None
    name: str | None = None
    tone: Tone = "normal"
    page_break: bool = False
    space_above: int = 0


ChartKind = Literal["line", "column", "bar"]


@dataclass(frozen=True)
class OutChart:
    """A native chart drawn from one of the sheet's tables, so it stays live in Excel.

    Attributes:
        kind: line, column (vertical bars) or bar (horizontal bars).
        title: the chart title.
        table: the ``name`` of the :class:`OutTable` on the same sheet holding the data.
        category: the column key whose values label the horizontal axis.
        series: column keys, one series each, named by the column's header.
        y_title: the value axis title.
        lines: more column keys drawn as lines over a column or bar chart, on the same axis
            (e.g. the base / challenge / sprint lines over attainment bars).
        y_kind: how the value axis numbers are shown (e.g. ``percent``); None leaves Excel's default.
        stacked: the series of a column or bar chart are stacked (one bar per category).
        hidden: series drawn without fill or legend entry, e.g. the floating base of a waterfall.
        cells: ``(first row, first column, last row, last column)`` the chart covers, 1-based, rows
            counted from the first row of the space left above a table (:attr:`OutTable.space_above`);
            the chart moves and sizes with its cells. None draws the chart beside its table.
    """

    kind: ChartKind
    title: str
    table: str
    category: str
    series: tuple[str, ...]
    y_title: str = ""
    lines: tuple[str, ...] = ()
    y_kind: Kind | None = None
    stacked: bool = False
    hidden: tuple[str, ...] = ()
    cells: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class PageSetup:
    """How a sheet prints and scrolls, where a report wants other than the house style's choice.

    Attributes:
        paper: always A4.
        orientation: ``auto`` prints landscape when the tables are too wide for portrait.
        fit_width: fitted to the page width.
        title_rows: rows repeated on every printed page; None lets the house style choose
            (the title, and the header of a sheet's only table).
        freeze: freeze the panes below the first header (off for a document of pages, like
            the commitments, where the first header means nothing further down).
        one_page: fit the sheet to a single page, wide and tall, and print only its top: down to
            the end of the space left for charts (:attr:`OutTable.space_above`), so the chart data
            below stays on screen but off the page.
    """

    paper: Literal["A4"] = "A4"
    orientation: Literal["portrait", "landscape", "auto"] = "auto"
    fit_width: bool = True
    title_rows: int | None = None
    freeze: bool = True
    one_page: bool = False


@dataclass(frozen=True)
class RunInfo:
    """What the title block and the number formats need to know about the run that wrote a sheet.

    :func:`salesxl.steps.run_step` sets it on every sheet a step writes, from what it read; a sheet
    written without it (a test, the ribbon's Problems sheet) shows no run line and amounts in the
    default currency.

    Attributes:
        month: the plan month, e.g. ``2026-12``.
        run_time: when the step ran (see :func:`salesxl.workbook.style.run_time`).
        source: the sheets the figures came from, e.g. ``设置 Settings, 业务员 Reps``.
        currency: the Settings ``currency`` (ISO code), shown in every amount's number format.
        tier_cells: setting key (``tier_base``...) -> the cell it was read from, as a formula
            reference (``'设置 Settings'!$B$17``); tier colours refer to these cells.
    """

    month: str = ""
    run_time: dt.datetime | None = None
    source: str = ""
    currency: str = DEFAULT_CURRENCY
    tier_cells: dict[str, str] = field(default_factory=dict)


@dataclass
class SheetOutput:
    """One sheet salesxl writes, as data.

    Attributes:
        sheet: its bilingual name.
        subtitle: a line under the title (month, source).
        notes: lines a planner should read (e.g. "no history for 2023: weights renormalised").
        tables: the tables, top to bottom.
        charts: charts drawn from those tables, each placed beside its table.
        hidden: the sheet is written hidden (an archive the planner rarely needs).
        page: how it prints and scrolls, where the report overrides the house style (None: the house style).
        run: the run that wrote it (title block, currency, tier thresholds); set by the step.
        column_widths: fixed widths (characters) by column letter, for a sheet laid out on a grid of
            charts; other columns are fitted to their content.
    """

    sheet: OutputSheetName
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    tables: list[OutTable] = field(default_factory=list)
    charts: list[OutChart] = field(default_factory=list)
    hidden: bool = False
    page: PageSetup | None = None
    run: RunInfo | None = None
    column_widths: dict[str, float] = field(default_factory=dict)


@dataclass
class InputSheet:
    """An input sheet as the template lays it out (:mod:`salesxl.workbook.inputsheet`), to add to a workbook.

    Once added it is the planner's sheet: it carries no ownership marker, and nothing replaces it.

    Attributes:
        schema: which input sheet.
        frame: rows to fill it with (None: an empty table with rows prepared for typing).
        settings: on the Settings sheet, values by setting key (the others get their defaults).
    """

    schema: SheetSchema
    frame: pd.DataFrame | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.schema.name


@dataclass
class AppendedRows:
    """Rows added below an input table the planner owns (the rows a collect brings in).

    Nothing above ``first_row`` changes; the sheet's Excel Table, when its header is ``header_row``,
    grows to take the new rows. Both backends write it in the same all-or-nothing call as the output
    sheets (``write_sheets(outputs, appended)``).

    Attributes:
        sheet: the tab name, as found.
        header_row: the table's header row.
        first_row: the first row written: the one below the last row holding anything.
        columns: column letter -> (values top to bottom, number format or None). Values are written as
            the planner would type them: text stays text, yes/no as 是/否, dates as dates.
    """

    sheet: str
    header_row: int
    first_row: int
    columns: dict[str, tuple[list[Any], str | None]]

    @property
    def count(self) -> int:
        return max((len(values) for values, _ in self.columns.values()), default=0)

    @property
    def last_row(self) -> int:
        return self.first_row + self.count - 1


class WorkbookBackend(Protocol):
    """What the entry points need of a workbook, whichever program holds it.

    Attributes:
        path: the workbook's file (the file backend's path, or where Excel saved the open book); None for a
            book never saved. Files salesxl keeps beside the workbook (Parquet overflow, history files named
            relative to it) are found from here.
    """

    path: Path | None

    def sheet_names(self) -> list[str]:
        """Tab names, in workbook order."""

    def read_sheet(self, name: str) -> RawSheet:
        """All cell values of one sheet."""

    def write_sheets(self, outputs: Sequence[SheetOutput], appended: Sequence[AppendedRows] = ()) -> None:
        """Create or replace the given output sheets, and add ``appended`` rows, all or nothing."""

    def add_sheets(self, sheets: Sequence[InputSheet], names: dict[str, str]) -> None:
        """Add the given input sheets at the end, and (re)define salesxl's workbook ``names``, all or nothing.

        A sheet of that name must not exist: an added sheet never replaces anything."""
