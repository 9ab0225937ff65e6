"""What Excel must be told to show a rendered sheet: the house style read back as a list of facts.

The live backend does not decide how a sheet looks. It draws each
:class:`~salesxl.workbook.backend.SheetOutput` with the file backend's renderer
(:func:`salesxl.workbook.render.render_sheet`) onto a throwaway openpyxl sheet, and this module
reads that sheet back as a :class:`SheetPlan`: values and formulas, number formats and cell looks
as rectangles (one Excel call each), the Excel Tables, conditional formats, charts with their
series, frozen panes, page setup and page breaks, the workbook-level names the colours compare
with, and whether the sheet is hidden. :mod:`salesxl.workbook.livewrite` carries a plan over to
Excel. So a style decided in :mod:`salesxl.workbook.style` reaches both backends, and nothing of
it is written down twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import openpyxl
from openpyxl.chart import BarChart, LineChart
from openpyxl.drawing.spreadsheet_drawing import TwoCellAnchor
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from .backend import InputSheet, SheetOutput
from .inputsheet import draw_input_sheet
from .render import render_sheet
from .splice import BOOK_NAME_PREFIX

Bounds = tuple[int, int, int, int]
"""``(first row, first column, last row, last column)``, 1-based."""

CM_POINTS = 72 / 2.54


@dataclass(frozen=True)
class Look:
    """How a cell looks beyond its number format; the default look (a plain cell) is not written."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None  # None: Excel's default 11
    font_rgb: str | None = None  # "1F4E78"
    fill_rgb: str | None = None
    wrap: bool = False
    vertical: str | None = None  # "top", "center"; None: Excel's default (bottom)
    top_border_rgb: str | None = None  # a thin line on the top edge


@dataclass(frozen=True)
class Rule:
    """One conditional-format rule, in the sheet's priority order.

    ``kind`` is ``custom`` (a formula, its relative references written from the range's top-left
    cell) or ``data_bar`` (``minimum``/``maximum`` as ``(type, value)``, types as xlwings names them).
    """

    bounds: Bounds
    kind: str
    formula: str = ""
    fill_rgb: str | None = None
    font_rgb: str | None = None
    bold: bool | None = None
    stop_if_true: bool = False
    bar_rgb: str | None = None
    minimum: tuple = ("automatic", None)
    maximum: tuple = ("automatic", None)


@dataclass(frozen=True)
class SeriesPlan:
    name: Bounds  # the header cell naming the series
    values: Bounds
    categories: Bounds
    line: bool = False  # drawn as a line over a column or bar chart
    hidden: bool = False  # no fill, no line, no legend entry (a waterfall's floating base)


@dataclass(frozen=True)
class ChartPlan:
    """A chart: its xlwings type, title, series, axes, legend and where it sits.

    ``cell`` with ``size`` (points) places it at a cell; ``cells`` stretches it over a block.
    """

    kind: str  # xlwings' chart type: line, column_clustered, column_stacked, bar_clustered, bar_stacked
    title: str | None
    series: tuple[SeriesPlan, ...]
    value_title: str | None = None
    value_format: str | None = None
    category_format: str | None = None
    legend: str = "right"
    cell: tuple[int, int] | None = None
    size: tuple[float, float] | None = None
    cells: Bounds | None = None


@dataclass(frozen=True)
class PagePlan:
    """Print setup in Excel's own terms (``PageSetup``): margins in points, title rows as ``$1:$6``."""

    orientation: str = "portrait"
    paper_a4: bool = True
    fit_wide: int | None = None  # None: printed at 100 %, not fitted
    fit_tall: int = 0  # 0: as many pages tall as needed
    title_rows: str = ""
    print_area: str | None = None
    centered: bool = False
    header: str = ""
    footer: str = ""
    margins: tuple[float, float, float, float] = (54.0, 54.0, 72.0, 72.0)  # left, right, top, bottom


@dataclass(frozen=True)
class Validation:
    """A drop-down list: ``choices`` typed in, or ``name`` (a workbook name listing them, ``salesxl_regions``)."""

    bounds: Bounds
    choices: tuple[str, ...] = ()
    name: str | None = None
    allow_blank: bool = True
    error_title: str = ""
    error: str = ""


