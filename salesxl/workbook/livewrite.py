"""Carrying a :class:`~salesxl.workbook.liveplan.SheetPlan` over to Excel, through xlwings.

Everything xlwings' free API can say, it says: values (xlwings chunks a long write), number
formats, fonts, fills, alignment and borders, Excel Tables, formulas, notes, column widths,
conditional formats (``conditional_formats.add_custom``/``add_data_bar``), drop-down lists
(``data_validation.set_list``), charts (``charts.add`` with their titles, axes, legends and series
types), workbook names, the print area and the sheet's visibility.

What the free API has no call for on desktop Excel is set through ``.api`` (COM, Windows), in
:class:`Com`: underline, the data bar's "highest value" end, a chart's series (exact references:
``SeriesCollection.NewSeries``), a hidden series' fill, line and legend entry, a drop-down's
alert on a wrong entry (``Validation.ErrorTitle``...), page setup
(``PageSetup``, with ``Application.PrintCommunication`` off meanwhile: each property otherwise
waits for the printer driver), page breaks (``HPageBreaks``) and frozen panes
(``Window.FreezePanes``; xlwings' own ``freeze_panes`` works only in xlwings Server and Lite).
On macOS, whose Excel answers AppleScript rather than COM, these are left out.

Two Excel habits are minded: a conditional format's relative references are read from the active
cell, so the sheet is activated and each rule's top-left cell selected before it is added; and
xlwings puts each new rule first, so the rules are added lowest priority first.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from openpyxl.utils import get_column_letter

from .liveplan import Bounds, ChartPlan, Look, PagePlan, Rule, SheetPlan, Validation
from .splice import BOOK_NAME_PREFIX

XL_PORTRAIT, XL_LANDSCAPE = 1, 2
XL_PAPER_A4 = 9
XL_UNDERLINE_SINGLE = 2
XL_HIGHEST_VALUE = 2
"""``XlConditionValueTypes.xlConditionValueHighestValue``."""
COM = sys.platform != "darwin"
"""Whether Excel here answers COM (Windows); on macOS the touches through ``.api`` are left out."""


def write_plan(sheet, plan: SheetPlan) -> None:
    """Carry one rendered sheet over to Excel; ``sheet`` is empty and visible, and Excel quiet."""
    if plan.grid and plan.grid[0]:
        sheet.range((1, 1)).value = plan.grid
    for rng, number_format in unions(sheet, plan.formats):
        rng.number_format = number_format
    for name, bounds, style in plan.tables:
        sheet.tables.add(source=cells(sheet, bounds), name=name, table_style_name=style)
    for row, column, formula in plan.late_formulas:
        sheet.range((row, column)).formula = formula
    for row, column, text in plan.notes:
        sheet.range((row, column)).add_note(text)
    for rng, look in unions(sheet, [(b, look) for b, look in plan.looks if not look.top_border_rgb]):
        paint(rng, look)
    for bounds, look in plan.looks:
        if look.top_border_rgb:  # a border is drawn on one block at a time (a union's edges are each block's)
            paint(cells(sheet, bounds), look)
    for column, width in plan.widths.items():
        sheet.range((1, column)).column_width = width
    define_names(sheet.book, plan.book_names)
    add_rules(sheet, plan.rules)
    for chart in plan.charts:
        draw_chart(sheet, chart)
    if plan.page.print_area:
        sheet.page_setup.print_area = plan.page.print_area
    if COM:
        Com.page(sheet, plan.page, plan.breaks)
        if plan.freeze:
            Com.freeze(sheet, plan.freeze)


def add_validations(sheet, validations: list[Validation]) -> None:
    """Drop-down lists (after the workbook names they list are defined): the list through xlwings, the alert
    shown on a wrong entry through COM (xlwings keeps an existing alert but cannot set one)."""
    for validation in validations:
        rng = cells(sheet, validation.bounds)
        source = sheet.book.names[validation.name] if validation.name else list(validation.choices)
        rng.data_validation.set_list(source)
        if COM:
            rule = rng.api.Validation
            rule.IgnoreBlank = validation.allow_blank
            rule.ShowError = True
            rule.ErrorTitle = validation.error_title
            rule.ErrorMessage = validation.error


ADDRESS_LIMIT = 255
"""Excel takes a range address of at most 255 characters (``Range("A1:C1,A5:C5,...")``)."""


def unions(sheet, blocks: list[tuple[Bounds, object]]):
    """``(range, key)``: the blocks sharing a key joined into multi-area ranges (one call formats them all)."""
    by_key: dict = {}
    for bounds, key in blocks:
        by_key.setdefault(key, []).append(address(bounds))
    for key, addresses in by_key.items():
        chunk: list[str] = []
        for text in addresses + [None]:
            if text is None or len(",".join(chunk + [text])) > ADDRESS_LIMIT:
                if chunk:
                    yield sheet.range(",".join(chunk)), key
                chunk = []
            if text is not None:
                chunk.append(text)


def address(bounds: Bounds) -> str:
    r1, c1, r2, c2 = bounds
    first = f"{get_column_letter(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{get_column_letter(c2)}{r2}"


def cells(sheet, bounds: Bounds):
    r1, c1, r2, c2 = bounds
    return sheet.range((r1, c1), (r2, c2))


def paint(rng, look: Look) -> None:
    """Only what differs from a plain cell, one call each."""
    if look.fill_rgb:
        rng.color = "#" + look.fill_rgb
    font = rng.font
    if look.bold:
        font.bold = True
    if look.italic:
        font.italic = True
    if look.size:
        font.size = look.size
    if look.font_rgb:
        font.color = "#" + look.font_rgb
    if look.underline and COM:
        font.api.Underline = XL_UNDERLINE_SINGLE  # xlwings' Font has no underline
    if look.wrap:
        rng.wrap_text = True
    if look.vertical:
        rng.vertical_alignment = look.vertical
    if look.top_border_rgb:
        rng.borders.set("edge_top", line_style="continuous", weight="thin", color="#" + look.top_border_rgb)


def define_names(book, names: dict[str, str]) -> None:
    """The workbook-level names the tier colours compare with; each replaces the one an earlier run left."""
    for name, formula in names.items():
        if not name.startswith(BOOK_NAME_PREFIX):
            raise ValueError(f"{name}: salesxl writes only its own workbook names")
        book.names.add(name, "=" + formula)


def add_rules(sheet, rules: list[Rule]) -> None:
    """Conditional formats, the lowest priority first (xlwings puts each new rule first)."""
    if not rules:
        return
    sheet.activate()  # Excel reads a rule's relative references from the active cell
    for rule in reversed(rules):
        rng = cells(sheet, rule.bounds)
        if rule.kind == "custom":
            rng[0, 0].select()
            rng.conditional_formats.add_custom(
                "=" + rule.formula, fill_color="#" + rule.fill_rgb if rule.fill_rgb else None,
                font_color="#" + rule.font_rgb if rule.font_rgb else None, font_bold=rule.bold,
                stop_if_true=rule.stop_if_true)
        elif rule.kind == "data_bar":
            (low_type, low), (high_type, _) = rule.minimum, rule.maximum
            if low_type != "number" or high_type != "highest_value":
                raise ValueError("the live writer draws data bars from a number to the highest value")
            rng.conditional_formats.add_data_bar("#" + rule.bar_rgb, minimum=low, threshold_type="number")
            if COM:  # xlwings leaves the end automatic; the house style's end is the highest value
                rng.api.FormatConditions(1).MaxPoint.Modify(XL_HIGHEST_VALUE)
        else:
            raise ValueError(f"no live writer for a {rule.kind} rule")


def draw_chart(sheet, chart: ChartPlan) -> None:
    if not COM:
        return  # a chart's series are set through COM; on macOS the sheet goes without its charts
    if chart.cells:
        area = cells(sheet, chart.cells)
        drawn = sheet.charts.add(area.left, area.top, area.width, area.height, style=None)
    else:
        width, height = chart.size
        drawn = sheet.charts.add(width=width, height=height, anchor=sheet.range(chart.cell), style=None)
    Com.series(sheet, drawn, chart)
    drawn.chart_type = chart.kind
    for index, series in enumerate(chart.series, start=1):
        if series.line:
            drawn.series[index - 1].set(chart_type="line")
    drawn.title = chart.title
    drawn.value_axis.set(**{k: v for k, v in (("title", chart.value_title), ("number_format", chart.value_format))
                            if v is not None})
    if chart.category_format:
        drawn.category_axis.set(number_format=chart.category_format)
    drawn.legend.position = chart.legend
    Com.hide_series(drawn, chart)


class Com:
    """The few touches through ``.api`` (COM, Windows), each named as Microsoft's Excel reference names it."""

    @staticmethod
    def series(sheet, drawn, chart: ChartPlan) -> None:
        """Each series with exact references: its name (the header cell), values and categories."""
        collection = drawn.api[1].SeriesCollection()
        for series in chart.series:
            added = collection.NewSeries()
            added.Name = "=" + reference(sheet, series.name)
            added.Values = cells(sheet, series.values).api
            added.XValues = cells(sheet, series.categories).api

    @staticmethod
    def hide_series(drawn, chart: ChartPlan) -> None:
        """A hidden series (a waterfall's floating base): no fill, no line, no legend entry."""
        hidden = [i for i, series in enumerate(chart.series, start=1) if series.hidden]
        for index in hidden:
            fmt = drawn.series[index - 1].api.Format
            fmt.Fill.Visible = False
            fmt.Line.Visible = False
        for index in reversed(hidden):  # deleting an entry renumbers the ones after it
            drawn.api[1].Legend.LegendEntries(index).Delete()

    @staticmethod
    def page(sheet, page: PagePlan, breaks: list[int]) -> None:
        with printer_quiet(sheet.book.app):
            setup = sheet.page_setup.api
            if page.paper_a4:
                setup.PaperSize = XL_PAPER_A4
            setup.Orientation = XL_LANDSCAPE if page.orientation == "landscape" else XL_PORTRAIT
            if page.fit_wide is not None:
                setup.Zoom = False
                setup.FitToPagesWide = page.fit_wide
                setup.FitToPagesTall = page.fit_tall or False
            setup.PrintTitleRows = page.title_rows
            setup.CenterHorizontally = page.centered
            setup.CenterHeader = page.header
            setup.CenterFooter = page.footer
            setup.LeftMargin, setup.RightMargin, setup.TopMargin, setup.BottomMargin = page.margins
        api = sheet.api
        api.ResetAllPageBreaks()
        for row in breaks:
            api.HPageBreaks.Add(Before=sheet.range((row, 1)).api)

    @staticmethod
    def freeze(sheet, cell: tuple[int, int]) -> None:
        """Freeze the panes above and left of ``cell`` (the sheet is shown in the book's window meanwhile)."""
        sheet.activate()
        window = sheet.book.api.Windows(1)
        window.FreezePanes = False
        window.ScrollRow, window.ScrollColumn = 1, 1
        window.SplitRow, window.SplitColumn = cell[0] - 1, cell[1] - 1
        window.FreezePanes = True

    @staticmethod
    def unfreeze(sheet) -> None:
        sheet.activate()
        sheet.book.api.Windows(1).FreezePanes = False


@contextmanager
def printer_quiet(app) -> Iterator[None]:
    """``Application.PrintCommunication`` off while page setup is set, so it is one exchange with the printer."""
    api = app.api
    api.PrintCommunication = False
    try:
        yield
    finally:
        api.PrintCommunication = True


def reference(sheet, bounds: Bounds) -> str:
    """``'Sheet'!$C$5`` (always quoted: Excel accepts quotes around any sheet name)."""
    return "'" + sheet.name.replace("'", "''") + "'!" + cells(sheet, bounds).get_address()
