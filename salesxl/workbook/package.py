"""A workbook file as a zip package whose untouched entries are copied byte for byte.

An .xlsx/.xlsm file is a zip of XML parts (Open Packaging Conventions). salesxl
edits only the few parts it owns; every other entry — pivot caches, slicers,
charts, VBA, printer settings, parts no library understands — must come out of
a run exactly as it went in. So entries are kept *raw*: the local header, the
compressed data and the data descriptor are copied as found, and so is the
central-directory record (only its offset field changes). Entries salesxl
writes are deflated with a fixed timestamp (1980-01-01, as Excel itself writes),
so the same input always gives the same bytes.

Part names and relationship targets are resolved here too (:func:`resolve`,
:func:`rels_name`), so the reader and the writer agree on them.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from typing import Iterable

from lxml import etree

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
DESCRIPTOR = b"PK\x07\x08"
DOS_DATE_1980 = (1 << 5) | 1
"""1980-01-01 as a DOS date; the time is 00:00 (0)."""
UTF8_NAME = 1 << 11
ZIP64_LIMIT = 0xFFFFFFFF
LEVEL = 6
"""zlib's default level, as the I/O floor (``benchmarks/rawxlsx.py``) and most zip writers use."""


@dataclass
class Deflated:
    """A part's content as written into the zip: deflated, with the CRC-32 and size of the content."""

    packed: bytes
    crc: int
    size: int


SEGMENT = 1 << 20
"""Content is deflated in segments of this many bytes (the last may be shorter), several at once."""
WINDOW = 32 << 10
"""How far back deflate looks for repeated text: each segment is primed with this much of the one before."""
WORKERS = 2
"""Segments compressed at the same time, each on its own thread (zlib lets go of the GIL)."""


def deflate(pieces: Iterable[bytes]) -> Deflated:
    """Deflate content given piece by piece, never holding more than a few segments of it.

    The content is cut into segments of :data:`SEGMENT` bytes, and segments are compressed on
    :data:`WORKERS` threads while the caller makes the next piece, so generating a long sheet
    and compressing it use both cores. Each segment after the first is primed with the
    :data:`WINDOW` bytes before it, as if it had been compressed in one go, and each but the
    last ends on a byte boundary (a sync flush), so the segments join into one deflate stream
    (as pigz joins them). The bytes depend only on the content, not on how it was cut into
    pieces; content of one segment or less is deflated exactly as zlib deflates it at once.
    """
    crc, size = 0, 0
    packed: list[bytes] = []
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="salesxl-deflate") as workers:
        pending: deque = deque()
        before = b""
        for segment, last in with_last(segments(pieces, SEGMENT)):
            crc = zlib.crc32(segment, crc)
            size += len(segment)
            pending.append(workers.submit(deflate_segment, segment, before, last))
            before = bytes(segment[-WINDOW:])
            while len(pending) > WORKERS:
                packed.append(pending.popleft().result())
        packed.extend(future.result() for future in pending)
    if not packed:
        packed.append(deflate_segment(b"", b"", True))
    if size >= ZIP64_LIMIT:
        raise PackageError("a part of the workbook would be too large (over 4 GB) to write")
    return Deflated(b"".join(packed), crc, size)


def deflate_segment(segment: bytes, before: bytes, last: bool) -> bytes:
    """One segment of a deflate stream: primed with the text ``before`` it, ending the stream if ``last``."""
    compressor = (zlib.compressobj(LEVEL, zlib.DEFLATED, -15, zdict=before) if before
                  else zlib.compressobj(LEVEL, zlib.DEFLATED, -15))
    return compressor.compress(segment) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def segments(pieces: Iterable[bytes], size: int):
    """The content of ``pieces`` in consecutive slices of exactly ``size`` bytes (the last may be shorter)."""
    held = bytearray()
    for piece in pieces:
        if not held and len(piece) >= size:  # a long piece: sliced where it lies, not copied
            view = memoryview(piece)
            whole = len(piece) - len(piece) % size
            for start in range(0, whole, size):
                yield view[start:start + size]
            held += view[whole:]
            continue
        held += piece
        if len(held) >= size:
            whole = len(held) - len(held) % size
            for start in range(0, whole, size):
                yield bytes(held[start:start + size])
            del held[:whole]
    if held:
        yield bytes(held)