@dataclass
class SheetPlan:
    """One output sheet as Excel calls: what to write where.

    Attributes:
        name: the tab name.
        grid: values from ``A1``, rectangular; text carries Excel's text prefix (``'``).
        late_formulas: ``(row, column, formula)`` written after the tables they refer to.
        formats: ``(bounds, number_format)`` rectangles.
        looks: ``(bounds, Look)`` rectangles.
        tables: ``(name, bounds, style name)``.
        widths: column number -> width.
        rules: conditional formats, highest priority first.
        charts: the charts, in drawing order.
        freeze: the top-left cell of the scrolling pane, or None.
        page: print setup.
        breaks: rows that start a new printed page.
        book_names: workbook-level names (``salesxl_tier_base``...) -> their formula.
        hidden: the sheet is hidden.
        notes: ``(row, column, text)`` notes on cells (an input sheet's header notes).
        validations: drop-down lists.
    """

    name: str
    grid: list[list[Any]]
    late_formulas: list[tuple[int, int, str]] = field(default_factory=list)
    formats: list[tuple[Bounds, str]] = field(default_factory=list)
    looks: list[tuple[Bounds, Look]] = field(default_factory=list)
    tables: list[tuple[str, Bounds, str]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    charts: list[ChartPlan] = field(default_factory=list)
    freeze: tuple[int, int] | None = None
    page: PagePlan = field(default_factory=PagePlan)
    breaks: list[int] = field(default_factory=list)
    book_names: dict[str, str] = field(default_factory=dict)
    hidden: bool = False
    notes: list[tuple[int, int, str]] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return sum(len(row) for row in self.grid)


def sheet_plan(output: SheetOutput, taken: set[str]) -> SheetPlan:
    """Render ``output`` as the file backend does and read back what Excel must be told."""
    ws = openpyxl.Workbook().active
    render_sheet(ws, output, taken)
    return plan_of(ws, output.sheet.name)


def input_plan(sheet: InputSheet, taken: set[str]) -> SheetPlan:
    """Draw an input sheet as the template does and read back what Excel must be told."""
    ws = openpyxl.Workbook().active
    draw_input_sheet(ws, sheet, taken)
    return plan_of(ws, sheet.name)


def plan_of(ws: Worksheet, name: str) -> SheetPlan:
    """What a drawn openpyxl sheet holds, as Excel calls."""
    tables = [(t.displayName, bounds_of(t.ref), t.tableStyleInfo.name) for t in ws.tables.values()]
    plan = SheetPlan(name, [], tables=tables)
    structured = re.compile("|".join(re.escape(name) + r"\[" for name, _, _ in tables) or r"(?!)", re.I)
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
    cells = [c for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column) for c in row]
    plan.formats = rectangles({(c.row, c.column): c.number_format for c in cells if c.number_format != "General"})
    plan.looks = rectangles({(c.row, c.column): look for c in cells if (look := look_of(c)) != Look()})
    plan.widths = {column_index_from_string(letter): dim.width
                   for letter, dim in ws.column_dimensions.items() if dim.width}
    plan.rules = rules_of(ws)
    plan.charts = [chart_plan(chart) for chart in ws._charts]
    plan.freeze = coordinate(ws.freeze_panes) if ws.freeze_panes else None
    plan.page = page_plan(ws)
    plan.breaks = sorted(b.id + 1 for b in ws.row_breaks.brk)
    plan.book_names = {name: defined.attr_text for name, defined in ws.parent.defined_names.items()
                       if name.startswith(BOOK_NAME_PREFIX)}
    plan.hidden = ws.sheet_state != "visible"
    plan.notes = [(c.row, c.column, c.comment.text) for c in cells if c.comment is not None]
    plan.validations = validations_of(ws)
    return plan


