"""The small interface every workbook backend implements.

salesxl talks to a workbook in exactly three ways: list its sheets, read one
sheet's cell values, and write a set of output sheets all at once. The file
backend (:mod:`salesxl.workbook.filebook`, no Excel needed) and the live backend
(xlwings, inside Excel) both implement it, so the core and the entry points never
know which one is in use.

What is written is described as data (:class:`SheetOutput`): tables of values
with labels and number formats, never backend calls. Each backend renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Sequence

import pandas as pd

from .schema import OutputSheetName


@dataclass
class RawSheet:
    """The cell values of one sheet, as the backend found them.

    Attributes:
        name: the sheet's tab name.
        rows: values row by row, ``rows[0]`` is Excel row 1 and ``rows[r][0]`` column A.
            Formula cells hold their cached value.
        merged: merged ranges as ``(min_row, min_col, max_row, max_col)``, 1-based.
        uncached: ``(row, col)`` of formula cells that have no cached value.
        date1904: the workbook uses the 1904 date system.
    """

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncached: set[tuple[int, int]] = field(default_factory=set)
    date1904: bool = False


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


Kind = Literal["text", "amount", "decimal", "integer", "percent", "date", "month", "bool"]


@dataclass(frozen=True)
class OutColumn:
    """How one column of an output table is shown.

    Attributes:
        key: the DataFrame column.
        zh, en: the bilingual header.
        kind: decides the number format.
        total: add a SUBTOTAL(109) formula under the column.
    """

    key: str
    zh: str
    en: str
    kind: Kind = "text"
    total: bool = False

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass
class OutTable:
    """A block of rows written as an Excel Table.

    ``page_break``: a printed page starts at this table (its heading), as between the
    reps of a commitment sheet.
    """

    frame: pd.DataFrame
    columns: Sequence[OutColumn]
    heading: str | None = None
    name: str | None = None
    page_break: bool = False


@dataclass(frozen=True)
class PageSetup:
    """How a sheet prints: paper, orientation, fitted to the page width, title rows repeated on every page."""

    paper: Literal["A4"] = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"
    fit_width: bool = True
    title_rows: int = 1


@dataclass
class SheetOutput:
    """One sheet salesxl writes, as data.

    Attributes:
        sheet: its bilingual name.
        subtitle: a line under the title (month, source).
        notes: lines a planner should read (e.g. "no history for 2023: weights renormalised").
        tables: the tables, top to bottom.
        hidden: the sheet is written hidden (an archive the planner rarely needs).
        page: how it prints, for sheets meant to be printed (None: Excel's defaults).
    """

    sheet: OutputSheetName
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)
    tables: list[OutTable] = field(default_factory=list)
    hidden: bool = False
    page: PageSetup | None = None


class WorkbookBackend(Protocol):
    """What the entry points need of a workbook, whichever program holds it."""

    def sheet_names(self) -> list[str]:
        """Tab names, in workbook order."""

    def read_sheet(self, name: str) -> RawSheet:
        """All cell values of one sheet."""

    def write_sheets(self, outputs: Sequence[SheetOutput]) -> None:
        """Create or replace the given output sheets, all or nothing."""
