"""COM doubles: what ``.api`` gives in the double, each answering only the members in its ``MEMBERS``.

The names are those of Microsoft's Excel VBA reference (``PageSetup.Orientation``,
``Window.FreezePanes``...); reading or setting any other fails, as COM fails.
"""

from __future__ import annotations

from .model import (XL_AUTOMATIC_MAX, XL_HIGHEST_VALUE, ChartObject, Condition, DefinedName, Excel, ListObject,
                    Series, Workbook, Worksheet, address, cells_in, cells_in_keys, overlaps, quote)

# ==== COM doubles (what ``.api`` gives) ===============================================================

class Com:
    """A COM object double: reading or setting a member not in ``MEMBERS`` fails, as COM fails."""

    MEMBERS: frozenset[str] = frozenset()

    def __setattr__(self, key, value):
        if not key.startswith("_") and key not in self.MEMBERS:
            raise AttributeError(f"{type(self).__name__} has no COM member {key!r}")
        object.__setattr__(self, key, value)

    def __getattribute__(self, key):
        if not key.startswith("_") and key != "MEMBERS" and key not in type(self).MEMBERS:
            raise AttributeError(f"{type(self).__name__} has no COM member {key!r}")
        return object.__getattribute__(self, key)


class ApplicationApi(Com):
    """``Application``: only ``PrintCommunication`` (Excel 2010+) is used through COM."""

    MEMBERS = frozenset({"PrintCommunication"})

    def __init__(self, excel: Excel):
        self._excel = excel

    @property
    def PrintCommunication(self):  # noqa: N802 — COM's spelling, as are the members below
        return self._excel.print_communication

    @PrintCommunication.setter
    def PrintCommunication(self, value):  # noqa: N802
        self._excel.print_communication = bool(value)


def pane(what: str, index: int) -> property:
    """One number of a sheet's window pane (``split`` or ``scroll``: rows, columns)."""
    def get(self):
        return getattr(self._sheet, what)[index]

    def put(self, value):
        pair = list(getattr(self._sheet, what))
        pair[index] = int(value)
        setattr(self._sheet, what, tuple(pair))
    return property(get, put)


class WindowApi(Com):
    """``Window``: frozen panes of the sheet the window shows (the workbook's active sheet)."""

    MEMBERS = frozenset({"FreezePanes", "SplitRow", "SplitColumn", "ScrollRow", "ScrollColumn"})

    def __init__(self, book: Workbook):
        self._book = book

    @property
    def _sheet(self) -> Worksheet:
        return self._book.active

    @property
    def FreezePanes(self):  # noqa: N802
        return self._sheet.frozen is not None

    @FreezePanes.setter
    def FreezePanes(self, value):  # noqa: N802
        sheet = self._sheet
        if not value:
            sheet.frozen = None
            return
        rows, columns = sheet.split
        if (rows, columns) == (0, 0):
            raise RuntimeError("FreezePanes with no split freezes at the active cell; set SplitRow first")
        sheet.frozen = (sheet.scroll[0] + rows, sheet.scroll[1] + columns)

    SplitRow = pane("split", 0)
    SplitColumn = pane("split", 1)
    ScrollRow = pane("scroll", 0)
    ScrollColumn = pane("scroll", 1)


class WorkbookApi(Com):
    MEMBERS = frozenset({"Windows", "ProtectStructure"})

    def __init__(self, book: Workbook):
        self._book = book

    @property
    def ProtectStructure(self):  # noqa: N802 — read-only in COM: Workbook.Protect sets it
        return self._book.protect_structure

    def Windows(self, index):  # noqa: N802
        if index != 1:
            raise IndexError("the workbook has one window")
        return WindowApi(self._book)


