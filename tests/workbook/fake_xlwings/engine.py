"""The double's engine: the classes xlwings' own ``Book``, ``Sheet``, ``Range``... call, as on Windows.

Each mirrors its counterpart in ``xlwings/_xlwindows.py`` for the members salesxl uses, and
``tests/workbook/test_fake_xlwings.py`` holds every member to that counterpart's name and parameters.
"""

from __future__ import annotations

import datetime as dt
import re

import xlwings
from openpyxl.utils import get_column_letter
from xlwings import base_classes
from xlwings.utils import hex_to_rgb, int_to_rgb

from .com import (ApplicationApi, ChartApi, FontApi, FormatConditionApi, ListObjectApi, NameApi, PageSetupApi,
                  RangeApi, SeriesApi, WorkbookApi, WorksheetApi)
from .model import (CALCULATION, CELL_ERRORS, DATE_TEXT, ERROR_CODES, NUMBER_TEXT, ROW_POINTS, Cell, ChartObject,
                    Condition, DefinedName, Excel, ExcelError, ListObject, ListValidation, Series, Workbook,
                    Worksheet, address, cells_in, overlaps, parse_address, quote, relative_formula,
                    workbook_from_file)

# ==== The engine: what xlwings' main classes call (mirrors xlwings/_xlwindows.py) =====================

class Engine:
    @property
    def apps(self):
        return Apps()

    @property
    def name(self):
        return "excel"

    @property
    def type(self):
        return "desktop"

    @staticmethod
    def prepare_xl_data_element(x, date_format):
        if x is None:
            return ""
        if isinstance(x, float) and x != x:
            return ""
        return x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(value):
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.datetime):
                return datetime_builder(year=value.year, month=value.month, day=value.day, hour=value.hour,
                                        minute=value.minute, second=value.second, microsecond=value.microsecond,
                                        tzinfo=None)
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            if isinstance(value, int) and not isinstance(value, bool) and value in CELL_ERRORS:
                return CELL_ERRORS[value] if err_to_str else None
            return value
        return [[clean(c) for c in row] for row in data]


def switch(name: str) -> property:
    """An on/off setting of Excel's (``App.screen_updating``...), kept on the Excel model."""
    return property(lambda self: getattr(self.excel, name), lambda self, value: setattr(self.excel, name, bool(value)))


class Apps(base_classes.Apps):
    def keys(self):
        return [excel.pid for excel in Excel.running]

    def __iter__(self):
        for excel in Excel.running:
            yield App(excel)

    def __len__(self):
        return len(Excel.running)

    def __getitem__(self, pid):
        return App(next(e for e in Excel.running if e.pid == pid))


class App(base_classes.App):
    def __init__(self, excel: Excel):
        self.excel = excel

    @property
    def engine(self):
        return Engine()

    @property
    def api(self):
        return ApplicationApi(self.excel)

    @property
    def selection(self):
        book = self.excel.active_book
        if book is None or book.active is None:
            return None
        return Range(book.active, book.active.selection)

    def activate(self, steal_focus=False):
        Excel.running.remove(self.excel)
        Excel.running.insert(0, self.excel)

    screen_updating = switch("screen_updating")
    display_alerts = switch("display_alerts")
    enable_events = switch("enable_events")

    @property
    def calculation(self):
        return self.excel.calculation

    @calculation.setter
    def calculation(self, value):
        if value not in CALCULATION:
            raise KeyError(value)  # the Windows engine looks the name up in a dict
        self.excel.calculation = value

    @property
    def books(self):
        return Books(self.excel, self)

    @property
    def hwnd(self):
        return self.excel.pid

    @property
    def pid(self):
        return self.excel.pid

    @property
    def status_bar(self):
        return self.excel.status_bar

    @status_bar.setter
    def status_bar(self, value):
        self.excel.status_bar = value
        self.excel.status_history.append(value)

    def alert(self, prompt, title, buttons, mode, callback):
        self.excel.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Books(base_classes.Books):
    """The workbooks open in one Excel; ``open`` reads a file as Excel opens it."""

    def __init__(self, excel: Excel, app: "App"):
        self.excel, self.app = excel, app

    @property
    def active(self):
        return Book(self.excel.active_book)

    def __call__(self, name_or_index):
        if isinstance(name_or_index, int):
            return Book(self.excel.books[name_or_index - 1])
        found = next((b for b in self.excel.books if b.name.casefold() == str(name_or_index).casefold()), None)
        if found is None:
            raise KeyError(name_or_index)
        return Book(found)

    def __len__(self):
        return len(self.excel.books)

    def __iter__(self):
        for book in list(self.excel.books):
            yield Book(book)

    def open(self, fullname, update_links=None, read_only=None, format=None, password=None, write_res_password=None,
             ignore_read_only_recommended=None, origin=None, delimiter=None, editable=None, notify=None,
             converter=None, add_to_mru=None, local=None, corrupt_load=None):
        book = workbook_from_file(fullname, self.excel, str(fullname))
        self.excel.books.insert(0, book)
        self.excel.log.append(("open", book.name))
        return Book(book)