def with_last(items):
    """``(item, is_last)`` for each item."""
    items = iter(items)
    current = next(items, None)
    if current is None:
        return
    for following in items:
        yield current, False
        current = following
    yield current, True


class PackageError(Exception):
    """The file is not a zip package salesxl can edit safely (message says why)."""


@dataclass
class Entry:
    """One zip entry: raw bytes as found, or new content written by salesxl.

    Attributes:
        name: the entry name, e.g. ``xl/workbook.xml``.
        local: local header + compressed data + data descriptor, as found (None once replaced).
        central: the central-directory record as found (None once replaced).
        data: the uncompressed content, when salesxl wrote it (or once it was read).
        deflated: the content as compressed, when salesxl wrote it piece by piece (:meth:`Package.write_pieces`).
        place: where the entry's data sat in the original file (None for a new entry); entries are
            written back in that order, which need not be the order of the zip directory.
        removed: the entry was removed; it keeps its place in case the same run writes it again.
    """

    name: str
    local: bytes | None = None
    central: bytes | None = None
    data: bytes | None = None
    deflated: Deflated | None = None
    place: int | None = None
    removed: bool = False

    @property
    def copied(self) -> bool:
        return self.local is not None


class Package:
    """The entries of a zip package in their original order; read, replace, add, remove."""

    def __init__(self, blob: bytes):
        self.blob = blob
        try:
            self.zip = zipfile.ZipFile(BytesIO(blob))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise PackageError(f"not a valid zip file ({exc})") from exc
        self.comment = self.zip.comment
        self.entries: list[Entry] = []
        centrals = list(central_records(blob))
        if len(centrals) != len(infos):
            raise PackageError("the zip directory is inconsistent")
        for info, central in zip(infos, centrals):
            if info.file_size >= ZIP64_LIMIT or info.compress_size >= ZIP64_LIMIT or info.header_offset >= ZIP64_LIMIT:
                raise PackageError("the file is too large (over 4 GB) to be edited safely")
            self.entries.append(Entry(info.filename, local_record(blob, info), central, place=info.header_offset))
        self._infos = {info.filename: info for info in infos}
        # Entries by name, by name without case and by part name without case (Windows separators made
        # forward), each list in the order of ``entries``: a lookup is a dict access, not a pass over a
        # package that may hold thousands of parts (a table part per rep's block on a weekly review).
        self._by_name: dict[str, list[Entry]] = {}
        self._by_case: dict[str, list[Entry]] = {}
        self._by_part: dict[str, list[Entry]] = {}
        for entry in self.entries:
            self._index(entry)

    def _index(self, entry: Entry) -> None:
        self._by_name.setdefault(entry.name, []).append(entry)
        self._by_case.setdefault(entry.name.casefold(), []).append(entry)
        self._by_part.setdefault(entry.name.replace("\\", "/").casefold(), []).append(entry)

    # -- names -------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return [e.name for e in self.entries if not e.removed]

    def find(self, name: str) -> str | None:
        """The entry name for a part name; part names compare without case, as OPC says."""
        name = name.lstrip("/")
        if any(not entry.removed for entry in self._by_name.get(name, ())):
            return name
        # other case, or Windows separators written by a careless tool: the first such entry
        return next((entry.name for entry in self._by_part.get(name.casefold(), ()) if not entry.removed), None)

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not None

    # -- content -----------------------------------------------------------------------------------

    def read(self, name: str) -> bytes:
        found = self.find(name)
        if found is None:
            raise KeyError(name)
        entry = self._entry(found)
        if entry.data is None and entry.deflated is not None:
            return zlib.decompress(entry.deflated.packed, -15)  # not kept: a streamed part can be large
        if entry.data is None:
            try:
                entry.data = self.zip.read(self._infos[found])
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
                raise PackageError(f"the part {found} is damaged ({exc})") from exc
        return entry.data

    def write(self, name: str, data: bytes) -> None:
        """Replace a part in place, or add it: where it was if this run removed it, else at the end.

        Putting a part removed and written again back in its place keeps reruns byte-identical.
        """
        self._put(name, data, None, lambda found: self.read(found) == data)

    def write_pieces(self, name: str, pieces: Iterable[bytes]) -> None:
        """:meth:`write` for content made piece by piece (a long sheet): each piece is compressed as it
        comes, so the whole content never sits in memory. The same bytes as :meth:`write` of it joined."""
        deflated = deflate(pieces)
        self._put(name, None, deflated, lambda found: self._same_content(found, deflated))

    def _put(self, name: str, data: bytes | None, deflated: Deflated | None, unchanged) -> None:
        found = self.find(name)
        if found is None:
            name = name.lstrip("/")
            grave = next((e for e in self._by_case.get(name.casefold(), ()) if e.removed), None)
            if grave is None:
                self.entries.append(Entry(name, data=data, deflated=deflated))
                self._index(self.entries[-1])
            else:
                grave.removed, grave.local, grave.central, grave.data = False, None, None, data
                grave.deflated = deflated
            return
        entry = self._entry(found)
        if entry.copied and unchanged(found):
            return  # unchanged: keep the original bytes
        entry.local = entry.central = None
        entry.data, entry.deflated = data, deflated

    def _same_content(self, found: str, deflated: Deflated) -> bool:
        """Whether an entry as found holds the content ``deflated`` holds, compared piece by piece."""
        info = self._infos.get(found)
        if info is None or info.CRC != deflated.crc or info.file_size != deflated.size:
            return False
        ours = zlib.decompressobj(-15)
        packed = memoryview(deflated.packed)
        step = 1 << 20
        try:
            with self.zip.open(info) as theirs:
                for start in range(0, len(packed), step):
                    mine = ours.decompress(packed[start:start + step])
                    if theirs.read(len(mine)) != mine:
                        return False
                return theirs.read(1) == b"" and ours.flush() == b""
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise PackageError(f"the part {found} is damaged ({exc})") from exc

    def remove(self, name: str) -> None:
        found = self.find(name)
        if found is not None:
            self._entry(found).removed = True

    def _entry(self, name: str) -> Entry:
        return next(e for e in self._by_name.get(name, ()) if not e.removed)

    # -- writing -----------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The package: entries in their original places (new ones last), then the directory in its order."""
        entries = [e for e in self.entries if not e.removed]
        out = bytearray()
        centrals: dict[int, bytes] = {}
        by_place = sorted(range(len(entries)), key=lambda i: (entries[i].place is None, entries[i].place or 0, i))
        for i in by_place:
            entry, offset = entries[i], len(out)
            if entry.copied:
                out += entry.local
                centrals[i] = entry.central[:42] + struct.pack("<I", offset) + entry.central[46:]
            else:
                local, centrals[i] = records(entry.name, entry.deflated or deflate([entry.data]), offset)
                out += local
        directory = b"".join(centrals[i] for i in range(len(entries)))
        if len(entries) >= 0xFFFF or len(out) + len(directory) >= ZIP64_LIMIT:
            raise PackageError("the workbook would be too large to write")
        start = len(out)
        out += directory
        out += struct.pack("<4sHHHHIIH", END, 0, 0, len(entries), len(entries), len(directory),
                           start, len(self.comment)) + self.comment
        return bytes(out)