def validations_of(ws: Worksheet) -> list[Validation]:
    found = []
    for rule in ws.data_validations.dataValidation:
        if rule.type != "list":
            raise ValueError(f"the live backend has no way to set a {rule.type} validation")
        formula = rule.formula1 or ""
        if formula.startswith('"'):
            choices, name = tuple(formula.strip('"').split(",")), None
        else:
            choices, name = (), formula.lstrip("=")
        for area in str(rule.sqref).split():
            found.append(Validation(bounds_of(area), choices, name, bool(rule.allow_blank), rule.errorTitle or "",
                                    rule.error or ""))
    return found


# ---- Cells --------------------------------------------------------------------------------------

def rgb(color) -> str | None:
    """openpyxl's ``FF1F4E78`` as ``1F4E78``; theme and indexed colours are not the house style's."""
    value = getattr(color, "rgb", None)
    return value[-6:].upper() if isinstance(value, str) else None


def look_of(cell) -> Look:
    font, fill, alignment, border = cell.font, cell.fill, cell.alignment, cell.border
    top = border.top if border is not None else None
    return Look(bold=bool(font.b), italic=bool(font.i), underline=bool(font.u),
                size=font.sz if font.sz and font.sz != 11 else None, font_rgb=rgb(font.color),
                fill_rgb=rgb(fill.fgColor) if fill is not None and fill.fill_type == "solid" else None,
                wrap=bool(alignment.wrap_text), vertical=alignment.vertical if alignment.vertical != "bottom" else None,
                top_border_rgb=rgb(top.color) if top is not None and top.style == "thin" else None)


def rectangles(keys: dict[tuple[int, int], Any]) -> list[tuple[Bounds, Any]]:
    """Cells with equal keys as few rectangles as a simple sweep finds: each column's runs of equal
    keys, then side-by-side runs that span the same rows joined. One Excel call per rectangle."""
    runs: dict[tuple[int, int, Any], list[int]] = {}  # (first row, last row, key) -> columns
    by_column: dict[int, list[int]] = {}
    for r, c in keys:
        by_column.setdefault(c, []).append(r)
    for column in sorted(by_column):
        rows = sorted(by_column[column])
        start = previous = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == previous + 1 and keys[(row, column)] == keys[(start, column)]:
                previous = row
                continue
            runs.setdefault((start, previous, keys[(start, column)]), []).append(column)
            if row is not None:
                start = previous = row
    found = []
    for (first, last, key), columns in runs.items():
        begin = columns[0]
        for a, b in zip(columns, columns[1:] + [None]):
            if b != a + 1:
                found.append(((first, begin, last, a), key))
                begin = b
    return sorted(found, key=lambda item: (item[0][0], item[0][1]))


def bounds_of(ref: str) -> Bounds:
    """``A1:C4`` or ``'Sheet'!$A$1:$C$4`` -> ``(1, 1, 4, 3)``."""
    c1, r1, c2, r2 = range_boundaries(ref.rsplit("!", 1)[-1].replace("$", ""))
    return r1, c1, r2, c2


def coordinate(cell: str) -> tuple[int, int]:
    r1, c1, _, _ = bounds_of(cell)
    return r1, c1


# ---- Conditional formats ----------------------------------------------------------------------

CFVO_TYPES = {"num": "number", "max": "highest_value", "min": "lowest_value", "percent": "percent",
              "percentile": "percentile", "formula": "formula"}


def rules_of(ws: Worksheet) -> list[Rule]:
    found = []
    for formatting in ws.conditional_formatting:
        for area in str(formatting.sqref).split():
            bounds = bounds_of(area)
            for rule in formatting.rules:
                if rule.type == "expression":
                    dxf = rule.dxf
                    found.append((rule.priority, Rule(
                        bounds, "custom", rule.formula[0],
                        fill_rgb=rgb(dxf.fill.bgColor) if dxf is not None and dxf.fill is not None else None,
                        font_rgb=rgb(dxf.font.color) if dxf is not None and dxf.font is not None else None,
                        bold=bool(dxf.font.b) if dxf is not None and dxf.font is not None else None,
                        stop_if_true=bool(rule.stopIfTrue))))
                elif rule.type == "dataBar":
                    low, high = rule.dataBar.cfvo
                    found.append((rule.priority, Rule(
                        bounds, "data_bar", bar_rgb=rgb(rule.dataBar.color),
                        minimum=(CFVO_TYPES[low.type], low.val), maximum=(CFVO_TYPES[high.type], high.val))))
                else:
                    raise ValueError(f"the live backend has no way to draw a {rule.type} rule")
    return [rule for _, rule in sorted(found, key=lambda pair: pair[0])]


