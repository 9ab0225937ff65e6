"""Reading a long sheet fast: one pattern finds every cell, and the values are converted column-wise.

The XML reader in :mod:`salesxl.workbook.xlsxread` takes every cell through the parser one by one,
a few microseconds each: 20 seconds for the million cells of a large History sheet. But the sheets
Excel, LibreOffice, openpyxl and salesxl write all spell a cell the same way::

    <c r="B7" s="3" t="s"><v>12</v></c>      <c r="C7"><f>B7*2</f><v>24</v></c>

So this module finds every cell with one regular expression (the scanning runs in C), then turns
the found text into values a kind at a time with numpy and pandas: numbers parsed as arrays, each
distinct shared string, inline string, date or error converted once. Most chunks of a long sheet are
plainer still — numbers, shared and inline strings, nothing between a cell's tags — and those are read
without the pattern at all: their tags and attributes are found with array operations on the bytes
(:func:`plain_cells`, about twice as fast again). A long sheet is read 4 MB at a time, two chunks at
once on two threads (:func:`each_chunk`: numpy lets go of the GIL). The result is exactly what the
XML reader gives (:func:`scan_cells` returns the same rows, merged ranges, uncached formulas and
percentage cells; ``tests/workbook/test_sheetscan.py`` compares the two on every workbook in the tests
and on generated sheets).

Anything unusual makes :func:`scan_cells` answer None and the XML reader reads the sheet: a cell
spelled another way (attributes in another order, a prefixed namespace, rich content inside ``<v>``),
a DOCTYPE, comment, CDATA section or processing instruction, an entity XML does not define, bytes
that are not UTF-8, a cell type it does not know. It never guesses: the number of cells it found must
equal the number of ``<c`` tags in the sheet, or it gives up.

Over 600 lines because the scanner and its refusals belong together: every shortcut it takes is paired
with the check that sends an unusual sheet back to the XML reader.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np
import pandas as pd
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from .backend import GridRows

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
    except (NotPlain, ValueError, OverflowError, IndexError, UnicodeDecodeError,
            SyntaxError):  # lxml's XMLSyntaxError: an <is> the parser alone can judge
        return None


def _scan(data, strings, date_styles, percent_styles, to_date, rich_text, unescape, iso_date):
    start = body_start(data)
    if PREFIXED.search(data, start):
        raise NotPlain
    merged = merged_ranges(data, max(data.rfind(b"</sheetData>"), 0))
    convert = Converter(strings, date_styles, percent_styles, to_date, rich_text, unescape, iso_date)
    parts = [cells for cells in each_chunk(lambda bounds: chunk_cells(data, *bounds, convert), chunks(data, start))
             if cells is not None and len(cells[0])]
    if not parts:
        return [], merged, set(), set()
    # Each chunk's cells go straight into the grid (joining the chunks first would copy every value once more).
    held = [values != None for _, _, values, _, _ in parts]  # noqa: E711 -- elementwise, on an object array
    counted = [(rows[h | u], cols[h | u]) for (rows, cols, _, u, _), h in zip(parts, held)]
    height = max((int(rows.max()) for rows, _ in counted if len(rows)), default=0)
    if not height:
        return [], merged, set(), set()
    width = max(int(cols.max()) for _, cols in counted if len(cols))
    grid = np.full((height, width), None, dtype=object)
    uncached, percent = set(), set()
    for (rows, cols, values, uncached_mask, percent_mask), h in zip(parts, held):
        grid[rows[h] - 1, cols[h] - 1] = values[h]
        uncached.update(zip(rows[uncached_mask].tolist(), cols[uncached_mask].tolist()))
        percent.update(zip(rows[percent_mask].tolist(), cols[percent_mask].tolist()))
    return GridRows(grid), merged, uncached, percent


def chunks(data: bytes, start: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each chunk of about :data:`CHUNK` bytes, each cut just after a row's end."""
    bounds = []
    while start < len(data):
        end = data.find(b"</row>", start + CHUNK)
        end = len(data) if end < 0 else end + len(b"</row>")
        bounds.append((start, end))
        start = end
    return bounds


