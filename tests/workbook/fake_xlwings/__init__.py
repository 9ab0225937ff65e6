"""An in-memory Excel behind the real xlwings: a fake *engine*, so every xlwings call salesxl makes runs.

``xw.Book.caller()`` needs Excel, so the live backend and the ribbon are tested against this
double. It sits where xlwings' Windows engine (``xlwings/_xlwindows.py``) sits: the objects a
test holds are xlwings' own ``Book``, ``Sheet``, ``Range``... (``xlwings.main``), wrapping the
engine objects defined here. So xlwings validates every argument and converts every value as it
does in Excel, and a call xlwings does not have cannot be made at all. The engine classes (engine.py)
implement only what salesxl uses, and ``tests/workbook/test_fake_xlwings.py`` checks, by reading
the installed xlwings, that each of their members is one the Windows engine implements, with the
same parameters: the double cannot invent a method Excel would not answer.

What COM alone offers is reached in Excel through ``.api`` (the raw COM object). Here ``.api``
gives a *COM double* (:class:`Com`) that answers only the members listed in its ``MEMBERS`` (the
names in Microsoft's Excel VBA reference), so a misspelt or unknown COM member fails here too.

Where Excel surprises, the double does too:

* Writing a string through ``Range.Value`` reads it like typing: a leading ``'`` makes text (and
  is not part of the value), ``=`` makes a formula, number- or date-looking text becomes a number
  or a date. A formula with a structured reference (``Table1[Col]``) to no table is refused.
* Reading gives numbers as float, dates as ``datetime``, errors as COM's error codes (xlwings
  turns them into None, or ``'#N/A'`` with ``err_to_str``); ``NumberFormat`` and ``MergeCells``
  of a mixed range are None (COM's Null).
* Sheet names are unique ignoring case, at most 31 characters; a new sheet is activated; a hidden
  sheet cannot be activated; ``Select`` works only on the active sheet; each sheet keeps its own
  selection, which becomes the book's when the sheet is activated.
* A conditional-format formula's relative references are read relative to the *active cell*
  (Microsoft KB 895562), not to the range the rule applies to. ``FormatConditions.Add`` puts the
  new rule last; xlwings then moves it first (``SetFirstPriority``).
* Freezing panes (``Window.FreezePanes``) acts on the sheet the window shows, splitting
  ``SplitRow`` rows below the top visible row (``ScrollRow``).
* ``Sheet.clear`` clears values, formats and conditional formats; tables, charts, page setup and
  names stay (tables lose their cells: Excel keeps an emptied table's range).
* Geometry: a column ``w`` characters wide is ``int(7w + 5)`` pixels, a row 20 pixels (15 points);
  a chart placed on a cell sits at that cell's top-left corner.
"""

from __future__ import annotations

import xlwings

from . import com, engine  # noqa: F401  (tests reach the engine's and COM doubles' classes through these)
from .engine import App, Book, Engine
from .model import (DEFAULT_WIDTH, ROW_POINTS, Cell, ChartObject, Condition, DefinedName, Excel,  # noqa: F401
                    ExcelError, ListObject, Workbook, Worksheet, column_points, formula_at, workbook_from_file)

# ==== Making workbooks =============================================================================

xlwings.engines.add(xlwings.main.Engine(impl=Engine()))
xlwings.engines.active = xlwings.engines["excel"]


def new_book(name: str = "plan.xlsx", excel: Excel | None = None, fullname: str = "") -> xlwings.Book:
    """An empty workbook (no sheets yet) in ``excel`` (a new Excel if None), as xlwings' ``Book``."""
    excel = excel or Excel()
    book = Workbook(excel, name, fullname)
    excel.books.insert(0, book)
    return xlwings.Book(impl=Book(book))


def model(obj):
    """The double's state behind an xlwings object: a ``Workbook``, ``Worksheet`` or ``Excel``."""
    impl = obj.impl
    if isinstance(impl, App):
        return impl.excel
    return impl.model


def excel_of(book: xlwings.Book) -> Excel:
    return model(book).app


def cells(sheet: xlwings.Sheet) -> dict[tuple[int, int], Cell]:
    """A sheet's cells by ``(row, column)``."""
    return model(sheet).cells


def state(book: xlwings.Book) -> tuple:
    """Everything the workbook holds, comparable: two equal states are the same workbook to a planner."""
    from dataclasses import astuple

    workbook = model(book)

    def sheet_state(sheet: Worksheet) -> tuple:
        return (sheet.name, sheet.visible, sorted((k, astuple(c)) for k, c in sheet.cells.items()),
                sorted(sheet.merged), [(t.name, t.bounds, t.style) for t in sheet.tables],
                [(c.name, c.left, c.top, c.width, c.height, c.chart_type, c.title, c.legend, repr(c.series), c.axes)
                 for c in sheet.charts],
                sorted(sheet.column_widths.items()), sorted(sheet.page.items(), key=str), sorted(sheet.breaks),
                sheet.frozen, [astuple(v) for v in sheet.validations])
    return ([sheet_state(s) for s in workbook.sheets],
            [(n.name, n.refers_to, n.sheet.name if n.sheet else None, n.visible) for n in workbook.names],
            [(c.sheet.name, c.bounds, c.kind, repr(c.formula), c.fill, c.font_color, c.bar_color, c.maximum)
             for c in workbook.conditions],
            workbook.active.name if workbook.active else None)


def book_from_file(path, excel: Excel | None = None, saved: bool = False) -> xlwings.Book:
    """What Excel holds after opening ``path``: values as Excel stores them, merged areas, formats.

    ``saved``: the book knows its place on disk (``fullname``); otherwise it is like a new ``Book1``.
    """
    excel = excel or Excel()
    book = workbook_from_file(path, excel, str(path) if saved else "")
    excel.books.insert(0, book)
    return xlwings.Book(impl=Book(book))