def central_records(blob: bytes):
    """Yield each central-directory record's raw bytes, in directory order."""
    end = blob.rfind(END, max(0, len(blob) - 65_557))
    if end < 0:
        raise PackageError("no zip directory found")
    count, size, offset = struct.unpack("<HII", blob[end + 10:end + 20])
    shift = end - (offset + size)  # bytes prepended to the archive, if any
    if shift < 0:
        raise PackageError("the zip directory is inconsistent")
    pos = offset + shift
    for _ in range(count):
        if blob[pos:pos + 4] != CENTRAL:
            raise PackageError("the zip directory is damaged")
        name_len, extra_len, comment_len = struct.unpack("<HHH", blob[pos + 28:pos + 34])
        length = 46 + name_len + extra_len + comment_len
        yield blob[pos:pos + length]
        pos += length


def local_record(blob: bytes, info: zipfile.ZipInfo) -> bytes:
    """Local header, compressed data and data descriptor of one entry, exactly as stored."""
    start = info.header_offset
    if blob[start:start + 4] != LOCAL:
        raise PackageError(f"the entry {info.filename} is damaged")
    name_len, extra_len = struct.unpack("<HH", blob[start + 26:start + 30])
    end = start + 30 + name_len + extra_len + info.compress_size
    if info.flag_bits & 0x08:  # sizes follow the data in a descriptor, with or without its signature
        end += 16 if blob[end:end + 4] == DESCRIPTOR else 12
    if end > len(blob):
        raise PackageError(f"the entry {info.filename} is truncated")
    return blob[start:end]