def each_chunk(read: Callable[[tuple[int, int]], Any], bounds: list[tuple[int, int]]) -> list:
    """``read`` of each chunk, in order: on :data:`SCANNERS` threads when there is more than one chunk.

    Most of a chunk's reading is numpy working on whole arrays, which lets go of the GIL, so two
    chunks read at once take about two thirds of the time of one after the other (the large History:
    5.8 s -> 4.0 s on two cores). The chunks' results are the same either way, and come in order.
    """
    if len(bounds) <= 1 or SCANNERS <= 1:
        return [read(b) for b in bounds]
    with ThreadPoolExecutor(max_workers=SCANNERS, thread_name_prefix="salesxl-scan") as scanners:
        futures = [scanners.submit(read, b) for b in bounds]
        try:
            return [future.result() for future in futures]
        finally:  # a chunk that is not plain ends the scan: the chunks not yet begun are not read
            for future in futures:
                future.cancel()


SCANNERS = 2
"""Chunks of a long sheet read at the same time, each on its own thread."""


def chunk_cells(data: bytes, start: int, end: int, convert: "Converter"):
    """``(rows, cols, values, uncached, percent)`` of the cells in ``data[start:end]``: by the plain path
    if the chunk is plainly written, else by the pattern; :class:`NotPlain` if neither reads it."""
    cells = plain_cells(data, start, end, convert) if PLAIN_PATH else None
    if cells is None:  # something the plain path does not read: the pattern reads this chunk
        if data.find(b"<!", start, end) >= 0 or data.find(b"<?", start, end) >= 0:
            raise NotPlain  # a DOCTYPE, comment, CDATA section or processing instruction: the parser reads the sheet
        found = CELL.findall(data, start, end)
        if len(found) != len(CELL_TAG.findall(data, start, end)) or cells_outside_rows(data, start, end):
            raise NotPlain
        cells = convert(found) if found else None
    return cells


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
        self.unescape, self.iso_date = unescape, iso_date
        self._rich_text = rich_text
        self._shared: np.ndarray | None = None
        self._lock = threading.RLock()

    def rich_text(self, element: bytes) -> str:
        with self._lock:  # the XML reader's parser is one object: chunks on two threads take turns with it
            return self._rich_text(element)

    def shared_strings(self) -> np.ndarray:
        with self._lock:  # chunks are converted on two threads: the strings are read once
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
    return number_values(np.array(text.tolist(), dtype=bytes), styles, date_styles, percent_styles, to_date)


def number_values(as_bytes: np.ndarray, styles: np.ndarray, date_styles, percent_styles, to_date):
    """:func:`numbers` of the cells' text as a fixed-width bytes array."""
    fractional = ((np.char.find(as_bytes, b".") >= 0) | (np.char.find(as_bytes, b"e") >= 0)
                  | (np.char.find(as_bytes, b"E") >= 0))
    out = np.empty(len(as_bytes), dtype=object)
    if fractional.any():
        out[fractional] = as_bytes[fractional].astype(np.float64).tolist()
    if (~fractional).any():
        whole = as_bytes[~fractional]
        if (np.char.str_len(whole) > 18).any():
            raise NotPlain  # beyond int64: leave it to Python's int()
        out[~fractional] = whole.astype(np.int64).tolist()
    dates, durations = date_styles
    is_date = np.isin(styles, list(dates)) if dates else np.zeros(len(as_bytes), dtype=bool)
    if is_date.any():
        keys = pd.Series(list(zip(out[is_date].tolist(), np.isin(styles[is_date], list(durations)).tolist())),
                         dtype=object)
        out[is_date] = by_distinct(keys.to_numpy(), lambda k: to_date(*k))
    percent = np.zeros(len(as_bytes), dtype=bool)
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


# ---- the plain path: the cells of a plainly written chunk found with numpy, no pattern at all --------------------
#
# salesxl, openpyxl and Excel write most cells of a long sheet in one of three shapes, with nothing between the tags:
#
#     <c r="B7" s="3"/>      <c r="B7" s="3" t="n"><v>45261</v></c>      <c r="C7" t="inlineStr"><is><t>华东</t></is></c>
#
# (or ``t="s"`` with a shared string's number in ``<v>``). Where every ``<`` of a chunk opens one of these tags,
# each tag can be told by its first bytes, each cell by the tags that follow it, and the ``r``, ``s`` and ``t``
# attributes read as columns of bytes: a few dozen array operations for a hundred thousand cells, instead of
# a pattern match per cell. Anything else in the chunk — a formula, a boolean or error cell, whitespace inside
# a cell, an attribute the pattern would have to judge — and :func:`plain_cells` answers None, so the pattern
# reads that chunk; both give the same values (the tests compare them, and both with the XML parser).

