"""Reading a long sheet fast: one pattern finds every cell, and the values are converted column-wise.

The XML reader in :mod:`salesxl.workbook.xlsxread` takes every cell through the parser one by one,
a few microseconds each: 20 seconds for the million cells of a large History sheet. But the sheets
Excel, LibreOffice, openpyxl and salesxl write all spell a cell the same way::

    <c r="B7" s="3" t="s"><v>12</v></c>      <c r="C7"><f>B7*2</f><v>24</v></c>

So this module finds every cell with one regular expression (the scanning runs in C), then turns
the found text into values a kind at a time with numpy and pandas: numbers parsed as arrays, each
distinct shared string, inline string, date or error converted once. The result is exactly what the
XML reader gives (:func:`scan_cells` returns the same rows, merged ranges, uncached formulas and
percentage cells; ``tests/workbook/test_sheetscan.py`` compares the two on every workbook in the tests
and on generated sheets).

Anything unusual makes :func:`scan_cells` answer None and the XML reader reads the sheet: a cell
spelled another way (attributes in another order, a prefixed namespace, rich content inside ``<v>``),
a DOCTYPE, comment, CDATA section or processing instruction, an entity XML does not define, bytes
that are not UTF-8, a cell type it does not know. It never guesses: the number of cells it found must
equal the number of ``<c`` tags in the sheet, or it gives up.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pandas as pd
from openpyxl.utils.cell import column_index_from_string, range_boundaries

CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?([^>]*?)'
    rb'(?:/>|>\s*(<f[^>]*/>|<f[^>]*>[^<]*</f>)?\s*(<v>|<v/>)?(?:(?<=<v>)([^<]*)</v>)?\s*(<is>.*?</is>)?\s*</c>)', re.S)
"""One cell: column letters, row, style, type, other attributes, formula, ``<v>`` or ``<v/>``, the value, ``<is>``."""
CHUNK = 4 << 20
"""Bytes of sheet XML scanned at a time (cut at a row's end): the found text of a million cells would take
more memory than their values."""
CELL_TAG = re.compile(rb"<c[\s/>]")
MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"\s*/>')
MERGE_TAG = re.compile(rb"<mergeCell[\s/>]")
PREFIXED = re.compile(rb":(?:c|row|v|f|is|t|r|sheetData|mergeCell)[\s/>]")
"""Cells written with a namespace prefix (``<x:c r="A1">``): the pattern would not see them. Text that merely
contains one of these (``note:c ...``) is left to the parser too. Colons are rare in sheet XML, so this is quick."""
OTHER_ATTRIBUTE = re.compile(rb"\s(?:r|s|t)\s*=")
PLAIN_INLINE = re.compile(rb'<is>\s*<t(?: xml:space="preserve")?>([^<]*)</t>\s*</is>')
ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
KNOWN_TYPES = {b"", b"n", b"s", b"str", b"inlineStr", b"b", b"e", b"d"}


class NotPlain(Exception):
    """The sheet is spelled in a way this scanner does not read; the XML reader will."""


def scan_cells(data: bytes, strings: Callable[[], list[str]], date_styles: tuple[set[int], set[int]],
               percent_styles: set[int], to_date: Callable, rich_text: Callable[[bytes], str],
               unescape: Callable[[str], str], iso_date: Callable[[str], Any]):
    """``(rows, merged, uncached, percent)`` as :meth:`WorkbookValues._cells` gives them, or None.

    ``strings`` gives the shared strings (called only when a cell uses one); ``to_date`` turns a
    serial number into a date in the workbook's date system; ``rich_text`` reads an ``<is>`` element;
    ``unescape`` and ``iso_date`` are the XML reader's own, so both readers agree by construction.
    """
    try:
        return _scan(data, strings, date_styles, percent_styles, to_date, rich_text, unescape, iso_date)
    except (NotPlain, ValueError, OverflowError, IndexError, UnicodeDecodeError):
        return None


def _scan(data, strings, date_styles, percent_styles, to_date, rich_text, unescape, iso_date):
    start = body_start(data)
    if data.find(b"<!", start) >= 0 or data.find(b"<?", start) >= 0 or PREFIXED.search(data, start):
        raise NotPlain
    merged = merged_ranges(data, max(data.rfind(b"</sheetData>"), 0))
    convert = Converter(strings, date_styles, percent_styles, to_date, rich_text, unescape, iso_date)
    parts = []
    while start < len(data):
        end = data.find(b"</row>", start + CHUNK)
        end = len(data) if end < 0 else end + len(b"</row>")
        found = CELL.findall(data, start, end)
        if len(found) != len(CELL_TAG.findall(data, start, end)):
            raise NotPlain
        if found:
            parts.append(convert(found))
        start = end
    if not parts:
        return [], merged, set(), set()
    rows, cols, values, uncached_mask, percent_mask = (np.concatenate(p) for p in zip(*parts))
    counted = (values != None) | uncached_mask  # noqa: E711 -- elementwise, on an object array
    if not counted.any():
        return [], merged, set(), set()
    height, width = int(rows[counted].max()), int(cols[counted].max())
    grid = np.full((height, width), None, dtype=object)
    held = values != None  # noqa: E711
    grid[rows[held] - 1, cols[held] - 1] = values[held]
    uncached = set(zip(rows[uncached_mask].tolist(), cols[uncached_mask].tolist()))
    percent = set(zip(rows[percent_mask].tolist(), cols[percent_mask].tolist()))
    return grid.tolist(), merged, uncached, percent


def body_start(data: bytes) -> int:
    """Where the elements start: after a UTF-8 byte order mark and the XML declaration. A part in any
    other encoding (UTF-16, GBK...) is the parser's to read."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"<?xml", start):
        end = data.find(b"?>", start)
        encoding = DECLARED_ENCODING.search(data, start, end)
        if end < 0 or (encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8")):
            raise NotPlain
        return end + 2
    if not data.startswith(b"<", start):
        raise NotPlain
    return start


DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class Converter:
    """Turns the text the pattern found into cell values, a kind of cell at a time."""

    def __init__(self, strings, date_styles, percent_styles, to_date, rich_text, unescape, iso_date):
        self.strings, self.date_styles, self.percent_styles, self.to_date = strings, date_styles, percent_styles, to_date
        self.rich_text, self.unescape, self.iso_date = rich_text, unescape, iso_date
        self._shared: np.ndarray | None = None

    def shared_strings(self) -> np.ndarray:
        if self._shared is None:
            self._shared = np.array(self.strings() + [None], dtype=object)[:-1]  # an object array even if empty
        return self._shared

    def __call__(self, found: list[tuple]):
        """``(rows, cols, values, uncached, percent)`` of the found cells, as arrays."""
        table = np.array(found, dtype=object)
        letters, row_text, style_text, kind_text, others, formula, value_tag, text, inline = table.T
        if any(OTHER_ATTRIBUTE.search(o) for o in pd.unique(others)):
            raise NotPlain  # r, s or t in another order: the pattern read the cell wrongly
        kind_codes, kind_names = pd.factorize(kind_text)
        if not set(kind_names) <= KNOWN_TYPES:
            raise NotPlain

        def of_kind(*names: bytes) -> np.ndarray:
            return np.isin(kind_codes, [i for i, name in enumerate(kind_names) if name in names])

        rows = row_text.astype(np.int64)
        cols = by_distinct(letters, lambda u: column_index_from_string(u.decode())).astype(np.int64)
        styles = np.zeros(len(table), dtype=np.int64)
        styled = style_text != b""
        styles[styled] = style_text[styled].astype(np.int64)

        values = np.full(len(table), None, dtype=object)
        is_inline = of_kind(b"inlineStr")
        # A <v> that is missing, or empty outside a formula string, holds nothing (a formula there was never calculated).
        empty = ~is_inline & ((value_tag == b"") | ((text == b"") & ~of_kind(b"str")))
        uncached = empty & (formula != b"")
        filled = ~is_inline & ~empty

        number = filled & of_kind(b"", b"n")
        percent = np.zeros(len(table), dtype=bool)
        if number.any():
            values[number], percent[number] = numbers(text[number], styles[number], self.date_styles,
                                                      self.percent_styles, self.to_date)
        shared = filled & of_kind(b"s")
        if shared.any():
            values[shared] = self.shared_strings()[text[shared].astype(np.int64)]
        unescape, iso_date = self.unescape, self.iso_date
        for kind, convert in ((b"str", lambda t: unescape(xml_text(t))),
                              (b"b", lambda t: xml_text(t).strip() in ("1", "true")),
                              (b"e", lambda t: xml_text(t).strip()), (b"d", lambda t: iso_date(xml_text(t)))):
            where = filled & of_kind(kind)
            if where.any():
                values[where] = by_distinct(text[where], convert)
        has_inline = is_inline & (inline != b"")
        if has_inline.any():
            values[has_inline] = by_distinct(inline[has_inline], lambda e: inline_text(e, self.rich_text, unescape))
        return rows, cols, values, uncached, percent


def numbers(text: np.ndarray, styles: np.ndarray, date_styles, percent_styles, to_date):
    """Number cells: whole numbers as int, others as float; dates by their style; which are percentages."""
    as_bytes = np.array(text.tolist(), dtype=bytes)
    fractional = ((np.char.find(as_bytes, b".") >= 0) | (np.char.find(as_bytes, b"e") >= 0)
                  | (np.char.find(as_bytes, b"E") >= 0))
    out = np.empty(len(text), dtype=object)
    if fractional.any():
        out[fractional] = as_bytes[fractional].astype(np.float64).tolist()
    if (~fractional).any():
        whole = as_bytes[~fractional]
        if (np.char.str_len(whole) > 18).any():
            raise NotPlain  # beyond int64: leave it to Python's int()
        out[~fractional] = whole.astype(np.int64).tolist()
    dates, durations = date_styles
    is_date = np.isin(styles, list(dates)) if dates else np.zeros(len(text), dtype=bool)
    if is_date.any():
        keys = pd.Series(list(zip(out[is_date].tolist(), np.isin(styles[is_date], list(durations)).tolist())),
                         dtype=object)
        out[is_date] = by_distinct(keys.to_numpy(), lambda k: to_date(*k))
    percent = np.zeros(len(text), dtype=bool)
    if percent_styles:
        percent = np.isin(styles, list(percent_styles)) & ~is_date
    return out, percent


def by_distinct(items: np.ndarray, convert: Callable[[Any], Any]) -> np.ndarray:
    """``convert`` applied to each item, called once per distinct item (they repeat down a long sheet)."""
    codes, distinct = pd.factorize(pd.Series(items, dtype=object), use_na_sentinel=False)
    converted = np.empty(len(distinct), dtype=object)
    converted[:] = [convert(d) for d in distinct]
    return converted[codes]


def inline_text(element: bytes, rich_text, unescape) -> str:
    plain = PLAIN_INLINE.fullmatch(element)
    if plain:
        return unescape(xml_text(plain.group(1)))
    return rich_text(element)


def xml_text(raw: bytes) -> str:
    """Element text as an XML parser gives it: line ends normalised, character and entity references resolved."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        if text.count("&") != len(ENTITY.findall(text)):
            raise NotPlain  # an entity only a DTD could define, or a stray &: the parser decides
        text = ENTITY.sub(entity, text)
    return text


def entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return NAMED[name]


def merged_ranges(data: bytes, start: int = 0) -> list[tuple[int, int, int, int]]:
    """Merged ranges, listed after the cells (from ``start``, the end of the sheet data)."""
    found = MERGE.findall(data, start)
    if len(found) != len(MERGE_TAG.findall(data, start)):
        raise NotPlain
    merged = []
    for ref in found:
        c1, r1, c2, r2 = range_boundaries(ref.decode())
        merged.append((r1, c1, r2, c2))
    return merged
