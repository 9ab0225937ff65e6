"""Reading cell values from an .xlsx/.xlsm package, touching only the parts a sheet needs.

A planner's workbook may hold parts no Python library understands (a pivot
cache saved by Mac Excel, slicers, in-cell pictures). Loading the whole
workbook to read one input sheet would make salesxl fail on a file Excel opens
happily. So this reader opens just the workbook part (sheet list, 1904 flag),
the styles (only to tell dates from numbers), the shared strings, and the one
sheet asked for, and streams that sheet's cells.

It keeps what the input reader needs (:class:`~salesxl.workbook.backend.RawSheet`):
values as Excel last calculated them (dates as dates, booleans, error values
as text like ``#N/A``), merged ranges, and which formula cells have no cached
value, and which number cells are formatted as a percentage. Namespaces are matched by local name, so Strict Open XML files read too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .backend import OWNER_MARKER, RawSheet
from .package import Package, local_name, main_part, parse_xml, relationships
from .sheetscan import scan_cells

CJK_DATE_FORMATS = {
    # Built-in formats of East Asian Excel that files reference by number without defining them
    # (ECMA-376 Part 1, 18.8.30): Chinese Excel stores 2026年2月1日 as 31, 2026年2月 as 57, and so on.
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: 'h"时"mm"分"', 35: 'h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: 'h"时"mm"分"', 56: 'h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}
ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
QUOTED = re.compile(r'"[^"]*"|\\.')
"""Literal text in a number format (quoted, or one character after a backslash): a ``%`` there is shown, not applied."""
COLUMN_NUMBERS = {get_column_letter(i): i for i in range(1, 703)}
"""Column letters A..ZZ -> 1..702, looked up rather than computed for every cell."""


@dataclass(frozen=True)
class SheetEntry:
    """One tab of the workbook: name, part, kind (worksheet, chartsheet, ...) and visibility."""

    name: str
    part: str | None
    kind: str
    state: str = "visible"
    owner: str | None = None


class WorkbookValues:
    """The cell values of a workbook package, read sheet by sheet."""

    def __init__(self, package: Package):
        self.package = package
        self.workbook_part = main_part(package)
        root = parse_xml(package.read(self.workbook_part))
        targets = {rel.id: rel for rel in relationships(package, self.workbook_part)}
        self.date1904 = False
        self.sheets: list[SheetEntry] = []
        owners: dict[int, str] = {}  # sheet position -> the output key its ownership marker holds
        for element in root.iter():
            name = local_name(element)
            if name == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
            elif name == "sheet":
                rel = targets.get(rel_id(element))
                part = package.find(rel.target) if rel and not rel.external else None
                kind = rel.type.rsplit("/", 1)[-1] if rel else "missing"
                self.sheets.append(SheetEntry(element.get("name", ""), part, kind, element.get("state", "visible")))
            elif name == "definedName" and element.get("name") == OWNER_MARKER \
                    and (element.get("localSheetId") or "").isdigit():
                owners[int(element.get("localSheetId"))] = (element.text or "").strip().strip('"')
        for position, key in owners.items():
            if position < len(self.sheets):
                self.sheets[position] = dataclasses.replace(self.sheets[position], owner=key)
        self._strings: list[str] | None = None
        self._styles: tuple[set[int], set[int], set[int]] | None = None

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def read_sheet(self, name: str) -> RawSheet:
        entry = next(s for s in self.sheets if s.name == name)
        if entry.kind != "worksheet" or entry.part is None:
            return RawSheet(name, [], date1904=self.date1904)  # chart or dialog sheets hold no table
        rows, merged, uncached, percent = self._cells(entry.part)
        return RawSheet(name, rows, merged, uncached, self.date1904, percent, owner=entry.owner)

    # -- one sheet ---------------------------------------------------------------------------------

    def _cells(self, part: str):
        """The values row by row (``rows[0]`` is Excel row 1, as wide as the widest row that holds
        something), merged ranges, uncached formulas, and the number cells formatted as a percentage.

        A sheet spelled as Excel, LibreOffice and openpyxl spell it is scanned and converted column
        by column (:mod:`salesxl.workbook.sheetscan`, several times faster); any other is streamed row
        by row through the XML parser (a long sheet never sits in memory as a tree), each row going
        straight into the list of rows.
        """
        data = self.package.read(part)
        scanned = scan_cells(data, lambda: self.strings, self.date_styles, self.percent_styles, self._date,
                             lambda element: rich_text(parse_xml(element)), unescape, iso_date)
        if scanned is not None:
            return scanned
        found: dict[int, list] = {}  # Excel row -> [(col, value), ...] of the cells that hold something
        merged: list[tuple[int, int, int, int]] = []
        uncached: set[tuple[int, int]] = set()
        percent: set[tuple[int, int]] = set()
        percent_styles = self.percent_styles
        columns = COLUMN_NUMBERS
        row = col = 0
        width = height = 0
        current_row = None
        events = etree.iterparse(BytesIO(data), events=("end",), tag=("{*}row", "{*}mergeCell"),
                                 resolve_entities=False, no_network=True, huge_tree=True)
        for _, element in events:
            tag = element.tag
            if tag[-1] == "l":  # mergeCell
                if element.get("ref"):
                    c1, r1, c2, r2 = range_boundaries(element.get("ref"))
                    merged.append((r1, c1, r2, c2))
                continue
            for cell in element:
                name = cell.tag
                if not isinstance(name, str) or name[-1] != "c" or (len(name) > 1 and name[-2] != "}"):
                    continue
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters) or column_index_from_string(letters)
                    row = int(ref[len(letters):])
                else:  # a writer that leaves out cell references: count rows and cells
                    if element is not current_row:
                        current_row = element
                        row = int(element.get("r") or row + 1)
                        col = 0
                    col += 1
                value, formula_without_value = self._value(cell)
                if formula_without_value:
                    uncached.add((row, col))
                elif value is None:
                    continue
                elif percent_styles and type(value) in (int, float) and int(cell.get("s") or 0) in percent_styles:
                    percent.add((row, col))
                found.setdefault(row, []).append((col, value))
                if col > width:
                    width = col
                if row > height:
                    height = row
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]  # rows already read: keep memory flat on long sheets
        rows = [None] * height
        for r, cells in found.items():
            line = rows[r - 1] = [None] * width
            for c, value in cells:
                if value is not None or line[c - 1] is None:
                    line[c - 1] = value
        for r in range(height):
            if rows[r] is None:
                rows[r] = [None] * width
        return rows, merged, uncached, percent

    def _value(self, cell) -> tuple[Any, bool]:
        """A cell's value as Excel last showed it, and whether it is a formula never calculated."""
        kind = cell.get("t", "n")
        formula = value = None
        inline = None
        for child in cell:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag[-1] == "v" and (tag == "v" or tag[-2] == "}"):
                value = child.text or ""
            elif tag[-1] == "f" and (tag == "f" or tag[-2] == "}"):
                formula = child
            elif tag[-2:] == "is" and (tag == "is" or tag[-3] == "}"):
                inline = child
        if kind == "inlineStr":
            return (rich_text(inline) if inline is not None else None), False
        if value is None or (value == "" and kind != "str"):
            return None, formula is not None
        if kind == "s":
            return self.strings[int(value)], False
        if kind == "str":
            return unescape(value), False
        if kind == "b":
            return value.strip() in ("1", "true"), False
        if kind == "e":
            return value.strip(), False
        if kind == "d":
            return iso_date(value), False
        number = float(value) if "." in value or "e" in value or "E" in value else int(value)
        style = int(cell.get("s") or 0)
        dates, durations = self.date_styles
        if style in dates:
            return self._date(number, style in durations), False
        return number, False

    def _date(self, number: int | float, duration: bool) -> Any:
        """A serial number in a date-formatted cell as the date (or time, or duration) Excel shows."""
        epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
        try:
            return from_excel(number, epoch, timedelta=duration)
        except (OverflowError, ValueError):
            return "#VALUE!"

    # -- shared parts, read once -------------------------------------------------------------------

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            part = self._related("sharedStrings")
            if part:
                for event, item in etree.iterparse(BytesIO(self.package.read(part)), events=("end",),
                                                   resolve_entities=False, no_network=True, huge_tree=True):
                    if local_name(item) == "si":
                        self._strings.append(rich_text(item))
                        item.clear()
        return self._strings

    @property
    def date_styles(self) -> tuple[set[int], set[int]]:
        """Indexes of the cell styles whose number format shows a date (and those showing a duration)."""
        return self._style_kinds()[:2]

    @property
    def percent_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format shows a percentage (1.2 as 120 %)."""
        return self._style_kinds()[2]

    def _style_kinds(self) -> tuple[set[int], set[int], set[int]]:
        if self._styles is None:
            dates: set[int] = set()
            durations: set[int] = set()
            percents: set[int] = set()
            part = self._related("styles")
            if part:
                root = parse_xml(self.package.read(part))
                custom = {int(f.get("numFmtId")): f.get("formatCode", "")
                          for f in root.iter() if local_name(f) == "numFmt" and f.get("numFmtId", "").isdigit()}
                cell_xfs = next((e for e in root if local_name(e) == "cellXfs"), None)
                for i, xf in enumerate(x for x in (cell_xfs if cell_xfs is not None else ()) if local_name(x) == "xf"):
                    number = int(xf.get("numFmtId") or 0)
                    code = custom.get(number) or BUILTIN_FORMATS.get(number) or CJK_DATE_FORMATS.get(number)
                    if is_date_format(code):
                        dates.add(i)
                        if is_timedelta_format(code):
                            durations.add(i)
                    elif code and "%" in QUOTED.sub("", code):
                        percents.add(i)
            self._styles = dates, durations, percents
        return self._styles

    def _related(self, kind: str) -> str | None:
        for rel in relationships(self.package, self.workbook_part):
            if rel.type.rsplit("/", 1)[-1] == kind and not rel.external:
                return self.package.find(rel.target)
        return None


def rel_id(element) -> str | None:
    """The ``r:id`` of an element, whatever prefix or namespace (transitional or strict) it uses."""
    return next((v for k, v in element.attrib.items() if k.endswith("}id")), None)


def rich_text(element) -> str:
    """The text of a string item: plain ``<t>`` or rich-text runs ``<r><t>``, without phonetic guides (``rPh``)."""
    if len(element) == 1:  # the usual item, one plain <t>: no list of runs to build
        tag = element[0].tag
        if isinstance(tag, str) and (tag == "t" or tag.endswith("}t")):
            return unescape(element[0].text or "")
    parts = []
    for child in element:
        name = local_name(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local_name(t) == "t")
    return unescape("".join(parts))


def unescape(text: str) -> str:
    """Excel writes control characters as ``_x000D_``; turn them back into characters."""
    return ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def iso_date(text: str) -> dt.datetime | dt.date | dt.time | str:
    """A ``t="d"`` cell: an ISO 8601 date, time or both."""
    text = text.strip()
    for parse in (dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            return parse(text.rstrip("Z"))
        except ValueError:
            continue
    return text