PLAIN_PATH = True
"""Whether :func:`plain_cells` is tried first (the tests switch it off to compare with the pattern)."""
LT, GT, SLASH, QUOTE, BANG, QUESTION = ord("<"), ord(">"), ord("/"), ord('"'), ord("!"), ord("?")
OTHER, ROW, ROW_END, CELL_OPEN, CELL_END, V, V_END, IS, IS_END, T, T_END = range(11)
TAGS = [  # (the bytes after "<", the tag's whole length up to ">" or 0 for longer, the tag)
    (b"row ", 0, ROW), (b"row>", 4, ROW), (b"/row", 5, ROW_END), (b"c r=", 0, CELL_OPEN), (b"/c>", 3, CELL_END),
    (b"v>", 2, V), (b"/v>", 3, V_END), (b"is>", 3, IS), (b"/is>", 4, IS_END), (b"t>", 2, T),
    (b't xml:space="preserve">', 23, T), (b"/t>", 3, T_END),
]
BY_FIRST_TWO = {}
"""The first two bytes after "<" -> the tags that start so (one or two)."""
for _text, _whole, _kind in TAGS:
    BY_FIRST_TWO.setdefault(_text[:2], []).append((_text, _whole, _kind))
PLAIN_KINDS = [b"", b"n", b"s", b"inlineStr"]
"""The cell types the plain path reads (``t`` absent, number, shared string, inline string), by code."""
WIDEST_TEXT = 256
"""Longest number, string number or inline text the plain path reads; a longer one goes to the pattern."""


def plain_cells(data: bytes, start: int, end: int, convert: Converter):
    """``(rows, cols, values, uncached, percent)`` of the cells in ``data[start:end]``, as :class:`Converter`
    gives them, or None when the chunk is not plainly written."""
    chunk = np.frombuffer(data, np.uint8, end - start, start)
    lt, gt = tag_bounds(chunk)
    if lt is None or len(lt) == 0:
        return None  # no tag, or a ">" in text or an attribute: not plain
    padded = np.concatenate([chunk, np.zeros(WIDEST_TEXT + 32, np.uint8)])
    if ((padded[lt + 1] == BANG) | (padded[lt + 1] == QUESTION)).any():
        return None  # a DOCTYPE, comment, CDATA section or processing instruction
    tags = tag_kinds(padded, lt, gt)
    row_tags = np.flatnonzero((tags == ROW) | (tags == ROW_END))
    if len(row_tags) == 0:
        return None
    first, last = row_tags[0], row_tags[-1]
    outside = np.r_[0:first, last + 1:len(lt)]
    if (tags[first:last + 1] == OTHER).any() or cell_tags(padded, lt[outside]).any():
        return None  # a tag the plain path does not know among the rows, or a cell outside them
    if not cells_in_rows(padded, lt, gt, tags == ROW, tags == ROW_END, tags == CELL_OPEN):
        return None
    opens = first + np.flatnonzero(tags[first:last + 1] == CELL_OPEN)
    cells = plain_cell_shapes(tags, lt, gt, padded, opens)
    if cells is None:
        return None
    has_value, has_inline, value_at, inline_at, closed = cells
    covered = np.bincount(np.concatenate([row_tags, opens, closed, *value_at, *inline_at]), minlength=len(lt))
    if (covered[first:last + 1] != 1).any():
        return None  # a tag that belongs to no cell, or to two
    attributes = cell_attributes(chunk, padded, lt[opens] + 2,
                                 np.where(padded[gt[opens] - 1] == SLASH, gt[opens] - 1, gt[opens]))
    if attributes is None:
        return None
    rows, cols, styles, kinds = attributes
    return plain_values(padded, lt, gt, has_value, has_inline, value_at, inline_at, rows, cols, styles, kinds,
                        convert)


