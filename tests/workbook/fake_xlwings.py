"""An in-memory double of exactly the xlwings surface salesxl uses, with Excel's semantics.

``set_mock_caller`` needs Excel, so the live backend and the ribbon are tested
against this double. It is deliberately strict: wherever Excel or xlwings would
fail or surprise, it does too, so a test passing here means the calls are right.
What it follows, and where it is documented:

* ``Range.value`` (xlwings docs, "Data structures"): a single cell reads as a
  scalar, one row or column as a flat list, a block as a list of rows;
  ``options(ndim=2)`` always gives rows. Numbers read back as float, dates as
  ``datetime``, empty cells as None, error cells as None unless
  ``err_to_str=True`` (then ``'#N/A'``). Writing a list of rows fills from the
  range's top-left cell whatever the range's size; a scalar fills every cell.
* Writing a string goes through COM ``Range.Value``, which Excel reads like
  typing: a leading ``'`` makes text (and is not part of the value), ``=`` makes
  a formula, and number- or date-looking text becomes a number or a date.
* A formula with a structured reference (``Table1[Col]``) to a table that does
  not exist is refused, as Excel refuses it.
* ``Range.number_format`` passes COM's ``NumberFormat`` through: the format
  when every cell of the range has the same one, None (Null) when they differ.
* ``Range.merge_cells`` passes COM's ``MergeCells`` through: False when no cell
  is merged, True when all are, None when mixed. ``merge_area`` is the merged
  area holding the top-left cell, or that cell.
* ``Sheets.add(name, before, after)`` activates the new sheet; sheet names are
  unique ignoring case, at most 31 characters, without ``[]:*?/\\``; lookups by
  name ignore case. ``Sheet.delete`` activates a neighbour if it was active.
* ``Tables.add(source, name, table_style_name)``: names unique in the book
  ignoring case; header cells must be filled.
* ``Sheet.names.add(name, refers_to)`` makes a sheet-level name; ``Name.name`` reads back
  qualified (``'Sheet 1'!name``); it goes when its sheet is deleted. ``Name.api.Visible``.
* ``Range.select`` works only on the active sheet. ``App.calculation`` is one of
  ``manual``/``automatic``/``semiautomatic``; ``App.status_bar`` is False when
  Excel owns it. ``App.alert`` returns ``'ok'``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

CALCULATION_MODES = {"manual", "automatic", "semiautomatic"}
NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
DATE_TEXT = re.compile(r"^\s*(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?\s*$")


class ExcelError(str):
    """An error value held by a cell, e.g. ``ExcelError('#N/A')``."""


@dataclass
class Cell:
    value: Any = None
    formula: str | None = None
    number_format: str = "General"
    font: dict = field(default_factory=dict)
    color: tuple | None = None
    styled: bool = False  # formatted without a value: Excel counts it in the used range


class App:
    def __init__(self):
        self.books: list[Book] = []
        self._calculation = "automatic"
        self.screen_updating = True
        self.display_alerts = True
        self.enable_events = True
        self._status_bar: str | bool = False
        self.status_history: list[str | bool] = []
        self.alerts: list[dict] = []
        self.selection: Range | None = None
        self.calls = 0  # value reads and writes, to check "one call per sheet"

    @property
    def calculation(self) -> str:
        return self._calculation

    @calculation.setter
    def calculation(self, value: str) -> None:
        if value not in CALCULATION_MODES:
            raise ValueError(f"calculation must be one of {sorted(CALCULATION_MODES)}")
        self._calculation = value

    @property
    def status_bar(self):
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value):
        self._status_bar = value
        self.status_history.append(value)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Book:
    def __init__(self, name="plan.xlsx", app: App | None = None):
        self.name = name
        self.app = app or App()
        self.app.books.append(self)
        self.sheets = Sheets(self)

    @property
    def selection(self) -> Range | None:
        return self.app.selection


class Sheets:
    def __init__(self, book: Book):
        self.book = book
        self._sheets: list[Sheet] = []
        self._active: Sheet | None = None

    def __iter__(self):
        return iter(list(self._sheets))

    def __len__(self):
        return len(self._sheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._sheets[key]
        for sheet in self._sheets:
            if sheet.name.casefold() == str(key).casefold():
                return sheet
        raise KeyError(key)

    def __call__(self, key):
        return self[key - 1] if isinstance(key, int) else self[key]

    @property
    def active(self) -> Sheet:
        return self._active

    def add(self, name=None, before=None, after=None) -> Sheet:
        if name is None:
            n = len(self._sheets) + 1
            while any(s.name.casefold() == f"sheet{n}" for s in self._sheets):
                n += 1
            name = f"Sheet{n}"
        sheet = Sheet(self.book, "~new")
        sheet.name = name  # validated
        if before is not None:
            index = self._sheets.index(before)
        elif after is not None:
            index = self._sheets.index(after) + 1
        else:
            index = self._sheets.index(self._active) if self._active else 0
        self._sheets.insert(index, sheet)
        sheet.activate()
        return sheet


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self._name = name
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.tables = Tables(self)
        self.names = Names(self)
        self.column_widths: dict[int, float] = {}

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

    def activate(self) -> None:
        self.book.sheets._active = self
        self.book.app.selection = Range(self, 1, 1, 1, 1)

    def delete(self) -> None:
        """As Excel does: formulas elsewhere that point into this sheet become ``#REF!``."""
        sheets = self.book.sheets._sheets
        index = sheets.index(self)
        sheets.remove(self)
        if self.book.sheets._active is self:
            sheets[max(0, index - 1)].activate()
        quoted = "'" + self._name.replace("'", "''") + "'!"
        for other in sheets:
            for cell in other.cells.values():
                if cell.formula and (quoted in cell.formula or f"{self._name}!" in cell.formula):
                    cell.formula = re.sub(r"(?:'(?:[^']|'')+'|[^\s=!(),]+)!\$?[A-Z]+\$?\d+",
                                          lambda m: "#REF!" if m.group(0).startswith((quoted, f"{self._name}!"))
                                          else m.group(0), cell.formula)

    def clear(self) -> None:
        """Contents and formats of the whole sheet; the sheet, its names and its place stay."""
        self.cells.clear()
        self.merged.clear()

    def range(self, cell1, cell2=None) -> Range:
        r1, c1, r2, c2 = parse(cell1)
        if cell2 is not None:
            _, _, r2, c2 = parse(cell2)
        return Range(self, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    def __getitem__(self, address: str) -> Range:
        return self.range(address)

    @property
    def used_range(self) -> Range:
        used = [rc for rc, cell in self.cells.items()
                if cell.value is not None or cell.formula or cell.number_format != "General" or cell.font
                or cell.styled]
        if not used:
            return Range(self, 1, 1, 1, 1)
        rows, cols = [r for r, _ in used], [c for _, c in used]
        return Range(self, min(rows), min(cols), max(rows), max(cols))

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.setdefault((row, column), Cell())

    def merge(self, r1, c1, r2, c2) -> None:
        self.merged.append((r1, c1, r2, c2))


class NameApi:
    Visible = True


class Name:
    def __init__(self, sheet: Sheet, name: str, refers_to: str):
        self.sheet, self._name, self.refers_to, self.api = sheet, name, refers_to, NameApi()

    @property
    def name(self) -> str:
        title = self.sheet.name
        quoted = f"'{title}'" if re.search(r"[^A-Za-z0-9_.]", title) else title
        return f"{quoted}!{self._name}"


class Names:
    """Sheet-level names: unique per sheet ignoring case; formulas start with ``=``."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._names: list[Name] = []

    def __iter__(self):
        return iter(list(self._names))

    def __len__(self):
        return len(self._names)

    def add(self, name: str, refers_to: str) -> Name:
        if not refers_to.startswith("="):
            raise ValueError("refers_to must be a formula")
        self._names = [n for n in self._names if n._name.casefold() != name.casefold()]
        created = Name(self.sheet, name, refers_to)
        self._names.append(created)
        return created


def parse(cell) -> tuple[int, int, int, int]:
    if isinstance(cell, tuple):
        return cell[0], cell[1], cell[0], cell[1]
    parts = cell.replace("$", "").split(":")
    first = coordinate_from_string(parts[0])
    last = coordinate_from_string(parts[-1])
    return (first[1], column_index_from_string(first[0]), last[1], column_index_from_string(last[0]))


class Font:
    def __init__(self, rng: Range):
        object.__setattr__(self, "_range", rng)

    def __getattr__(self, key):
        return self._range.sheet.cell(self._range.row, self._range.column).font.get(key)

    def __setattr__(self, key, value):
        if key not in {"bold", "italic", "size", "color", "name"}:
            raise AttributeError(f"xlwings' Font has no {key!r}")
        for cell in self._range.each_cell():
            cell.font[key] = value


class Range:
    def __init__(self, sheet: Sheet, r1, c1, r2, c2, options=None):
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self._options = options or {}

    # where -----------------------------------------------------------------------------------
    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1

    @property
    def last_cell(self) -> Range:
        return Range(self.sheet, self.r2, self.c2, self.r2, self.c2, self._options)

    @property
    def address(self) -> str:
        first = f"${get_column_letter(self.c1)}${self.r1}"
        return first if self.shape == (1, 1) else f"{first}:${get_column_letter(self.c2)}${self.r2}"

    def each_cell(self):
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield self.sheet.cell(r, c)

    def options(self, convert=None, **options) -> Range:
        if convert is not None:
            raise NotImplementedError("the double has no converters; salesxl reads and writes plain values")
        unknown = set(options) - {"ndim", "err_to_str", "chunksize"}
        if unknown:
            raise TypeError(f"unsupported options {unknown}")
        return Range(self.sheet, self.r1, self.c1, self.r2, self.c2, options)

    # values ----------------------------------------------------------------------------------
    @property
    def value(self):
        self.sheet.book.app.calls += 1
        rows = [[self._read(self.sheet.cells.get((r, c))) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]
        if self._options.get("ndim") == 2:
            return rows
        if self.shape == (1, 1):
            return rows[0][0]
        if self.shape[0] == 1:
            return rows[0]
        if self.shape[1] == 1:
            return [r[0] for r in rows]
        return rows

    def _read(self, cell: Cell | None):
        if cell is None:
            return None
        if isinstance(cell.value, ExcelError):
            return str(cell.value) if self._options.get("err_to_str") else None
        return cell.value

    @value.setter
    def value(self, data) -> None:
        self.sheet.book.app.calls += 1
        if isinstance(data, (list, tuple)):
            rows = [list(r) for r in data] if data and isinstance(data[0], (list, tuple)) else [list(data)]
            for i, row in enumerate(rows):
                for j, item in enumerate(row):
                    self._store(self.sheet.cell(self.r1 + i, self.c1 + j), item)
        else:
            for cell in self.each_cell():
                self._store(cell, data)

    def _store(self, cell: Cell, item) -> None:
        cell.formula = None
        if item is None:
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
            raise TypeError(f"xlwings cannot write a {type(item).__name__}: {item!r}")

    def _check_formula(self, formula: str) -> None:
        names = {t.name.casefold() for s in self.sheet.book.sheets for t in s.tables}
        for ref in re.findall(r"([A-Za-z_][\w.]*)\[", formula):
            if ref.casefold() not in names:
                raise ValueError(f"Excel refuses {formula!r}: there is no table {ref!r}")

    @property
    def formula(self):
        cell = self.sheet.cells.get((self.r1, self.c1))
        return (cell.formula or ("" if cell.value is None else str(cell.value))) if cell else ""

    @formula.setter
    def formula(self, text: str) -> None:
        self.sheet.book.app.calls += 1
        for cell in self.each_cell():
            self._store(cell, text)

    # formats -----------------------------------------------------------------------------------
    @property
    def number_format(self) -> str | None:
        formats = {self.sheet.cells.get((r, c), Cell()).number_format
                   for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)}
        return formats.pop() if len(formats) == 1 else None  # COM's NumberFormat is Null for mixed formats

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for cell in self.each_cell():
            cell.number_format = fmt

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def color(self):
        return self.sheet.cell(self.r1, self.c1).color

    @color.setter
    def color(self, value) -> None:
        for cell in self.each_cell():
            cell.color = value

    @property
    def column_width(self):
        return self.sheet.column_widths.get(self.c1)

    @column_width.setter
    def column_width(self, width: float) -> None:
        for c in range(self.c1, self.c2 + 1):
            self.sheet.column_widths[c] = width

    # merged cells and selection ----------------------------------------------------------------
    def _area_of(self, r, c):
        return next((a for a in self.sheet.merged if a[0] <= r <= a[2] and a[1] <= c <= a[3]), None)

    @property
    def merge_cells(self):
        merged = [self._area_of(r, c) is not None
                  for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)]
        return True if all(merged) else (False if not any(merged) else None)

    @property
    def merge_area(self) -> Range:
        area = self._area_of(self.r1, self.c1)
        return Range(self.sheet, *area) if area else Range(self.sheet, self.r1, self.c1, self.r1, self.c1)

    def select(self) -> None:
        if self.sheet.book.sheets.active is not self.sheet:
            raise RuntimeError("Select method of Range class failed: the sheet is not active")
        self.sheet.book.app.selection = self


class Table:
    def __init__(self, parent: Sheet, name: str, rng: Range, style: str):
        self.parent, self.name, self.range, self.table_style = parent, name, rng, style
        self.api = TableApi(self)

    def resize(self, range: Range) -> None:  # noqa: A002 — xlwings' own parameter name
        if not isinstance(range, Range) or (range.r1, range.c1) != (self.range.r1, self.range.c1):
            raise ValueError("a table keeps its header row and first column when resized")
        self.range = range


class TableApi:
    """``ListObject.Delete()`` through COM: the table and its cells go."""

    def __init__(self, table: Table):
        self.table = table

    def Delete(self) -> None:  # noqa: N802 — COM's spelling
        sheet = self.table.parent
        sheet.tables._tables.remove(self.table)
        rng = self.table.range
        for key in [k for k in sheet.cells if rng.r1 <= k[0] <= rng.r2 and rng.c1 <= k[1] <= rng.c2]:
            del sheet.cells[key]


class Tables:
    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._tables: list[Table] = []

    def __iter__(self):
        return iter(list(self._tables))

    def __len__(self):
        return len(self._tables)

    def add(self, source=None, name=None, source_type=None, link_source=None, has_headers=True,
            destination=None, table_style_name="TableStyleMedium2") -> Table:
        if not isinstance(source, Range):
            raise TypeError("'source' must be a Range")
        if any(t.name.casefold() == name.casefold() for s in self.sheet.book.sheets for t in s.tables):
            raise ValueError(f"a table called {name!r} already exists")
        headers = [self.sheet.cells.get((source.r1, c)) for c in range(source.c1, source.c2 + 1)]
        if has_headers and any(h is None or h.value in (None, "") for h in headers):
            raise ValueError("every header cell of a table must be filled")
        table = Table(self.sheet, name, source, table_style_name)
        self._tables.append(table)
        return table


def book_from_file(path, app: App | None = None) -> Book:
    """What Excel holds after opening ``path``: values as Excel stores them, merged areas, formats."""
    import openpyxl

    source = openpyxl.load_workbook(path, data_only=True)
    book = Book(str(path).rsplit("/", 1)[-1], app)
    for ws in source.worksheets:
        sheet = book.sheets.add(name=ws.title, after=book.sheets[len(book.sheets) - 1] if len(book.sheets) else None)
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
            sheet.merge(m.min_row, m.min_col, m.max_row, m.max_col)
        for defined in ws.defined_names.values():  # sheet-level names, such as salesxl's ownership marker
            sheet.names.add(defined.name, "=" + defined.attr_text)
    book.sheets[source.active.title].activate()
    return book