class PageSetupApi(Com):
    """``PageSetup``: the members salesxl sets (``PrintArea`` goes through xlwings' own ``print_area``)."""

    MEMBERS = frozenset({"PrintArea", "Zoom", "FitToPagesWide", "FitToPagesTall", "Orientation", "PaperSize",
                         "PrintTitleRows", "CenterHorizontally", "CenterHeader", "CenterFooter",
                         "LeftMargin", "RightMargin", "TopMargin", "BottomMargin"})
    _ORIENTATIONS = {1, 2}  # xlPortrait, xlLandscape

    def __init__(self, sheet: Worksheet):
        object.__setattr__(self, "_sheet", sheet)

    def __getattr__(self, key):
        return self._sheet.page.get(key)

    def __setattr__(self, key, value):
        if key not in self.MEMBERS:
            raise AttributeError(f"PageSetup has no COM member {key!r}")
        if key == "Orientation" and value not in self._ORIENTATIONS:
            raise ValueError(f"Orientation must be xlPortrait (1) or xlLandscape (2), not {value!r}")
        if key == "Zoom" and value is not False and not (isinstance(value, int) and 10 <= value <= 400):
            raise ValueError("Zoom is False or a percentage from 10 to 400")
        self._sheet.page[key] = value

    def __getattribute__(self, key):
        if not key.startswith("_") and key != "MEMBERS" and key not in type(self).MEMBERS:
            raise AttributeError(f"PageSetup has no COM member {key!r}")
        return object.__getattribute__(self, key)


class PageBreaksApi(Com):
    MEMBERS = frozenset({"Add", "Count"})

    def __init__(self, sheet: Worksheet):
        self._sheet = sheet

    def Add(self, Before):  # noqa: N802, N803
        self._sheet.breaks.add(Before._bounds[0])

    @property
    def Count(self):  # noqa: N802
        return len(self._sheet.breaks)


class WorksheetApi(Com):
    MEMBERS = frozenset({"PageSetup", "HPageBreaks", "ResetAllPageBreaks"})

    def __init__(self, sheet: Worksheet):
        self._sheet = sheet

    @property
    def PageSetup(self):  # noqa: N802
        return PageSetupApi(self._sheet)

    @property
    def HPageBreaks(self):  # noqa: N802
        return PageBreaksApi(self._sheet)

    def ResetAllPageBreaks(self):  # noqa: N802
        self._sheet.breaks.clear()


class ConditionValueApi(Com):
    """``ConditionValue`` (a data bar's ``MinPoint``/``MaxPoint``)."""

    MEMBERS = frozenset({"Modify", "Type", "Value"})
    _TYPES = {XL_HIGHEST_VALUE: "highest_value", XL_AUTOMATIC_MAX: "automatic", 0: "number", 1: "lowest_value"}

    def __init__(self, condition: Condition, end: str):
        self._condition, self._end = condition, end

    def Modify(self, newtype, newvalue=None):  # noqa: N802
        setattr(self._condition, self._end, (self._TYPES[newtype], newvalue))

    @property
    def Type(self):  # noqa: N802
        return getattr(self._condition, self._end)[0]

    @property
    def Value(self):  # noqa: N802
        return getattr(self._condition, self._end)[1]


class FormatConditionApi(Com):
    MEMBERS = frozenset({"MaxPoint", "MinPoint"})

    def __init__(self, condition: Condition):
        self._condition = condition

    @property
    def MaxPoint(self):  # noqa: N802
        if self._condition.kind != "data_bar":
            raise AttributeError("only a data bar has MaxPoint")
        return ConditionValueApi(self._condition, "maximum")

    @property
    def MinPoint(self):  # noqa: N802
        if self._condition.kind != "data_bar":
            raise AttributeError("only a data bar has MinPoint")
        return ConditionValueApi(self._condition, "minimum")


