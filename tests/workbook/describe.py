"""A normalised description of a written sheet, read from a file (openpyxl) or from the xlwings double.

The two backends are compared through it: the same description means the same sheet to a
planner. It covers values and formulas, number formats, the look of every cell (fonts, fills,
alignment, borders, by the role the house style gives them), notes, drop-down lists, column
widths, Excel Tables,
conditional-format rules and the ranges they cover, charts (type, series references, titles,
axes, legend, place), workbook and ownership names, frozen panes, page setup and page breaks, and
whether the sheet is hidden.

Each side is read on its own terms, never through salesxl's own readers (a misreading shared by
the writer and the description would hide itself): the file as openpyxl loads it, the double from
its state. Both are put in the same units: colours as ``RRGGBB``, numbers to 12 significant
digits, references without ``$``, chart places as the cells their corners fall in (with the
double's geometry, :func:`fake_xlwings.column_points`) and sizes in centimetres.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

import openpyxl
from openpyxl.chart import LineChart
from openpyxl.drawing.spreadsheet_drawing import TwoCellAnchor
from openpyxl.utils import get_column_letter, range_boundaries

from salesxl.workbook.backend import OWNER_MARKER

from . import fake_xlwings as fake

EMU_CM = 360_000
PT_CM = 2.54 / 72


@dataclass
class SheetDescription:
    values: dict = field(default_factory=dict)
    formats: dict = field(default_factory=dict)
    looks: dict = field(default_factory=dict)
    widths: dict = field(default_factory=dict)
    tables: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    book_names: dict = field(default_factory=dict)
    owner: str | None = None
    freeze: tuple | None = None
    page: dict = field(default_factory=dict)
    hidden: bool = False
    notes: dict = field(default_factory=dict)
    validations: list = field(default_factory=list)


def differences(a: SheetDescription, b: SheetDescription, limit: int = 8) -> list[str]:
    """What differs, part by part, a few items each: readable in a failed assertion."""
    found = []
    for f in fields(SheetDescription):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            keys = sorted(set(x) | set(y), key=str)
            items = [f"{k}: {x.get(k)!r} != {y.get(k)!r}" for k in keys if x.get(k) != y.get(k)]
            found.append(f"{f.name} ({len(items)}): " + "; ".join(items[:limit]))
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            items = [f"[{i}] {p!r} != {q!r}" for i, (p, q) in enumerate(zip(x, y)) if p != q]
            found.append(f"{f.name}: " + "; ".join(items[:limit]))
        else:
            found.append(f"{f.name}: {x!r} != {y!r}")
    return found


def number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return float(f"{float(value):.12g}")


def unref(text: str | None) -> str | None:
    """``'S'!$A$1:$B$2`` -> ``'S'!A1:B2`` (sheet names always quoted)."""
    if text is None:
        return None
    text = text.lstrip("=")
    sheet, _, cells = text.rpartition("!")
    if sheet and not sheet.startswith("'"):
        sheet = "'" + sheet + "'"
    return (sheet + "!" if sheet else "") + cells.replace("$", "")


def hex_of(color) -> str | None:
    if color is None:
        return None
    if isinstance(color, tuple):
        return "{:02X}{:02X}{:02X}".format(*color)
    value = getattr(color, "rgb", color)
    return value[-6:].upper() if isinstance(value, str) else None


def cell_at(widths: dict[int, float], left: float, top: float) -> tuple[int, int]:
    """The cell whose area holds the point (points from A1's corner), with the double's geometry."""
    column, edge = 1, 0.0
    while edge + fake.column_points(widths.get(column, fake.DEFAULT_WIDTH)) <= left + 1e-6:
        edge += fake.column_points(widths.get(column, fake.DEFAULT_WIDTH))
        column += 1
    return int(top // fake.ROW_POINTS) + 1, column


def left_of(widths: dict[int, float], column: int) -> float:
    return sum(fake.column_points(widths.get(c, fake.DEFAULT_WIDTH)) for c in range(1, column))


def place(widths, left: float, top: float, width: float, height: float) -> tuple:
    """A chart's place: the cells its corners fall in, and its size in centimetres."""
    return (cell_at(widths, left, top), cell_at(widths, left + width - 0.01, top + height - 0.01),
            round(width * PT_CM, 1), round(height * PT_CM, 1))


# ---- From a file ---------------------------------------------------------------------------------

def describe_file(path, names) -> dict[str, SheetDescription]:
    book = openpyxl.load_workbook(path)
    book_names = {n: d.attr_text for n, d in book.defined_names.items() if n.startswith("salesxl_")}
    body_size = book._fonts[0].sz if book._fonts else 11  # the workbook's Normal font: what "no size" means
    return {name: file_sheet(book[name], book_names, body_size) for name in names}


def file_sheet(ws, book_names: dict, body_size: float = 11) -> SheetDescription:
    d = SheetDescription(book_names=dict(book_names))
    for (row, column), cell in ws._cells.items():
        if cell.value is not None:
            d.values[(row, column)] = number(cell.value) if not isinstance(cell.value, dt.datetime) else cell.value
        if cell.number_format != "General":
            d.formats[(row, column)] = cell.number_format
        look = file_look(cell, body_size)
        if look:
            d.looks[(row, column)] = look
        if cell.comment is not None:
            d.notes[(row, column)] = cell.comment.text
    for rule in ws.data_validations.dataValidation:
        formula = rule.formula1 or ""
        source = tuple(formula.strip('"').split(",")) if formula.startswith('"') else formula
        d.validations.append((str(rule.sqref), rule.type, source, bool(rule.allow_blank),
                              bool(rule.showErrorMessage), rule.errorTitle or "", rule.error or ""))
    d.validations.sort()
    for dim in ws.column_dimensions.values():
        if dim.width and dim.customWidth:
            for column in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                d.widths[column] = round(dim.width, 4)
    d.tables = sorted((t.displayName, t.ref, t.tableStyleInfo.name, bool(t.tableStyleInfo.showRowStripes))
                      for t in ws.tables.values())
    rules = []
    for formatting in ws.conditional_formatting:
        for rule in formatting.rules:
            rules.append((rule.priority, (str(formatting.sqref),) + file_rule(rule)))
    d.rules = [r for _, r in sorted(rules)]
    widths = d.widths
    d.charts = [file_chart(chart, widths) for chart in ws._charts]
    marker = ws.defined_names.get(OWNER_MARKER)
    d.owner = marker.attr_text.strip('"') if marker is not None else None
    d.freeze = tuple(reversed(range_boundaries(ws.freeze_panes)[:2])) if ws.freeze_panes else None
    setup, margins = ws.page_setup, ws.page_margins
    fitted = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    d.page = {"orientation": setup.orientation or "portrait", "a4": str(setup.paperSize) == "9",
              "fit": (int(setup.fitToWidth), int(setup.fitToHeight or 0)) if fitted else None,
              "title_rows": (ws.print_title_rows or "").replace("$", ""),
              "area": (ws.print_area or "").rsplit("!", 1)[-1].replace("$", "") or None,
              "centered": bool(ws.print_options.horizontalCentered),
              "header": ws.oddHeader.center.text or "", "footer": ws.oddFooter.center.text or "",
              "margins": tuple(round(72 * m, 2) for m in (margins.left, margins.right, margins.top, margins.bottom)),
              "breaks": sorted(b.id + 1 for b in ws.row_breaks.brk)}
    d.hidden = ws.sheet_state != "visible"
    return d


def file_look(cell, body_size: float = 11) -> tuple | None:
    """The look of a cell; a size equal to the workbook's own body size is no size (the file writer spells the
    workbook's body font out in the fonts it adds, Excel leaves it implied)."""
    font, fill, alignment, top = cell.font, cell.fill, cell.alignment, cell.border.top
    look = (bool(font.b), bool(font.i), font.u == "single", font.sz if font.sz and font.sz not in (11, body_size) else None,
            hex_of(font.color) if font.color is not None and font.color.type == "rgb" else None,
            hex_of(fill.fgColor) if fill.fill_type == "solid" else None,
            bool(alignment.wrap_text), alignment.vertical if alignment.vertical not in (None, "bottom") else None,
            hex_of(top.color) if top is not None and top.style == "thin" else None)
    return None if look == (False, False, False, None, None, None, False, None, None) else look


CFVO = {"num": "number", "max": "highest_value", "min": "lowest_value"}


def file_rule(rule) -> tuple:
    if rule.type == "expression":
        dxf = rule.dxf
        return ("custom", rule.formula[0], hex_of(dxf.fill.bgColor) if dxf.fill is not None else None,
                hex_of(dxf.font.color) if dxf.font is not None else None,
                bool(dxf.font.b) if dxf.font is not None else False, bool(rule.stopIfTrue))
    if rule.type == "dataBar":
        low, high = rule.dataBar.cfvo
        return ("data_bar", hex_of(rule.dataBar.color), (CFVO.get(low.type, low.type), number(low.val)),
                (CFVO.get(high.type, high.type), number(high.val)))
    return (rule.type,)


def text_of(title) -> str | None:
    rich = getattr(getattr(title, "tx", None), "rich", None)
    return None if rich is None else "".join(r.t or "" for p in rich.p for r in (p.r or []))


def file_chart(chart, widths) -> tuple:
    if isinstance(chart, LineChart):
        kind = "line"
    else:
        kind = ("column" if chart.barDir == "col" else "bar") + ("_stacked" if chart.grouping == "stacked"
                                                                else "_clustered")
    deleted = {e.idx for e in chart.legend.legendEntry if e.delete} if chart.legend is not None else set()
    series, index = [], 0
    for part in chart._charts:
        for s in part.series:
            category = s.cat.numRef.f if s.cat.numRef is not None else s.cat.strRef.f
            hidden = bool(s.graphicalProperties is not None and s.graphicalProperties.noFill
                          and s.graphicalProperties.line is not None and s.graphicalProperties.line.noFill)
            series.append((unref(s.tx.strRef.f), unref(s.val.numRef.f), unref(category),
                           "line" if isinstance(part, LineChart) and part is not chart else kind,
                           hidden, index in deleted))
            index += 1
    legend = None if chart.legend is None else {"r": "right", "b": "bottom"}.get(chart.legend.position or "r")
    anchor = chart.anchor
    start = anchor._from
    left, top = left_of(widths, start.col + 1), start.row * fake.ROW_POINTS
    if isinstance(anchor, TwoCellAnchor):
        end = anchor.to
        right, bottom = left_of(widths, end.col + 1), end.row * fake.ROW_POINTS
        where = place(widths, left, top, right - left, bottom - top)
    else:
        where = place(widths, left, top, anchor.ext.width / EMU_CM / PT_CM, anchor.ext.height / EMU_CM / PT_CM)
    axis_format = (lambda axis: getattr(axis.number_format, "formatCode", axis.number_format))
    return (kind, text_of(chart.title), legend, text_of(chart.y_axis.title), axis_format(chart.y_axis),
            axis_format(chart.x_axis), where, tuple(series))


# ---- From the double ---------------------------------------------------------------------------------

def describe_live(book, names) -> dict[str, SheetDescription]:
    workbook = fake.model(book)
    book_names = {n.name: n.refers_to.lstrip("=") for n in workbook.names
                  if n.sheet is None and n.name.startswith("salesxl_")}
    return {name: live_sheet(workbook.sheet(name), book_names) for name in names}


def live_sheet(sheet: "fake.Worksheet", book_names: dict) -> SheetDescription:
    d = SheetDescription(book_names=dict(book_names))
    for (row, column), cell in sheet.cells.items():
        if cell.formula:
            d.values[(row, column)] = cell.formula
        elif cell.value is not None:
            d.values[(row, column)] = number(cell.value)
        if cell.number_format != "General":
            d.formats[(row, column)] = cell.number_format
        look = live_look(cell)
        if look:
            d.looks[(row, column)] = look
        if cell.note:
            d.notes[(row, column)] = cell.note
    d.validations = sorted((ref(v.bounds), "list", v.choices or v.formula, v.ignore_blank, v.show_error,
                            v.error_title, v.error_message) for v in sheet.validations)
    d.widths = {c: round(w, 4) for c, w in sheet.column_widths.items()}
    d.tables = sorted((t.name, ref(t.bounds), t.style, t.row_stripes) for t in sheet.tables)
    d.rules = [(ref(c.bounds),) + live_rule(c) for c in sheet.conditions()]
    d.charts = [live_chart(chart, sheet) for chart in sheet.charts]
    marker = next((n for n in sheet.names() if n.name == OWNER_MARKER), None)
    d.owner = marker.refers_to.lstrip("=").strip('"') if marker is not None else None
    d.freeze = sheet.frozen
    page = sheet.page
    d.page = {"orientation": {1: "portrait", 2: "landscape"}[page["Orientation"]], "a4": page["PaperSize"] == 9,
              "fit": (page["FitToPagesWide"], int(page["FitToPagesTall"] or 0)) if page["Zoom"] is False else None,
              "title_rows": page["PrintTitleRows"].replace("$", ""),
              "area": page["PrintArea"].replace("$", "") or None, "centered": bool(page["CenterHorizontally"]),
              "header": page["CenterHeader"], "footer": page["CenterFooter"],
              "margins": tuple(round(page.get(k, 0.0), 2) for k in ("LeftMargin", "RightMargin", "TopMargin",
                                                                      "BottomMargin")),
              "breaks": sorted(sheet.breaks)}
    d.hidden = not sheet.visible
    return d


def ref(bounds) -> str:
    r1, c1, r2, c2 = bounds
    first = f"{get_column_letter(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{get_column_letter(c2)}{r2}"


def live_look(cell: "fake.Cell") -> tuple | None:
    font, top = cell.font, cell.borders.get("edge_top", {})
    thin = top.get("line_style") == "continuous" and top.get("weight") == "thin"
    look = (bool(font.get("bold")), bool(font.get("italic")), font.get("underline") == "single",
            font.get("size") if font.get("size") not in (None, 11) else None, hex_of(font.get("color")),
            hex_of(cell.fill), cell.wrap, cell.valign, hex_of(top.get("color")) if thin else None)
    return None if look == (False, False, False, None, None, None, False, None, None) else look


def live_rule(condition: "fake.Condition") -> tuple:
    if condition.kind == "custom":
        return ("custom", fake.formula_at(condition.formula, condition.bounds[:2]), hex_of(condition.fill),
                hex_of(condition.font_color), bool(condition.font_bold), condition.stop_if_true)
    return ("data_bar", hex_of(condition.bar_color), (condition.minimum[0], number(condition.minimum[1])),
            (condition.maximum[0], number(condition.maximum[1])))


def live_chart(chart: "fake.ChartObject", sheet: "fake.Worksheet") -> tuple:
    series = []
    for index, s in enumerate(chart.series, start=1):
        series.append((unref(s.name_ref), unref(s.values_ref), unref(s.xvalues_ref),
                       "line" if (s.chart_type or chart.chart_type).startswith("line") else chart.chart_type,
                       not s.fill_visible and not s.line_visible, index in chart.legend_deleted))
    value, category = chart.axes.get("value", {}), chart.axes.get("category", {})
    fmt = (lambda axis: None if axis.get("number_format", "General") == "General" else axis["number_format"])
    return ("line" if chart.chart_type.startswith("line") else chart.chart_type, chart.title, chart.legend,
            value.get("title"), fmt(value), fmt(category),
            place(sheet.column_widths, chart.left, chart.top, chart.width, chart.height), tuple(series))


STAMPS = [(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "<time>"),
          (re.compile(r"master=[0-9a-f]{12}"), "master=<id>"), (re.compile(r"folder=[^;]*"), "folder=<folder>")]


def unstamped(d: SheetDescription) -> SheetDescription:
    """The description with what differs between two runs by nature masked: clock times to the second (a
    Versions row, an agreement round: two runs a second apart stamp different seconds), a master's random ID
    and the folder its reps' files went to (a Versions row of an issue). Run lines (to the minute) come from
    the pinned ``SOURCE_DATE_EPOCH`` and stay compared."""
    def masked(value):
        if not isinstance(value, str):
            return value
        for pattern, mask in STAMPS:
            value = pattern.sub(mask, value)
        return value
    return replace(d, values={k: masked(v) for k, v in d.values.items()})