def tag_bounds(chunk: np.ndarray):
    """Where each tag's ``<`` and ``>`` are, when every ``<`` is followed by its own ``>`` before the next ``<``
    (so neither stands in text or an attribute); ``(None, None)`` when not."""
    lt, gt = np.flatnonzero(chunk == LT), np.flatnonzero(chunk == GT)
    if len(lt) != len(gt) or (lt > gt).any() or (gt[:-1] > lt[1:]).any():
        return None, None
    return lt, gt


def tag_kinds(padded: np.ndarray, lt: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Which of :data:`TAGS` starts at each ``<`` (:data:`OTHER` for any other tag), told by its first bytes
    and its length."""
    first_two = padded[lt + 1].astype(np.uint16) << 8 | padded[lt + 2]
    length = gt - lt
    kinds = np.full(len(lt), OTHER, dtype=np.int8)
    for two, spellings in BY_FIRST_TWO.items():
        at = np.flatnonzero(first_two == (two[0] << 8 | two[1]))
        for text, whole, kind in spellings:
            candidate = length[at] == whole if whole else length[at] > len(text)
            for i, byte in enumerate(text[2:], start=2):
                candidate &= padded[lt[at] + 1 + i] == byte
            kinds[at[candidate]] = kind
    return kinds


def cells_outside_rows(data: bytes, start: int, end: int) -> bool:
    """Whether a cell of ``data[start:end]`` (whole rows) stands anywhere but right inside a row, where the XML
    parser, reading each row's cells, would not see it."""
    chunk = np.frombuffer(data, np.uint8, end - start, start)
    lt, gt = tag_bounds(chunk)
    if lt is None:
        return True  # a ">" in text or an attribute: count no further, let the parser read the sheet
    padded = np.concatenate([chunk, np.zeros(8, np.uint8)])
    row = ((padded[lt + 1] == ord("r")) & (padded[lt + 2] == ord("o")) & (padded[lt + 3] == ord("w"))
           & np.isin(padded[lt + 4], list(b" \t\r\n/>")))
    row_end = ((padded[lt + 1] == SLASH) & (padded[lt + 2] == ord("r")) & (padded[lt + 3] == ord("o"))
               & (padded[lt + 4] == ord("w")))
    return not cells_in_rows(padded, lt, gt, row, row_end, cell_tags(padded, lt))


def cells_in_rows(padded, lt, gt, row, row_end, cell) -> bool:
    """Whether every cell tag stands right inside a row: rows neither nested nor closed twice, and each cell
    one element deeper than the row it is in (not inside another element of the row). A row written
    ``<row .../>`` holds nothing."""
    closing, empty = padded[lt + 1] == SLASH, padded[gt - 1] == SLASH
    opening = np.where(closing, -1, np.where(empty, 0, 1))
    depth = np.cumsum(opening) - opening  # elements open before each tag
    rows_open = np.cumsum(row & ~empty, dtype=np.int64) - np.cumsum(row_end, dtype=np.int64)
    if not ((rows_open >= 0) & (rows_open <= 1)).all() or (rows_open[cell] != 1).any():
        return False
    row_at = np.flatnonzero(row & ~empty)
    own_row = row_at[np.searchsorted(row_at, np.flatnonzero(cell)) - 1]
    return bool((depth[cell] == depth[own_row] + 1).all())


def cell_tags(padded: np.ndarray, lt: np.ndarray) -> np.ndarray:
    """Which of these tags open a cell (``<c`` then a space, ``/`` or ``>``), as the pattern counts them."""
    return (padded[lt + 1] == ord("c")) & np.isin(padded[lt + 2], list(b" \t\r\n/>"))


def plain_cell_shapes(tags, lt, gt, padded, opens):
    """Which cells opening at tags ``opens`` hold a ``<v>`` and which an ``<is>``, and the numbers of the tags
    that belong to them: ``(has_value, has_inline, value tags, inline tags, end tags of empty cells)``.

    A cell is ``<c/>``, ``<c></c>``, ``<c><v>..</v></c>`` or ``<c><is><t>..</t></is></c>`` with nothing between
    its tags; None if any cell is shaped otherwise."""
    after = np.concatenate([tags, np.full(6, OTHER, dtype=tags.dtype)])
    lt_after = np.concatenate([lt, np.full(6, -1)])
    gt_after = np.concatenate([gt, np.full(6, -2)])

    def next_to(at: np.ndarray, k: int) -> np.ndarray:  # tag at+k starts right where tag at+k-1 ends
        return lt_after[at + k] == gt_after[at + k - 1] + 1

    self_closed = padded[gt[opens] - 1] == SLASH
    following = after[opens + 1]
    has_value = ~self_closed & (following == V)
    has_inline = ~self_closed & (following == IS)
    empty = ~self_closed & (following == CELL_END)
    if not (self_closed | has_value | has_inline | empty).all():
        return None
    v, i, e = opens[has_value], opens[has_inline], opens[empty]
    if not ((after[v + 2] == V_END) & (after[v + 3] == CELL_END) & next_to(v, 1) & next_to(v, 3)).all():
        return None
    if not ((after[i + 2] == T) & (after[i + 3] == T_END) & (after[i + 4] == IS_END) & (after[i + 5] == CELL_END)
            & next_to(i, 1) & next_to(i, 2) & next_to(i, 4) & next_to(i, 5)).all():
        return None
    if not next_to(e, 1).all():
        return None
    value_at = (v + 1, v + 2, v + 3)
    inline_at = (i + 1, i + 2, i + 3, i + 4, i + 5)
    return has_value, has_inline, value_at, inline_at, e + 1


def cell_attributes(chunk: np.ndarray, padded: np.ndarray, start: np.ndarray, end: np.ndarray):
    """``(rows, cols, styles, kinds)`` from each cell's ``r="B7" s="3" t="n"`` (the text from ``start`` to ``end``;
    ``s`` and ``t`` optional, in that order, nothing else), or None if any cell's attributes are not plainly that.

    The attributes are found by their quotes: the ``r`` value between a cell's first two, then each further
    pair must be ``s`` or ``t`` right after the last, and the last quote must end the tag.
    """
    quotes = np.flatnonzero(chunk == QUOTE)
    first = np.searchsorted(quotes, start)
    count = np.searchsorted(quotes, end) - first
    if not np.isin(count, (2, 4, 6)).all():
        return None
    quotes = np.concatenate([quotes, np.full(6, -8)])
    r_open, r_close = quotes[first], quotes[first + 1]
    if not ((r_open == start + 3) & named(padded, r_open, b" r=")).all():
        return None
    last = r_close
    s_at = np.where(count >= 4, quotes[first + 2], -8)
    has_style = (count >= 4) & named(padded, s_at, b" s=") & (s_at == last + 4)
    last = np.where(has_style, quotes[first + 3], last)
    t_pair = first + np.where(has_style, 4, 2)
    t_at = np.where(count > np.where(has_style, 4, 2), quotes[t_pair], -8)
    has_kind = (t_at >= 0) & named(padded, t_at, b" t=") & (t_at == last + 4)
    last = np.where(has_kind, quotes[t_pair + 1], last)
    if not ((last + 1 == end) & (count == 2 + 2 * has_style + 2 * has_kind)).all():
        return None  # another attribute, or these in another order: the pattern judges it
    letters = np.zeros(len(start), dtype=np.int64)
    for k in range(4):  # column letters: one to three capitals
        letters += (letters == k) & is_upper(padded[r_open + 1 + k])
    if ((letters == 0) | (letters > 3)).any():
        return None
    row = digits_value(padded, r_open + 1 + letters, r_close)
    style = digits_value(padded, s_at[has_style] + 1, quotes[first + 3][has_style], 9)
    kind = kind_codes(padded, t_at[has_kind] + 1, quotes[t_pair + 1][has_kind])
    if row is None or style is None or kind is None:
        return None
    styles = np.zeros(len(start), dtype=np.int64)
    styles[has_style] = style
    kinds = np.zeros(len(start), dtype=np.int8)  # no t: a number
    kinds[has_kind] = kind
    cols = np.zeros(len(start), dtype=np.int64)
    for k in range(3):
        cols = np.where(k < letters, cols * 26 + padded[r_open + 1 + k] - 64, cols)
    return row, cols, styles, kinds


def named(padded: np.ndarray, quote: np.ndarray, name: bytes) -> np.ndarray:
    """Whether the three bytes before each quote are ``name`` (`` r=``, `` s=``, `` t=``)."""
    found = np.ones(len(quote), dtype=bool)
    for i, byte in enumerate(name):
        found &= padded[quote - 3 + i] == byte
    return found


def digits_value(padded: np.ndarray, start: np.ndarray, end: np.ndarray, most: int = 7) -> np.ndarray | None:
    """The whole number each ``padded[start:end]`` spells: one to ``most`` digits and nothing else, or None."""
    length = end - start
    if (length < 1).any() or (length > most).any():
        return None
    value = np.zeros(len(start), dtype=np.int64)
    for k in range(int(length.max(initial=0))):
        digit = padded[start + k].astype(np.int64) - 48
        inside = k < length
        if ((digit < 0) | (digit > 9))[inside].any():
            return None
        value = np.where(inside, value * 10 + digit, value)
    return value


def kind_codes(padded: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray | None:
    """Each ``t`` value ``padded[start:end]`` as its place in :data:`PLAIN_KINDS`, or None if one is another type."""
    codes = np.full(len(start), -1, dtype=np.int8)
    length = end - start
    for code, name in enumerate(PLAIN_KINDS):
        if not name:
            continue
        at = np.flatnonzero(length == len(name))
        same = np.ones(len(at), dtype=bool)
        for i, byte in enumerate(name):
            same &= padded[start[at] + i] == byte
        codes[at[same]] = code
    return None if (codes < 0).any() else codes


def plain_values(padded, lt, gt, where_value, where_inline, value_at, inline_at, rows, cols, styles, kinds,
                 convert: Converter):
    """The cells' values from their ``<v>`` or ``<is><t>`` text, as :class:`Converter` gives them."""
    n = len(rows)
    is_inline = kinds == PLAIN_KINDS.index(b"inlineStr")
    is_shared = kinds == PLAIN_KINDS.index(b"s")
    is_number = kinds <= PLAIN_KINDS.index(b"n")
    if (where_value & is_inline).any() or (where_inline & ~is_inline).any():
        return None  # a value in a place it does not belong
    values = np.full(n, None, dtype=object)
    percent = np.zeros(n, dtype=bool)
    text = tag_text(padded, gt[value_at[0]] + 1, lt[value_at[1]])
    if text is None:
        return None
    filled = np.zeros(n, dtype=bool)
    filled[where_value] = np.char.str_len(text) > 0
    in_value = np.cumsum(where_value) - 1  # each cell's position among the cells with a <v>
    number, shared = filled & is_number, filled & is_shared
    if number.any():
        values[number], percent[number] = number_values(text[in_value[number]], styles[number], convert.date_styles,
                                                        convert.percent_styles, convert.to_date)
    if shared.any():
        indexes = text[in_value[shared]]
        if not all_digits(indexes):
            return None
        values[shared] = convert.shared_strings()[indexes.astype(np.int64)]
    if where_inline.any():
        inline = tag_text(padded, gt[inline_at[1]] + 1, lt[inline_at[2]])
        if inline is None:
            return None
        unescape = convert.unescape
        values[where_inline] = by_distinct(inline.astype(object), lambda t: unescape(xml_text(t)))
    return rows, cols, values, np.zeros(n, dtype=bool), percent


def tag_text(padded: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray | None:
    """The bytes between each ``start`` and ``end`` as a fixed-width bytes array (None if one is too long)."""
    length = end - start
    width = int(length.max(initial=0))
    if width > WIDEST_TEXT:
        return None
    if width == 0:
        return np.zeros(len(start), dtype="S1")
    text = padded[start[:, None] + np.arange(width)]
    text[np.arange(width) >= length[:, None]] = 0
    return np.ascontiguousarray(text).view(f"S{width}").ravel()


def all_digits(text: np.ndarray) -> bool:
    raw = text.view(np.uint8).reshape(len(text), -1)
    return bool((is_digit(raw) | (raw == 0)).all() and (raw[:, 0] != 0).all())


def is_digit(b):
    return (b >= 48) & (b <= 57)


def is_upper(b):
    return (b >= 65) & (b <= 90)