class FormatConditionsApi(Com):
    """``Range.FormatConditions``: the rules that apply to the range, in priority order."""

    MEMBERS = frozenset({"Count"})

    def __init__(self, sheet: Worksheet, bounds):
        self._sheet, self._bounds = sheet, bounds

    def _rules(self) -> list[Condition]:
        return [c for c in self._sheet.conditions() if overlaps(c.bounds, self._bounds)]

    def __call__(self, index):
        return FormatConditionApi(self._rules()[index - 1])

    @property
    def Count(self):  # noqa: N802
        return len(self._rules())


class FontApi(Com):
    """``Font`` of a range: ``Underline`` (xlwings' Font has no underline)."""

    MEMBERS = frozenset({"Underline"})
    _STYLES = {2: "single", -4142: None}  # xlUnderlineStyleSingle, xlUnderlineStyleNone

    def __init__(self, sheet: Worksheet, areas):
        self._sheet, self._areas = sheet, areas

    @property
    def Underline(self):  # noqa: N802
        return next((code for code, style in self._STYLES.items()
                     if style == self._sheet.cell(*self._areas[0][:2]).font.get("underline")), -4142)

    @Underline.setter
    def Underline(self, value):  # noqa: N802
        for area in self._areas:
            for cell in cells_in(self._sheet, area):
                cell.font["underline"] = self._STYLES[value]


class ValidationApi(Com):
    """``Range.Validation``: the alert on a wrong entry (xlwings sets the list itself)."""

    MEMBERS = frozenset({"IgnoreBlank", "ShowError", "ErrorTitle", "ErrorMessage"})
    _FIELDS = {"IgnoreBlank": "ignore_blank", "ShowError": "show_error", "ErrorTitle": "error_title",
               "ErrorMessage": "error_message"}

    def __init__(self, sheet: Worksheet, bounds):
        object.__setattr__(self, "_rule", next((v for v in sheet.validations if v.bounds == tuple(bounds)), None))

    def __setattr__(self, key, value):
        if key not in self.MEMBERS:
            raise AttributeError(f"Validation has no COM member {key!r}")
        if self._rule is None:
            raise RuntimeError("the range has no validation to change (add one first)")
        if key in ("ErrorTitle", "ErrorMessage") and len(value) > (32 if key == "ErrorTitle" else 255):
            raise ValueError(f"{key} is too long for Excel")
        setattr(self._rule, self._FIELDS[key], value)

    def __getattr__(self, key):
        if key not in self.MEMBERS:
            raise AttributeError(f"Validation has no COM member {key!r}")
        return getattr(self._rule, self._FIELDS[key])


class RangeApi(Com):
    """``Range``; of a multi-area range only ``Font`` (each area) and ``Address`` are used."""

    MEMBERS = frozenset({"FormatConditions", "Font", "Address", "Validation"})

    def __init__(self, sheet: Worksheet, bounds, areas=None):
        self._sheet, self._bounds, self._areas = sheet, bounds, areas or [bounds]

    def _one_area(self):
        if len(self._areas) > 1:
            raise NotImplementedError("the double answers this for a single-area range only")

    @property
    def Validation(self):  # noqa: N802
        self._one_area()
        return ValidationApi(self._sheet, self._bounds)

    @property
    def FormatConditions(self):  # noqa: N802
        self._one_area()
        return FormatConditionsApi(self._sheet, self._bounds)

    @property
    def Font(self):  # noqa: N802
        return FontApi(self._sheet, self._areas)

    @property
    def Address(self):  # noqa: N802
        return ",".join(address(a) for a in self._areas)


class FillFormatApi(Com):
    MEMBERS = frozenset({"Visible"})

    def __init__(self, series: Series, what: str):
        self._series, self._what = series, what

    @property
    def Visible(self):  # noqa: N802
        return getattr(self._series, self._what)

    @Visible.setter
    def Visible(self, value):  # noqa: N802
        setattr(self._series, self._what, bool(value))


class ChartFormatApi(Com):
    MEMBERS = frozenset({"Fill", "Line"})

    def __init__(self, series: Series):
        self._series = series

    @property
    def Fill(self):  # noqa: N802
        return FillFormatApi(self._series, "fill_visible")

    @property
    def Line(self):  # noqa: N802
        return FillFormatApi(self._series, "line_visible")