class Book(base_classes.Book):
    def __init__(self, book: Workbook):
        self.model = book

    @property
    def api(self):
        return WorkbookApi(self.model)

    @property
    def name(self):
        return self.model.name

    @property
    def sheets(self):
        return Sheets(self.model)

    @property
    def app(self):
        return App(self.model.app)

    @property
    def fullname(self):
        return self.model.fullname

    @property
    def names(self):
        return Names(self.model, None)

    def activate(self):
        books = self.model.app.books
        books.remove(self.model)
        books.insert(0, self.model)

    def close(self):
        """Closed without saving (xlwings' ``Book.close``)."""
        self.model.app.books.remove(self.model)
        self.model.app.log.append(("close", self.model.name))

    def to_pdf(self, path, quality):
        """Excel's PDF export, recorded: each visible sheet's name and paper size (``PageSetup.PaperSize``)."""
        from pathlib import Path

        pages = [f"{s.name}|{s.page['PaperSize']}" for s in self.model.sheets if s.visible]
        Path(path).write_bytes("\n".join(pages).encode())
        self.model.app.log.append(("to_pdf", Path(path).name))


class Sheets(base_classes.Sheets):
    def __init__(self, book: Workbook):
        self.book = book

    @property
    def active(self):
        return Sheet(self.book.active)

    def __call__(self, name_or_index):
        return Sheet(self.book.sheet(name_or_index))

    def __len__(self):
        return len(self.book.sheets)

    def __iter__(self):
        for sheet in list(self.book.sheets):
            yield Sheet(sheet)

    def add(self, before=None, after=None, name=None):
        self.book.change_structure()
        sheets = self.book.sheets
        if before is not None:
            index = sheets.index(before.model)
        elif after is not None:
            index = sheets.index(after.model) + 1
        else:
            index = sheets.index(self.book.active) if self.book.active else 0
        n = len(sheets) + 1
        while any(s.name.casefold() == f"sheet{n}" for s in sheets):
            n += 1
        sheet = Worksheet(self.book, f"Sheet{n}")
        sheets.insert(index, sheet)
        self.book.activate(sheet)
        if name is not None:
            sheet.name = name
        return Sheet(sheet)


class Sheet(base_classes.Sheet):
    def __init__(self, sheet: Worksheet):
        self.model = sheet

    @property
    def api(self):
        return WorksheetApi(self.model)

    @property
    def name(self):
        return self.model.name

    @name.setter
    def name(self, value):
        self.model.book.change_structure()
        self.model.name = value

    @property
    def names(self):
        return Names(self.model.book, self.model)

    @property
    def book(self):
        return Book(self.model.book)

    @property
    def index(self):
        return self.model.book.sheets.index(self.model) + 1

    def range(self, arg1, arg2=None):
        if isinstance(arg1, Range):
            first = arg1.bounds
        elif isinstance(arg1, tuple):
            if len(arg1) == 4:
                row, col, nrows, ncols = arg1
                return Range(self.model, (row, col, row + nrows - 1, col + ncols - 1))
            if 0 in arg1:
                raise IndexError("Attempted to access 0-based Range. xlwings/Excel Ranges are 1-based.")
            first = (arg1[0], arg1[1], arg1[0], arg1[1])
        else:
            areas = parse_address(arg1)
            if len(areas) > 1 and arg2 is None:
                return Range(self.model, areas[0], areas)
            first = areas[0]
        if arg2 is None:
            return Range(self.model, first)
        if isinstance(arg2, Range):
            last = arg2.bounds
        elif isinstance(arg2, tuple):
            if 0 in arg2:
                raise IndexError("Attempted to access 0-based Range. xlwings/Excel Ranges are 1-based.")
            last = (arg2[0], arg2[1], arg2[0], arg2[1])
        else:
            last = parse_address(arg2)[0]
        return Range(self.model, (min(first[0], last[0]), min(first[1], last[1]),
                                  max(first[2], last[2]), max(first[3], last[3])))

    def activate(self):
        self.model.book.activate(self.model)

    def clear(self):
        """Cells.Clear: values, formats and conditional formats; tables keep their (empty) ranges."""
        model = self.model
        model.cells.clear()
        model.merged.clear()
        model.book.conditions = [c for c in model.book.conditions if c.sheet is not model]

    def delete(self):
        """As Excel does: formulas elsewhere that point into this sheet become ``#REF!``."""
        book, model = self.model.book, self.model
        book.change_structure()
        index = book.sheets.index(model)
        book.sheets.remove(model)
        book.names = [n for n in book.names if n.sheet is not model]
        book.conditions = [c for c in book.conditions if c.sheet is not model]
        if book.active is model:
            book.active = book.sheets[max(0, index - 1)]
        quoted = quote(model.name) + "!"
        for other in book.sheets:
            for cell in other.cells.values():
                if cell.formula and (quoted in cell.formula or f"{model.name}!" in cell.formula):
                    cell.formula = re.sub(r"(?:'(?:[^']|'')+'|[^\s=!(),]+)!\$?[A-Z]+\$?\d+",
                                          lambda m: "#REF!" if m.group(0).startswith((quoted, f"{model.name}!"))
                                          else m.group(0), cell.formula)

    @property
    def charts(self):
        return Charts(self.model)

    @property
    def tables(self):
        return Tables(self.model)

    @property
    def used_range(self):
        used = [rc for rc, cell in self.model.cells.items() if cell.used]
        if not used:
            return Range(self.model, (1, 1, 1, 1))
        rows, cols = [r for r, _ in used], [c for _, c in used]
        return Range(self.model, (min(rows), min(cols), max(rows), max(cols)))

    @property
    def visible(self):
        return self.model.visible

    @visible.setter
    def visible(self, value):
        model = self.model
        if bool(value) != model.visible:
            model.book.change_structure()
        if not value and model.book.active is model:
            shown = [s for s in model.book.sheets if s.visible and s is not model]
            if not shown:
                raise RuntimeError("a workbook must keep at least one visible sheet")
            model.book.active = shown[0]
        model.visible = bool(value)

    @property
    def page_setup(self):
        return PageSetup(self.model)


