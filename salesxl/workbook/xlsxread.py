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
value. Namespaces are matched by local name, so Strict Open XML files read too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from .backend import RawSheet
from .package import Package, local_name, main_part, parse_xml, relationships

CJK_DATE_FORMATS = {
    # Built-in formats of East Asian Excel that files reference by number without defining them
    # (ECMA-376 Part 1, 18.8.30): Chinese Excel stores 2026年2月1日 as 31, 2026年2月 as 57, and so on.
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: 'h"时"mm"分"', 35: 'h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: 'h"时"mm"分"', 56: 'h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}
ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class SheetEntry:
    """One tab of the workbook: name, part, kind (worksheet, chartsheet, ...) and visibility."""

    name: str
    part: str | None
    kind: str
    state: str = "visible"


class WorkbookValues:
    """The cell values of a workbook package, read sheet by sheet."""

    def __init__(self, package: Package):
        self.package = package
        self.workbook_part = main_part(package)
        root = parse_xml(package.read(self.workbook_part))
        targets = {rel.id: rel for rel in relationships(package, self.workbook_part)}
        self.date1904 = False
        self.sheets: list[SheetEntry] = []
        for element in root.iter():
            name = local_name(element)
            if name == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
            elif name == "sheet":
                rel = targets.get(rel_id(element))
                part = package.find(rel.target) if rel and not rel.external else None
                kind = rel.type.rsplit("/", 1)[-1] if rel else "missing"
                self.sheets.append(SheetEntry(element.get("name", ""), part, kind, element.get("state", "visible")))
        self._strings: list[str] | None = None
        self._styles: tuple[set[int], set[int]] | None = None

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def read_sheet(self, name: str) -> RawSheet:
        entry = next(s for s in self.sheets if s.name == name)
        if entry.kind != "worksheet" or entry.part is None:
            return RawSheet(name, [], date1904=self.date1904)  # chart or dialog sheets hold no table
        cells, merged, uncached = self._cells(entry.part)
        width = max((c for _, c in cells), default=0)
        height = max((r for r, _ in cells), default=0)
        rows = [[None] * width for _ in range(height)]
        for (r, c), value in cells.items():
            rows[r - 1][c - 1] = value
        return RawSheet(name, rows, merged, uncached, self.date1904)

    # -- one sheet ---------------------------------------------------------------------------------

    def _cells(self, part: str):
        """``{(row, col): value}`` of the cells that hold something, merged ranges, uncached formulas."""
        cells: dict[tuple[int, int], Any] = {}
        merged: list[tuple[int, int, int, int]] = []
        uncached: set[tuple[int, int]] = set()
        row = col = 0
        current_row = None
        events = etree.iterparse(BytesIO(self.package.read(part)), events=("end",), tag=("{*}c", "{*}mergeCell"),
                                 resolve_entities=False, no_network=True, huge_tree=True)
        for _, element in events:
            if element.tag.endswith("mergeCell"):
                if element.get("ref"):
                    c1, r1, c2, r2 = range_boundaries(element.get("ref"))
                    merged.append((r1, c1, r2, c2))
                continue
            ref = element.get("r")
            if ref:
                row, col = coordinate_to_tuple(ref)
            else:  # a writer that leaves out cell references: count rows and cells
                parent = element.getparent()
                if parent is not current_row:
                    current_row = parent
                    row = int(parent.get("r") or row + 1) if parent is not None else row + 1
                    col = 0
                col += 1
            value, formula_without_value = self._value(element)
            if formula_without_value:
                uncached.add((row, col))
                cells.setdefault((row, col), None)
            elif value is not None:
                cells[(row, col)] = value
            element.clear()
            line = element.getparent()
            while line is not None and line.getprevious() is not None:
                del line.getparent()[0]  # rows already read: keep memory flat on long sheets
        return cells, merged, uncached

    def _value(self, cell) -> tuple[Any, bool]:
        """A cell's value as Excel last showed it, and whether it is a formula never calculated."""
        kind = cell.get("t", "n")
        formula = value = None
        inline = None
        for child in cell:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            name = tag[tag.rfind("}") + 1:]
            if name == "v":
                value = child.text or ""
            elif name == "f":
                formula = child
            elif name == "is":
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
        number = float(value) if any(ch in value for ch in ".eE") else int(value)
        style = int(cell.get("s") or 0)
        dates, durations = self.date_styles
        if style in dates:
            epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
            try:
                return from_excel(number, epoch, timedelta=style in durations), False
            except (OverflowError, ValueError):
                return "#VALUE!", False
        return number, False

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
        if self._styles is None:
            dates: set[int] = set()
            durations: set[int] = set()
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
            self._styles = dates, durations
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