class SeriesApi(Com):
    """``Series``: ``Name`` takes a formula (``='Sheet'!$C$5``), ``Values``/``XValues`` a Range."""

    MEMBERS = frozenset({"Name", "Values", "XValues", "Format"})

    def __init__(self, chart: ChartObject, series: Series):
        self._chart, self._series = chart, series

    def _ref(self, rng) -> str:
        if not isinstance(rng, RangeApi):
            raise TypeError("give Values and XValues a Range (rng.api)")
        return f"{quote(rng._sheet.name)}!{address(rng._bounds)}"

    @property
    def Name(self):  # noqa: N802
        return self._series.name_ref

    @Name.setter
    def Name(self, value):  # noqa: N802
        self._series.name_ref = value

    @property
    def Values(self):  # noqa: N802
        return self._series.values_ref

    @Values.setter
    def Values(self, rng):  # noqa: N802
        self._series.values_ref = self._ref(rng)

    @property
    def XValues(self):  # noqa: N802
        return self._series.xvalues_ref

    @XValues.setter
    def XValues(self, rng):  # noqa: N802
        self._series.xvalues_ref = self._ref(rng)

    @property
    def Format(self):  # noqa: N802
        return ChartFormatApi(self._series)


class SeriesCollectionApi(Com):
    MEMBERS = frozenset({"NewSeries", "Count"})

    def __init__(self, chart: ChartObject):
        self._chart = chart

    def NewSeries(self):  # noqa: N802
        self._chart.series.append(Series())
        return SeriesApi(self._chart, self._chart.series[-1])

    def __call__(self, index):
        return SeriesApi(self._chart, self._chart.series[index - 1])

    @property
    def Count(self):  # noqa: N802
        return len(self._chart.series)


class LegendEntryApi(Com):
    MEMBERS = frozenset({"Delete"})

    def __init__(self, chart: ChartObject, index: int):
        self._chart, self._index = chart, index

    def Delete(self):  # noqa: N802
        if not 1 <= self._index <= len(self._chart.series):
            raise IndexError("no such legend entry")
        self._chart.legend_deleted.add(self._index)


class LegendApi(Com):
    MEMBERS = frozenset({"LegendEntries"})

    def __init__(self, chart: ChartObject):
        self._chart = chart

    def LegendEntries(self, index):  # noqa: N802
        return LegendEntryApi(self._chart, index)


class ChartApi(Com):
    MEMBERS = frozenset({"SeriesCollection", "Legend", "HasLegend"})

    def __init__(self, chart: ChartObject):
        self._chart = chart

    def SeriesCollection(self, index=None):  # noqa: N802
        collection = SeriesCollectionApi(self._chart)
        return collection if index is None else collection(index)

    @property
    def HasLegend(self):  # noqa: N802
        return self._chart.legend is not None

    @property
    def Legend(self):  # noqa: N802
        if self._chart.legend is None:
            raise AttributeError("the chart has no legend")
        return LegendApi(self._chart)


class ListObjectApi(Com):
    MEMBERS = frozenset({"Delete", "Name"})

    def __init__(self, table: ListObject):
        self._table = table

    @property
    def Name(self):  # noqa: N802
        return self._table.name

    def Delete(self):  # noqa: N802 — the table and its cells go
        sheet = self._table.sheet
        sheet.tables.remove(self._table)
        for key in list(cells_in_keys(sheet, self._table.bounds)):
            del sheet.cells[key]


class NameApi(Com):
    MEMBERS = frozenset({"Visible"})

    def __init__(self, name: DefinedName):
        self._name = name

    @property
    def Visible(self):  # noqa: N802
        return self._name.visible

    @Visible.setter
    def Visible(self, value):  # noqa: N802
        self._name.visible = bool(value)