def records(name: str, deflated: Deflated, offset: int) -> tuple[bytes, bytes]:
    """Local and central records for content salesxl wrote: deflated, dated 1980-01-01."""
    packed, crc, size = deflated.packed, deflated.crc, deflated.size
    raw_name = name.encode("utf-8")
    flags = 0 if raw_name.isascii() else UTF8_NAME
    local = struct.pack("<4sHHHHHIIIHH", LOCAL, 20, flags, zipfile.ZIP_DEFLATED, 0, DOS_DATE_1980, crc,
                        len(packed), size, len(raw_name), 0) + raw_name + packed
    central = struct.pack("<4sHHHHHHIIIHHHHHII", CENTRAL, 20, 20, flags, zipfile.ZIP_DEFLATED, 0, DOS_DATE_1980,
                          crc, len(packed), size, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name
    return local, central


# -- part names and relationships ------------------------------------------------------------------

def rels_name(part: str) -> str:
    """``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``; the package's own is ``_rels/.rels``."""
    folder, base = posixpath.split(part.lstrip("/"))
    return posixpath.join(folder, "_rels", f"{base}.rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name, relative to the part that holds the relationship."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    folder = posixpath.dirname(source.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def relative(source: str, part: str) -> str:
    """The target to write in ``source``'s relationships to reach ``part``."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                   "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def parse_xml(data: bytes) -> etree._Element:
    """Parse one part; entities are never resolved (no XXE from a hostile file)."""
    return etree.fromstring(data, PARSER)


def xml_bytes(root: etree._Element) -> bytes:
    """A part as Excel writes it: UTF-8, standalone declaration, CRLF after it."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            + etree.tostring(root, encoding="UTF-8"))


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its id, type, and the part (or external address) it points to."""

    id: str
    type: str
    target: str
    external: bool = False


def relationships(package: Package, part: str) -> list[Relationship]:
    """The relationships of ``part`` (``""`` for the package itself), targets resolved to part names."""
    name = rels_name(part) if part else "_rels/.rels"
    if name not in package:
        return []
    found = []
    for rel in parse_xml(package.read(name)):
        if local_name(rel) != "Relationship":
            continue
        external = rel.get("TargetMode", "").lower() == "external"
        target = rel.get("Target", "")
        found.append(Relationship(rel.get("Id", ""), rel.get("Type", ""),
                                  target if external else resolve(part or "/", target), external))
    return found


def main_part(package: Package) -> str:
    """The workbook part, found through the package relationships (usually ``xl/workbook.xml``)."""
    for rel in relationships(package, ""):
        if rel.type in OFFICE_DOCUMENT and not rel.external:
            found = package.find(rel.target)
            if found:
                return found
    raise PackageError("the package has no workbook part")