class Range(base_classes.Range):
    def __init__(self, sheet: Worksheet, bounds, areas=None):
        self.model, self.bounds = sheet, tuple(bounds)
        self.areas = areas or [self.bounds]

    @property
    def coords(self):
        r1, c1, r2, c2 = self.bounds
        return self.model, r1, c1, r2 - r1 + 1, c2 - c1 + 1

    @property
    def api(self):
        return RangeApi(self.model, self.bounds, self.areas)

    @property
    def sheet(self):
        return Sheet(self.model)

    def __len__(self):
        r1, c1, r2, c2 = self.bounds
        return (r2 - r1 + 1) * (c2 - c1 + 1)

    @property
    def row(self):
        return self.bounds[0]

    @property
    def column(self):
        return self.bounds[1]

    @property
    def shape(self):
        r1, c1, r2, c2 = self.bounds
        return r2 - r1 + 1, c2 - c1 + 1

    def _cells(self):
        """Every cell of every area (formatting a multi-area range formats each area, as in Excel)."""
        for area in self.areas:
            yield from cells_in(self.model, area)

    @property
    def max_cells_per_write(self):
        return base_classes.DEFAULT_MAX_CELLS_PER_WRITE

    @property
    def raw_value(self):
        self.model.book.app.calls += 1
        r1, c1, r2, c2 = self.bounds
        rows = tuple(tuple(self._read(self.model.cells.get((r, c))) for c in range(c1, c2 + 1))
                     for r in range(r1, r2 + 1))
        return rows[0][0] if self.shape == (1, 1) else rows

    @staticmethod
    def _read(cell: Cell | None):
        if cell is None:
            return None
        if isinstance(cell.value, ExcelError):
            return ERROR_CODES.get(str(cell.value), -2146826273)
        return cell.value

    @raw_value.setter
    def raw_value(self, data):
        self.model.book.app.calls += 1
        r1, c1 = self.bounds[:2]
        if isinstance(data, (list, tuple)):
            rows = [list(r) for r in data] if data and isinstance(data[0], (list, tuple)) else [list(data)]
            for i, row in enumerate(rows):
                for j, item in enumerate(row):
                    self._store(self.model.cell(r1 + i, c1 + j), item)
        else:
            for cell in self._cells():
                self._store(cell, data)

    def _store(self, cell: Cell, item) -> None:
        """``Range.Value = item``: Excel reads a string like typing."""
        cell.formula = None
        if item is None or item == "":
            cell.value = None
        elif isinstance(item, str):
            if item.startswith("'"):
                cell.value = item[1:]
            elif item.startswith("="):
                self._check_formula(item)
                cell.value, cell.formula = None, item
            elif NUMBER_TEXT.match(item):
                cell.value = float(item)
            elif m := DATE_TEXT.match(item):
                cell.value = dt.datetime(int(m[1]), int(m[2]), int(m[3] or 1))
            else:
                cell.value = item
        elif isinstance(item, bool):
            cell.value = item
        elif isinstance(item, (int, float)):
            cell.value = float(item)
        elif isinstance(item, dt.datetime):
            cell.value = item
        elif isinstance(item, dt.date):
            cell.value = dt.datetime(item.year, item.month, item.day)
        else:
            raise TypeError(f"COM cannot pass a {type(item).__name__}: {item!r}")

    def _check_formula(self, formula: str) -> None:
        names = {t.name.casefold() for s in self.model.book.sheets for t in s.tables}
        for ref in re.findall(r"([A-Za-z_][\w.]*)\[", formula):
            if ref.casefold() not in names:
                raise ValueError(f"Excel refuses {formula!r}: there is no table {ref!r}")

    @property
    def formula(self):
        cell = self.model.cells.get(self.bounds[:2])
        return (cell.formula or ("" if cell.value is None else str(cell.value))) if cell else ""

    @formula.setter
    def formula(self, value):
        self.model.book.app.calls += 1
        for cell in self._cells():
            self._store(cell, value)

    @property
    def number_format(self):
        formats = {self.model.cells.get((r, c), Cell()).number_format
                   for r1, c1, r2, c2 in self.areas for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        return formats.pop() if len(formats) == 1 else None  # COM's Null for mixed formats

    @number_format.setter
    def number_format(self, value):
        for cell in self._cells():
            cell.number_format = value

    @property
    def font(self):
        return Font(self)

    @property
    def borders(self):
        return Borders(self)

    @property
    def color(self):
        fill = self.model.cells.get(self.bounds[:2], Cell()).fill
        return fill

    @color.setter
    def color(self, color_or_rgb):
        if isinstance(color_or_rgb, str):
            color_or_rgb = hex_to_rgb(color_or_rgb)
        if isinstance(color_or_rgb, int):
            color_or_rgb = int_to_rgb(color_or_rgb)
        for cell in self._cells():
            cell.fill = None if color_or_rgb is None else tuple(color_or_rgb)

    @property
    def column_width(self):
        widths = {self.model.column_width(c) for c in range(self.bounds[1], self.bounds[3] + 1)}
        return widths.pop() if len(widths) == 1 else None

    @column_width.setter
    def column_width(self, value):
        if not 0 <= value <= 255:
            raise ValueError("Unable to set the ColumnWidth property of the Range class")
        for c in range(self.bounds[1], self.bounds[3] + 1):
            self.model.column_widths[c] = value

    @property
    def left(self):
        return self.model.left_of(self.bounds[1])

    @property
    def top(self):
        return (self.bounds[0] - 1) * ROW_POINTS

    @property
    def width(self):
        return self.model.left_of(self.bounds[3] + 1) - self.model.left_of(self.bounds[1])

    @property
    def height(self):
        return (self.bounds[2] - self.bounds[0] + 1) * ROW_POINTS

    def get_address(self, row_absolute, col_absolute, external):
        r1, c1, r2, c2 = self.bounds
        row, col = ("$" if row_absolute else ""), ("$" if col_absolute else "")
        first = f"{col}{get_column_letter(c1)}{row}{r1}"
        text = first if (r1, c1) == (r2, c2) else f"{first}:{col}{get_column_letter(c2)}{row}{r2}"
        return f"[{self.model.book.name}]{self.model.name}!{text}" if external else text

    @property
    def address(self):
        return ",".join(address(a) for a in self.areas)

    def __call__(self, *args):
        r1, c1 = self.bounds[:2]
        arg1, arg2 = (args + (None,))[:2]
        if arg2 is None:
            columns = self.shape[1]
            row, col = r1 + (arg1 - 1) // columns, c1 + (arg1 - 1) % columns
        else:
            row, col = r1 + arg1 - 1, c1 + arg2 - 1
        return Range(self.model, (row, col, row, col))

    def select(self):
        if self.model.book.active is not self.model:
            raise RuntimeError("Select method of Range class failed: the sheet is not active")
        self.model.selection = self.bounds

    def _area_of(self, r, c):
        return next((a for a in self.model.merged if a[0] <= r <= a[2] and a[1] <= c <= a[3]), None)

    @property
    def merge_area(self):
        area = self._area_of(*self.bounds[:2])
        return Range(self.model, area or (self.bounds[0], self.bounds[1], self.bounds[0], self.bounds[1]))

    @property
    def merge_cells(self):
        r1, c1, r2, c2 = self.bounds
        merged = [self._area_of(r, c) is not None for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        return True if all(merged) else (False if not any(merged) else None)

    @property
    def wrap_text(self):
        values = {c.wrap for c in self._cells()}
        return values.pop() if len(values) == 1 else None

    @wrap_text.setter
    def wrap_text(self, value):
        for cell in self._cells():
            cell.wrap = bool(value)

    @property
    def vertical_alignment(self):
        values = {c.valign or "bottom" for c in self._cells()}
        return values.pop() if len(values) == 1 else None

    @vertical_alignment.setter
    def vertical_alignment(self, value):
        for cell in self._cells():
            cell.valign = None if value == "bottom" else value

    @property
    def conditional_formats(self):
        return ConditionalFormats(self)

    @property
    def note(self):
        cell = self.model.cells.get(self.bounds[:2])
        return Note(self.model, self.bounds[:2]) if cell is not None and cell.note else None

    def add_note(self, text):
        self.model.cell(*self.bounds[:2]).note = text
        return Note(self.model, self.bounds[:2])

    @property
    def data_validation(self):
        return DataValidation(self)


class Note(base_classes.Note):
    def __init__(self, sheet: Worksheet, cell: tuple[int, int]):
        self.sheet, self.cell = sheet, cell

    @property
    def text(self):
        return self.sheet.cell(*self.cell).note


class DataValidation(base_classes.DataValidation):
    """Only list validations (what salesxl sets); a range must take one rule, as Excel's ``Validation.Add``."""

    def __init__(self, rng: Range):
        self.rng = rng

    def set_list(self, source, in_cell_dropdown):
        sheet, bounds = self.rng.model, self.rng.bounds
        if any(overlaps(v.bounds, bounds) and v.bounds != bounds for v in sheet.validations):
            raise RuntimeError("the cells have different validation rules")
        if isinstance(source, Name):
            choices, formula = (), "=" + source.model.name
        else:
            choices, formula = tuple(source), None
            if len(",".join(choices)) > 255:
                raise ValueError("the Excel data validation source cannot exceed 255 characters")
        sheet.validations = [v for v in sheet.validations if v.bounds != bounds]
        sheet.validations.append(ListValidation(bounds, choices, formula, in_cell_dropdown))

    def delete(self):
        sheet = self.rng.model
        sheet.validations = [v for v in sheet.validations if not overlaps(v.bounds, self.rng.bounds)]


class Font(base_classes.Font):
    def __init__(self, rng: Range):
        self.rng = rng

    @property
    def api(self):
        return FontApi(self.rng.model, self.rng.areas)

    def _get(self, key, default=None):
        values = {c.font.get(key, default) for c in self.rng._cells()}
        return values.pop() if len(values) == 1 else None

    def _set(self, key, value):
        for cell in self.rng._cells():
            cell.font[key] = value

    @property
    def bold(self):
        return bool(self._get("bold", False))

    @bold.setter
    def bold(self, value):
        self._set("bold", bool(value))

    @property
    def italic(self):
        return bool(self._get("italic", False))

    @italic.setter
    def italic(self, value):
        self._set("italic", bool(value))

    @property
    def size(self):
        return self._get("size", 11.0)

    @size.setter
    def size(self, value):
        self._set("size", float(value))

    @property
    def color(self):
        return self._get("color", (0, 0, 0))

    @color.setter
    def color(self, color_or_rgb):
        if isinstance(color_or_rgb, str):
            color_or_rgb = hex_to_rgb(color_or_rgb)
        if isinstance(color_or_rgb, int):
            color_or_rgb = int_to_rgb(color_or_rgb)
        self._set("color", tuple(color_or_rgb))

    @property
    def name(self):
        return self._get("name", "Calibri")

    @name.setter
    def name(self, value):
        self._set("name", value)


class Borders(base_classes.Borders):
    def __init__(self, rng: Range):
        self.rng = rng

    def __getitem__(self, side):
        return Border(self.rng, side)

    def set(self, which, *, line_style=base_classes._UNSET, weight=base_classes._UNSET,
            color=base_classes._UNSET):
        for side in which:
            border = self[side]
            if color is not base_classes._UNSET:
                border.color = color
            if weight is not base_classes._UNSET:
                border.weight = weight
            if line_style is not base_classes._UNSET:
                border.line_style = line_style


class Border(base_classes.Border):
    """One side of a range's cells; only the outer edges are modelled (``edge_top`` ...)."""

    EDGES = {"edge_top", "edge_bottom", "edge_left", "edge_right"}

    def __init__(self, rng: Range, side: str):
        if side not in self.EDGES:
            raise NotImplementedError(f"the double models the outer edges only, not {side!r}")
        self.rng, self.side = rng, side

    def _edge_cells(self):
        r1, c1, r2, c2 = self.rng.bounds
        bounds = {"edge_top": (r1, c1, r1, c2), "edge_bottom": (r2, c1, r2, c2),
                  "edge_left": (r1, c1, r2, c1), "edge_right": (r1, c2, r2, c2)}[self.side]
        return cells_in(self.rng.model, bounds)

    def _set(self, key, value):
        for cell in self._edge_cells():
            cell.borders.setdefault(self.side, {})[key] = value

    def _get(self, key):
        values = {cell.borders.get(self.side, {}).get(key) for cell in self._edge_cells()}
        return next(iter(values))

    @property
    def line_style(self):
        return self._get("line_style") or "none"

    @line_style.setter
    def line_style(self, value):
        self._set("line_style", value)

    @property
    def weight(self):
        return self._get("weight")

    @weight.setter
    def weight(self, value):
        self._set("weight", value)

    @property
    def color(self):
        return self._get("color")

    @color.setter
    def color(self, color_or_rgb):
        if isinstance(color_or_rgb, str):
            color_or_rgb = hex_to_rgb(color_or_rgb)
        if isinstance(color_or_rgb, int):
            color_or_rgb = int_to_rgb(color_or_rgb)
        self._set("color", tuple(color_or_rgb))


class Collection(base_classes.Collection):
    def _items(self) -> list:
        raise NotImplementedError

    def __call__(self, key):
        items = self._items()
        if isinstance(key, int):
            if not 1 <= key <= len(items):
                raise KeyError(key)
            return self._wrap(items[key - 1])
        found = next((i for i in items if i.name.casefold() == str(key).casefold()), None)
        if found is None:
            raise KeyError(key)
        return self._wrap(found)

    def __len__(self):
        return len(self._items())

    def __iter__(self):
        for item in list(self._items()):
            yield self._wrap(item)

    def __contains__(self, key):
        return any(i.name.casefold() == str(key).casefold() for i in self._items())


class Names(base_classes.Names):
    """A book's names (all of them, as COM lists them) or a sheet's own."""

    def __init__(self, book: Workbook, sheet: Worksheet | None):
        self.book, self.sheet = book, sheet

    def _items(self) -> list[DefinedName]:
        return [n for n in self.book.names if self.sheet is None or n.sheet is self.sheet]

    def __call__(self, name_or_index):
        items = self._items()
        if isinstance(name_or_index, int):
            return Name(items[name_or_index - 1])
        found = next((n for n in items if n.qualified.casefold() == name_or_index.casefold()
                      or (n.name.casefold() == name_or_index.casefold() and n.sheet is self.sheet)), None)
        if found is None:
            raise KeyError(name_or_index)
        return Name(found)

    def contains(self, name_or_index):
        try:
            self(name_or_index)
        except (KeyError, IndexError):
            return False
        return True

    def __len__(self):
        return len(self._items())

    def add(self, name, refers_to):
        if not refers_to.startswith("="):
            raise ValueError("RefersTo must be a formula starting with '='")
        if not re.fullmatch(r"[A-Za-z_\\][\w.]*", name) or re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
            raise ValueError(f"{name!r} is not a valid name")
        self.book.names = [n for n in self.book.names
                           if not (n.name.casefold() == name.casefold() and n.sheet is self.sheet)]
        self.book.names.append(DefinedName(self.book, name, refers_to, self.sheet))
        return Name(self.book.names[-1])


class Name(base_classes.Name):
    def __init__(self, name: DefinedName):
        self.model = name

    @property
    def api(self):
        return NameApi(self.model)

    def delete(self):
        self.model.book.names.remove(self.model)

    @property
    def name(self):
        return self.model.qualified

    @property
    def refers_to(self):
        return self.model.refers_to

    @refers_to.setter
    def refers_to(self, value):
        self.model.refers_to = value

    @property
    def refers_to_range(self):
        sheet_name, _, cells_text = self.model.refers_to.lstrip("=").rpartition("!")
        sheet = self.model.book.sheet(sheet_name.strip("'").replace("''", "'"))
        return Range(sheet, parse_address(cells_text)[0])


class Tables(Collection, base_classes.Tables):
    def __init__(self, sheet: Worksheet):
        self.sheet = sheet

    def _items(self):
        return self.sheet.tables

    _wrap = staticmethod(lambda table: Table(table))

    def add(self, source_type=None, source=None, link_source=None, has_headers=None, destination=None,
            table_style_name=None, name=None):
        book = self.sheet.book
        if any(t.name.casefold() == (name or "").casefold() for s in book.sheets for t in s.tables) or \
                any(n.name.casefold() == (name or "").casefold() for n in book.names if n.sheet is None):
            raise ValueError(f"a table or name called {name!r} already exists")
        bounds = source.impl.bounds  # xlwings hands over its own Range
        r1, c1, r2, c2 = bounds
        if any(overlaps(t.bounds, bounds) for t in self.sheet.tables):
            raise ValueError("A table cannot overlap another table")
        headers = [self.sheet.cells.get((r1, c)) for c in range(c1, c2 + 1)]
        if has_headers and any(h is None or h.value in (None, "") for h in headers):
            raise ValueError("every header cell of a table must be filled")
        n = len([t for s in book.sheets for t in s.tables]) + 1
        table = ListObject(self.sheet, name or f"Table{n}", bounds, table_style_name or "TableStyleMedium2")
        self.sheet.tables.append(table)
        return Table(table)


class Table(base_classes.Table):
    def __init__(self, table: ListObject):
        self.model = table

    @property
    def api(self):
        return ListObjectApi(self.model)

    @property
    def name(self):
        return self.model.name

    @name.setter
    def name(self, value):
        self.model.name = value

    @property
    def parent(self):
        return Sheet(self.model.sheet)

    @property
    def range(self):
        return Range(self.model.sheet, self.model.bounds)

    @property
    def table_style(self):
        return self.model.style

    @table_style.setter
    def table_style(self, value):
        self.model.style = value

    def resize(self, range):  # noqa: A002 — xlwings' own parameter name
        """``ListObject.Resize``: the table keeps its header row and first column."""
        bounds = range.impl.bounds
        if bounds[:2] != self.model.bounds[:2]:
            raise ValueError("a table keeps its header row and first column when resized")
        self.model.bounds = bounds

    @property
    def show_table_style_row_stripes(self):
        return self.model.row_stripes

    @show_table_style_row_stripes.setter
    def show_table_style_row_stripes(self, value):
        self.model.row_stripes = bool(value)


class Charts(Collection, base_classes.Charts):
    def __init__(self, sheet: Worksheet):
        self.sheet = sheet

    def _items(self):
        return self.sheet.charts

    _wrap = staticmethod(lambda chart: Chart(chart))

    def add(self, left, top, width, height, chart_type=None, source=None, plot_by=None, name=None, anchor=None,
            style=227):
        if anchor:
            top, left = anchor.top, anchor.left
        n = len(self.sheet.charts) + 1
        chart = ChartObject(self.sheet, f"Chart {n}", left, top, width, height)
        self.sheet.charts.append(chart)
        wrapped = Chart(chart)
        if source is not None:
            raise NotImplementedError("salesxl adds each series itself (SeriesCollection.NewSeries)")
        if chart_type is not None:
            wrapped.chart_type = chart_type
        if style is not None:
            wrapped.style = style
        if name is not None:
            wrapped.name = name
        return wrapped


class Chart(base_classes.Chart):
    def __init__(self, chart: ChartObject):
        self.model = chart

    @property
    def api(self):
        return self.model, ChartApi(self.model)  # (ChartObject, Chart), as the Windows engine gives

    @property
    def name(self):
        return self.model.name

    @name.setter
    def name(self, value):
        self.model.name = value

    @property
    def chart_type(self):
        return self.model.chart_type

    @chart_type.setter
    def chart_type(self, value):
        self.model.chart_type = value
        for series in self.model.series:
            series.chart_type = None  # a chart's type applies to every series

    @property
    def title(self):
        return self.model.title

    @title.setter
    def title(self, value):
        self.model.title = value

    @property
    def legend(self):
        return ChartLegend(self.model)

    @property
    def category_axis(self):
        return ChartAxis(self.model, "category")

    @property
    def value_axis(self):
        return ChartAxis(self.model, "value")

    @property
    def series(self):
        return ChartSeriesCollection(self.model)

    @property
    def style(self):
        return self.model.style

    @style.setter
    def style(self, value):
        self.model.style = value

    def delete(self):
        self.model.sheet.charts.remove(self.model)


class ChartSeriesCollection(Collection, base_classes.ChartSeriesCollection):
    def __init__(self, chart: ChartObject):
        self.chart = chart

    def _items(self):
        return self.chart.series

    def __call__(self, key):
        if not isinstance(key, int) or isinstance(key, bool) or not 1 <= key <= len(self.chart.series):
            raise KeyError(key)
        return ChartSeries(self.chart, self.chart.series[key - 1])

    def __iter__(self):
        for series in list(self.chart.series):
            yield ChartSeries(self.chart, series)


class ChartSeries(base_classes.ChartSeries):
    def __init__(self, chart: ChartObject, series: Series):
        self.chart, self.model = chart, series

    @property
    def api(self):
        return SeriesApi(self.chart, self.model)

    @property
    def chart_type(self):
        return self.model.chart_type or self.chart.chart_type

    @chart_type.setter
    def chart_type(self, value):
        self.model.chart_type = value

    def set(self, *, name=base_classes._UNSET, marker_style=base_classes._UNSET, marker_size=base_classes._UNSET,
            marker_foreground_color=base_classes._UNSET, marker_background_color=base_classes._UNSET,
            line_color=base_classes._UNSET, fill_color=base_classes._UNSET, chart_type=base_classes._UNSET,
            axis_group=base_classes._UNSET):
        unsupported = [k for k, v in locals().items()
                       if k not in ("self", "chart_type", "__class__") and v is not base_classes._UNSET]
        if unsupported:
            raise NotImplementedError(f"the double sets only chart_type, not {unsupported}")
        if chart_type is not base_classes._UNSET:
            self.chart_type = chart_type


class ChartAxis(base_classes.ChartAxis):
    def __init__(self, chart: ChartObject, axis_type: str):
        self.chart, self.axis_type = chart, axis_type

    def _axis(self) -> dict:
        if not self.chart.series:
            raise xlwings.XlwingsError(f"The chart has no visible primary {self.axis_type} axis.")
        return self.chart.axes.setdefault(self.axis_type, {"title": None, "number_format": "General"})

    @property
    def visible(self):
        return bool(self.chart.series)

    @visible.setter
    def visible(self, value):
        if value and not self.chart.series:
            raise RuntimeError("a chart without series has no axes")

    @property
    def title(self):
        return self._axis()["title"]

    @title.setter
    def title(self, value):
        self._axis()["title"] = value

    @property
    def number_format(self):
        return self._axis()["number_format"]

    @number_format.setter
    def number_format(self, value):
        self._axis()["number_format"] = value

    def set(self, *, title=base_classes._UNSET, minimum_scale=base_classes._UNSET, maximum_scale=base_classes._UNSET,
            major_unit=base_classes._UNSET, number_format=base_classes._UNSET, visible=base_classes._UNSET,
            reverse_order=base_classes._UNSET, crosses=base_classes._UNSET):
        unsupported = [k for k, v in (("minimum_scale", minimum_scale), ("maximum_scale", maximum_scale),
                                      ("major_unit", major_unit), ("reverse_order", reverse_order),
                                      ("crosses", crosses)) if v is not base_classes._UNSET]
        if unsupported:
            raise NotImplementedError(f"the double sets only title and number_format, not {unsupported}")
        if visible is not base_classes._UNSET:
            self.visible = visible
        if title is not base_classes._UNSET:
            self.title = title
        if number_format is not base_classes._UNSET:
            self.number_format = number_format


class ChartLegend(base_classes.ChartLegend):
    def __init__(self, chart: ChartObject):
        self.chart = chart

    @property
    def visible(self):
        return self.chart.legend is not None

    @visible.setter
    def visible(self, value):
        self.chart.legend = (self.chart.legend or "right") if value else None

    @property
    def position(self):
        return self.chart.legend

    @position.setter
    def position(self, value):
        self.chart.legend = value


class ConditionalFormats(base_classes.ConditionalFormats):
    """``Range.FormatConditions``: a new rule is added last, then xlwings makes it first."""

    def __init__(self, rng: Range):
        self.rng = rng

    def _add(self, condition: Condition):
        book = self.rng.model.book
        book.conditions.insert(0, condition)  # Add, then SetFirstPriority
        return ConditionalFormat(condition)

    def add_custom(self, spec):
        sheet = self.rng.model
        if sheet.book.active is not sheet:
            raise RuntimeError("the double needs the sheet active: Excel reads the formula from the active cell")
        formula = relative_formula(spec["formula"][1:], sheet.selection[:2])
        return self._add(Condition(sheet, self.rng.bounds, "custom", formula, fill=spec.get("fill_color"),
                                   font_color=spec.get("font_color"), font_bold=spec.get("font_bold"),
                                   stop_if_true=spec["stop_if_true"]))

    def add_data_bar(self, spec):
        minimum = (spec["threshold_types"][0], spec["thresholds"][0])
        maximum = (spec["threshold_types"][1], spec["thresholds"][1])
        if not spec["gradient"] or not spec["show_value"]:
            raise NotImplementedError("the double draws gradient bars with their values shown")
        return self._add(Condition(self.rng.model, self.rng.bounds, "data_bar", bar_color=spec["bar_color"],
                                   minimum=minimum, maximum=maximum))

    def __len__(self):
        return len([c for c in self.rng.model.conditions() if overlaps(c.bounds, self.rng.bounds)])

    def __iter__(self):
        for condition in self.rng.model.conditions():
            if overlaps(condition.bounds, self.rng.bounds):
                yield ConditionalFormat(condition)

    def clear(self):
        book = self.rng.model.book
        book.conditions = [c for c in book.conditions
                           if not (c.sheet is self.rng.model and overlaps(c.bounds, self.rng.bounds))]


class ConditionalFormat(base_classes.ConditionalFormat):
    def __init__(self, condition: Condition):
        self.model = condition

    @property
    def api(self):
        return FormatConditionApi(self.model)

    @property
    def type(self):
        return self.model.kind


class PageSetup(base_classes.PageSetup):
    def __init__(self, sheet: Worksheet):
        self.model = sheet

    @property
    def api(self):
        return PageSetupApi(self.model)

    @property
    def print_area(self):
        value = self.model.page["PrintArea"]
        return None if value == "" else value

    @print_area.setter
    def print_area(self, value):
        self.model.page["PrintArea"] = "" if value is None else value
