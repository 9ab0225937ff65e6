"""The state of the double's Excel: workbooks, sheets, cells, tables, charts, names, rules; and references.

Plain data with the few rules Excel keeps on it (sheet names unique ignoring case, a hidden sheet cannot
be activated, a conditional format's formula kept relative to the cell that was active when it was
added). The engine (:mod:`.engine`) and the COM doubles (:mod:`.com`) read and change it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
DATE_TEXT = re.compile(r"^\s*(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?\s*$")
CELL_REF = re.compile(r"(?<![A-Za-z0-9_.!'\]])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![0-9(A-Za-z_])")
CELL_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
               -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}
"""COM's error codes, as xlwings' Windows engine maps them."""
ERROR_CODES = {text: code for code, text in CELL_ERRORS.items()}
CALCULATION = ("automatic", "manual", "semiautomatic")
DEFAULT_WIDTH = 8.43
ROW_POINTS = 15.0
XL_HIGHEST_VALUE, XL_AUTOMATIC_MAX = 2, 7
"""``XlConditionValueTypes``: highest value, automatic maximum."""


class ExcelError(str):
    """An error value held by a cell, e.g. ``ExcelError('#N/A')``."""


def column_points(width: float) -> float:
    return int(7 * width + 5) * 0.75


# ==== The state of Excel ===========================================================================

@dataclass
class Cell:
    value: Any = None
    formula: str | None = None
    number_format: str = "General"
    font: dict = field(default_factory=dict)  # bold, italic, underline, size, color (r, g, b)
    fill: tuple | None = None
    wrap: bool = False
    valign: str | None = None
    borders: dict = field(default_factory=dict)  # side -> {"line_style", "weight", "color"}
    note: str | None = None
    styled: bool = False  # formatted on opening: counts in the used range

    @property
    def used(self) -> bool:
        return bool(self.value is not None or self.formula or self.number_format != "General" or self.font
                    or self.fill or self.wrap or self.valign or self.borders or self.note or self.styled)


@dataclass
class DefinedName:
    book: "Workbook"
    name: str
    refers_to: str
    sheet: "Worksheet | None" = None  # None: a workbook-level name
    visible: bool = True

    @property
    def qualified(self) -> str:
        if self.sheet is None:
            return self.name
        title = self.sheet.name
        return f"{quote(title) if re.search(r'[^A-Za-z0-9_.]', title) else title}!{self.name}"


@dataclass
class ListObject:
    sheet: "Worksheet"
    name: str
    bounds: tuple[int, int, int, int]  # r1, c1, r2, c2
    style: str
    row_stripes: bool = True


@dataclass
class Series:
    name_ref: str | None = None
    values_ref: str | None = None
    xvalues_ref: str | None = None
    chart_type: str | None = None  # None: the chart's own type
    fill_visible: bool = True
    line_visible: bool = True


@dataclass
class ChartObject:
    sheet: "Worksheet"
    name: str
    left: float
    top: float
    width: float
    height: float
    chart_type: str = "column_clustered"
    title: str | None = None
    legend: str | None = "right"
    legend_deleted: set = field(default_factory=set)  # 1-based entries deleted
    series: list = field(default_factory=list)
    axes: dict = field(default_factory=dict)  # "category"/"value" -> {"title", "number_format"}
    style: int | None = None


@dataclass
class ListValidation:
    """A drop-down list on a block of cells: typed ``choices`` or a ``formula`` (``=salesxl_regions``)."""

    bounds: tuple[int, int, int, int]
    choices: tuple = ()
    formula: str | None = None
    in_cell_dropdown: bool = True
    ignore_blank: bool = True
    show_error: bool = True
    error_title: str = ""
    error_message: str = ""


@dataclass
class Condition:
    """One conditional-format rule; ``formula`` keeps each relative reference as an offset from the
    cell that was active when the rule was added, as Excel does."""

    sheet: "Worksheet"
    bounds: tuple[int, int, int, int]
    kind: str  # "custom" or "data_bar"
    formula: list = field(default_factory=list)  # text pieces and (row_abs, row, col_abs, col) references
    fill: tuple | None = None
    font_color: tuple | None = None
    font_bold: bool | None = None
    stop_if_true: bool = False
    bar_color: tuple | None = None
    minimum: tuple = ("automatic", None)
    maximum: tuple = ("automatic", None)


class Worksheet:
    def __init__(self, book: "Workbook", name: str):
        self.book, self._name = book, name
        self.visible = True
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.tables: list[ListObject] = []
        self.charts: list[ChartObject] = []
        self.column_widths: dict[int, float] = {}
        self.validations: list[ListValidation] = []
        self.page: dict[str, Any] = {"PrintArea": "", "Zoom": 100, "FitToPagesWide": 1, "FitToPagesTall": 1,
                                     "Orientation": 1, "PaperSize": 1, "PrintTitleRows": "",
                                     "CenterHorizontally": False, "CenterHeader": "", "CenterFooter": ""}
        self.breaks: set[int] = set()  # rows that start a new printed page
        self.frozen: tuple[int, int] | None = None  # top-left cell of the scrolling pane
        self.scroll = (1, 1)
        self.split = (0, 0)
        self.selection = (1, 1, 1, 1)

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        if not value or len(value) > 31 or re.search(r"[\[\]:*?/\\]", value):
            raise ValueError(f"invalid sheet name {value!r}")
        if any(s is not self and s.name.casefold() == value.casefold() for s in self.book.sheets):
            raise ValueError(f"a sheet called {value!r} already exists")
        self._name = value

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.setdefault((row, column), Cell())

    def names(self) -> list[DefinedName]:
        return [n for n in self.book.names if n.sheet is self]

    def conditions(self) -> list[Condition]:
        return [c for c in self.book.conditions if c.sheet is self]

    def column_width(self, column: int) -> float:
        return self.column_widths.get(column, DEFAULT_WIDTH)

    def left_of(self, column: int) -> float:
        return sum(column_points(self.column_width(c)) for c in range(1, column))

    def cell_at(self, left: float, top: float) -> tuple[int, int]:
        """The cell whose area holds the point ``(left, top)`` (points from A1's corner)."""
        column = 1
        while self.left_of(column + 1) <= left + 1e-6:
            column += 1
        return int(top // ROW_POINTS) + 1, column


class Workbook:
    def __init__(self, app: "Excel", name: str, fullname: str = ""):
        self.app, self.name, self.fullname = app, name, fullname or name
        self.sheets: list[Worksheet] = []
        self.names: list[DefinedName] = []
        self.conditions: list[Condition] = []  # in priority order, first is 1
        self.active: Worksheet | None = None
        self.protect_structure = False  # Review > Protect Workbook

    def change_structure(self) -> None:
        """Adding, deleting, renaming, hiding or showing a sheet: refused while the structure is protected."""
        if self.protect_structure:
            raise RuntimeError("Workbook is protected and cannot be changed.")

    def sheet(self, key) -> Worksheet:
        if isinstance(key, int):
            return self.sheets[key - 1]
        for sheet in self.sheets:
            if sheet.name.casefold() == str(key).casefold():
                return sheet
        raise KeyError(key)

    def activate(self, sheet: Worksheet) -> None:
        if not sheet.visible:
            raise RuntimeError("Activate method of Worksheet class failed: the sheet is hidden")
        self.active = sheet


class Excel:
    """One running Excel: its settings, its workbooks, and what it was asked to show."""

    pids = itertools.count(1000)
    running: list["Excel"] = []  # the most recently activated first, as xlwings.apps lists them

    def __init__(self):
        self.pid = next(self.pids)
        self.books: list[Workbook] = []
        self.calculation = "automatic"
        self.screen_updating = True
        self.display_alerts = True
        self.enable_events = True
        self.print_communication = True
        self.status_bar: str | bool = False
        self.status_history: list[str | bool] = []
        self.alerts: list[dict] = []
        self.log: list[tuple[str, str]] = []  # books opened, exported to PDF, closed (by file name)
        self.calls = 0  # value reads and writes, to check "one call per sheet"
        Excel.running.insert(0, self)

    @property
    def active_book(self) -> Workbook | None:
        return self.books[0] if self.books else None


# ==== References as text =============================================================================

def quote(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def parse_address(text: str) -> list[tuple[int, int, int, int]]:
    """``A1``, ``$A$1:$B$3`` or areas joined by commas -> ``[(r1, c1, r2, c2), ...]``."""
    areas = []
    for part in text.replace("$", "").split(","):
        first, _, last = part.strip().partition(":")
        c1, r1 = coordinate_from_string(first)
        c2, r2 = coordinate_from_string(last or first)
        c1, c2 = column_index_from_string(c1), column_index_from_string(c2)
        areas.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return areas


def address(bounds: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = bounds
    first = f"${get_column_letter(c1)}${r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:${get_column_letter(c2)}${r2}"


def relative_formula(formula: str, active: tuple[int, int]) -> list:
    """A formula's pieces, each relative reference kept as an offset from the ``active`` cell."""
    pieces, at = [], 0
    for m in CELL_REF.finditer(formula):
        pieces.append(formula[at:m.start()])
        column, row = column_index_from_string(m.group(2)), int(m.group(4))
        pieces.append((bool(m.group(3)), row if m.group(3) else row - active[0],
                       bool(m.group(1)), column if m.group(1) else column - active[1]))
        at = m.end()
    pieces.append(formula[at:])
    return pieces


def formula_at(pieces: list, cell: tuple[int, int]) -> str:
    """The formula as Excel shows it for ``cell``."""
    text = []
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece)
            continue
        row_abs, row, col_abs, col = piece
        row, col = (row if row_abs else cell[0] + row), (col if col_abs else cell[1] + col)
        if row < 1 or col < 1:
            text.append("#REF!")
            continue
        text.append(f"{'$' if col_abs else ''}{get_column_letter(col)}{'$' if row_abs else ''}{row}")
    return "".join(text)


def overlaps(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def cells_in(sheet: Worksheet, bounds):
    r1, c1, r2, c2 = bounds
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            yield sheet.cell(r, c)


def cells_in_keys(sheet: Worksheet, bounds):
    r1, c1, r2, c2 = bounds
    return [k for k in sheet.cells if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]


def workbook_from_file(path, excel: "Excel", fullname: str = "") -> Workbook:
    """What Excel holds after opening ``path`` (not yet among ``excel``'s books): values as Excel stores
    them, merged areas, formats, names, tables, hidden sheets, paper size and orientation."""
    import datetime as dt

    import openpyxl
    from openpyxl.utils import range_boundaries

    source = openpyxl.load_workbook(path, data_only=True)
    workbook = Workbook(excel, str(path).replace("\\", "/").rsplit("/", 1)[-1], fullname)
    workbook.protect_structure = bool(source.security is not None and source.security.lockStructure)
    for ws in source.worksheets:
        sheet = Worksheet(workbook, ws.title)
        workbook.sheets.append(sheet)
        sheet.visible = ws.sheet_state == "visible"
        if ws.page_setup.paperSize:
            sheet.page["PaperSize"] = int(ws.page_setup.paperSize)
        sheet.page["Orientation"] = 2 if ws.page_setup.orientation == "landscape" else 1
        for row in ws.iter_rows():
            for c in row:
                cell = sheet.cell(c.row, c.column)
                cell.styled, cell.number_format = True, c.number_format
                if c.data_type == "e":
                    cell.value = ExcelError(c.value)
                elif isinstance(c.value, bool) or c.value is None or isinstance(c.value, (str, dt.datetime)):
                    cell.value = c.value
                elif isinstance(c.value, (int, float)):
                    cell.value = float(c.value)
                elif isinstance(c.value, dt.date):
                    cell.value = dt.datetime(c.value.year, c.value.month, c.value.day)
                else:
                    cell.value = c.value
        for m in ws.merged_cells.ranges:
            sheet.merged.append((m.min_row, m.min_col, m.max_row, m.max_col))
        for defined in ws.defined_names.values():  # sheet-level names, such as salesxl's ownership marker
            workbook.names.append(DefinedName(workbook, defined.name, "=" + defined.attr_text, sheet,
                                              visible=not defined.hidden))
        for table in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(table.ref)
            style = table.tableStyleInfo.name if table.tableStyleInfo is not None else "TableStyleMedium2"
            sheet.tables.append(ListObject(sheet, table.displayName, (r1, c1, r2, c2), style))
    for name, defined in source.defined_names.items():
        workbook.names.append(DefinedName(workbook, name, "=" + defined.attr_text, None))
    workbook.active = workbook.sheet(source.active.title)
    return workbook