# ---- Charts -------------------------------------------------------------------------------------

def text_of(title) -> str | None:
    """The plain text of an openpyxl title (rich text runs joined), or None."""
    rich = getattr(getattr(title, "tx", None), "rich", None)
    if rich is None:
        return None
    return "".join(run.t or "" for paragraph in rich.p for run in (paragraph.r or []))


def chart_kind(chart) -> str:
    if isinstance(chart, LineChart):
        return "line"
    if isinstance(chart, BarChart):
        direction = "column" if chart.barDir == "col" else "bar"
        return f"{direction}_{'stacked' if chart.grouping == 'stacked' else 'clustered'}"
    raise ValueError(f"the live backend has no way to draw a {type(chart).__name__}")


def format_code(axis) -> str | None:
    """An axis' number format (openpyxl keeps it as a ``NumFmt``), or None for Excel's own."""
    found = axis.number_format
    return getattr(found, "formatCode", found)


def chart_plan(chart) -> ChartPlan:
    hidden_entries = {entry.idx for entry in chart.legend.legendEntry if entry.delete} if chart.legend else set()
    series = []
    for part in chart._charts:
        for s in part.series:
            category = s.cat.numRef.f if s.cat.numRef is not None else s.cat.strRef.f
            hidden = bool(s.graphicalProperties is not None and s.graphicalProperties.noFill)
            series.append(SeriesPlan(bounds_of(s.tx.strRef.f), bounds_of(s.val.numRef.f), bounds_of(category),
                                     line=part is not chart, hidden=hidden))
    if any(s.hidden for s in series) and hidden_entries != {i for i, s in enumerate(series) if s.hidden}:
        raise ValueError("a hidden series keeps no legend entry: the live writer deletes exactly those")
    value_format, category_format = format_code(chart.y_axis), format_code(chart.x_axis)
    placed = dict(legend="bottom" if chart.legend is not None and chart.legend.position == "b" else "right",
                  value_title=text_of(chart.y_axis.title), value_format=value_format, category_format=category_format)
    if isinstance(chart.anchor, TwoCellAnchor):
        start, end = chart.anchor._from, chart.anchor.to
        cells = (start.row + 1, start.col + 1, end.row + (1 if end.rowOff else 0), end.col + (1 if end.colOff else 0))
        return ChartPlan(chart_kind(chart), text_of(chart.title), tuple(series), cells=cells, **placed)
    return ChartPlan(chart_kind(chart), text_of(chart.title), tuple(series), cell=coordinate(chart.anchor),
                     size=(chart.width * CM_POINTS, chart.height * CM_POINTS), **placed)


# ---- Page ---------------------------------------------------------------------------------------

def page_plan(ws: Worksheet) -> PagePlan:
    setup, margins = ws.page_setup, ws.page_margins
    fitted = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    area = ws.print_area
    return PagePlan(orientation=setup.orientation or "portrait", paper_a4=str(setup.paperSize) == "9",
                    fit_wide=int(setup.fitToWidth) if fitted else None,
                    fit_tall=int(setup.fitToHeight or 0) if fitted else 0,
                    title_rows=ws.print_title_rows or "",
                    print_area=area.rsplit("!", 1)[-1] if area else None,
                    centered=bool(ws.print_options.horizontalCentered),
                    header=ws.oddHeader.center.text or "", footer=ws.oddFooter.center.text or "",
                    margins=tuple(72 * m for m in (margins.left, margins.right, margins.top, margins.bottom)))


def plans(outputs: Sequence[SheetOutput], taken: set[str]) -> list[SheetPlan]:
    """Every output rendered before Excel is touched: a bad value fails before anything changes."""
    return [sheet_plan(output, taken) for output in outputs]
