"""A small writer of compound files ([MS-CFB] version 3), the container of ``vbaProject.bin``.

A compound file is a little file system in 512-byte sectors:

* a 512-byte header (signature, sector sizes, where the allocation tables and
  the directory start, and the first 109 entries of the DIFAT: the list of the
  sectors that hold the FAT);
* the FAT: for each sector, the next sector of its chain (``ENDOFCHAIN`` at the
  end, ``FATSECT`` for the FAT's own sectors);
* the directory: 128-byte entries (root, storages, streams); the children of a
  storage hang from it as a binary search tree ordered by name length, then by
  upper-cased name;
* streams under 4,096 bytes live in the *mini stream* in 64-byte mini sectors
  chained by the mini FAT; the mini stream itself is a chain of the root entry.

Only what ``vbaProject.bin`` needs is written: no DIFAT sectors (up to 109 FAT
sectors, about 7 MB), no timestamps, no CLSIDs. The layout is fixed by the
input, sector by sector, so the same streams give the same bytes everywhere:
FAT, directory, mini FAT, mini stream, then the large streams in path order.
Every node of the trees is black, which MS-CFB 2.6.4 allows ("the simplest
implementation ... would be to mark every node as black"); each tree is built
balanced from the sorted names.

Tests read the result with olefile and oletools, which salesxl did not write.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096
FAT_ENTRIES_PER_SECTOR = SECTOR // 4
HEADER_DIFAT_ENTRIES = 109
DIRECTORY_ENTRY = 128

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Entry:
    """A directory entry while the file is laid out."""

    name: str
    kind: int
    data: bytes = b""
    children: list["Entry"] = field(default_factory=list)
    start: int = ENDOFCHAIN
    size: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM


def name_key(name: str) -> tuple[int, str]:
    """MS-CFB 2.6.4: shorter names first; equal lengths compare upper-cased."""
    return len(name), name.upper()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams``: ``{"VBA/dir": b"...", "PROJECT": b"..."}`` (storages implied)."""
    root = Entry("Root Entry", ROOT)
    for path, data in sorted(streams.items()):
        *folders, leaf = path.split("/")
        parent = root
        for folder in folders:
            parent = next((c for c in parent.children if c.name == folder and c.kind == STORAGE), None) or \
                add(parent, Entry(folder, STORAGE))
        add(parent, Entry(leaf, STREAM, data))
    entries = numbered(root)
    for entry in entries:
        entry.child = tree(sorted(entry.children, key=lambda e: name_key(e.name)), entries)

    fat: list[int] = []

    def chain(count: int) -> int:
        """Allocate ``count`` consecutive sectors as one chain; return the first."""
        if not count:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend(range(first + 1, first + count))
        fat.append(ENDOFCHAIN)
        return first

    small = [e for e in entries if e.kind == STREAM and len(e.data) < MINI_STREAM_CUTOFF]
    large = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_STREAM_CUTOFF]
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for entry in small:
        count = sectors(len(entry.data), MINI_SECTOR)
        entry.start = len(mini_fat) if count else ENDOFCHAIN
        entry.size = len(entry.data)
        mini_fat.extend(range(len(mini_fat) + 1, len(mini_fat) + count))
        if count:
            mini_fat.append(ENDOFCHAIN)
        mini_stream += padded(entry.data, MINI_SECTOR)

    directory_sectors = sectors(len(entries) * DIRECTORY_ENTRY, SECTOR)
    mini_fat_sectors = sectors(len(mini_fat) * 4, SECTOR)
    data_sectors = directory_sectors + mini_fat_sectors + sectors(len(mini_stream), SECTOR) + \
        sum(sectors(len(e.data), SECTOR) for e in large)
    fat_sectors = 1
    while fat_sectors * FAT_ENTRIES_PER_SECTOR < fat_sectors + data_sectors:
        fat_sectors += 1
    if fat_sectors > HEADER_DIFAT_ENTRIES:
        raise ValueError("too large for a compound file without DIFAT sectors (about 7 MB)")

    fat.extend([FATSECT] * fat_sectors)
    first_directory = chain(directory_sectors)
    first_mini_fat = chain(mini_fat_sectors)
    root.start = chain(sectors(len(mini_stream), SECTOR))
    root.size = len(mini_stream)
    for entry in large:
        entry.start, entry.size = chain(sectors(len(entry.data), SECTOR)), len(entry.data)

    body = bytearray()
    body += padded(struct.pack(f"<{len(fat)}I", *fat), SECTOR, fill=b"\xff")
    body += padded(b"".join(directory_entry(e) for e in entries), SECTOR, fill=unused_directory_entry())
    body += padded(struct.pack(f"<{len(mini_fat)}I", *mini_fat), SECTOR, fill=b"\xff")
    body += padded(bytes(mini_stream), SECTOR)
    for entry in large:
        body += padded(entry.data, SECTOR)
    return header(fat_sectors, first_directory, first_mini_fat, mini_fat_sectors) + bytes(body)


def add(parent: Entry, entry: Entry) -> Entry:
    parent.children.append(entry)
    return entry


def numbered(root: Entry) -> list[Entry]:
    """Every entry, root first, then each storage's children in name order, depth first."""
    order, pending = [], [root]
    while pending:
        entry = pending.pop(0)
        order.append(entry)
        pending[0:0] = sorted(entry.children, key=lambda e: name_key(e.name))
    return order


def tree(siblings: list[Entry], entries: list[Entry]) -> int:
    """Link sorted ``siblings`` as a balanced binary search tree; return its root's number."""
    if not siblings:
        return NOSTREAM
    middle = len(siblings) // 2
    node = siblings[middle]
    node.left = tree(siblings[:middle], entries)
    node.right = tree(siblings[middle + 1:], entries)
    return entries.index(node)


def sectors(size: int, sector: int) -> int:
    return -(-size // sector)


def padded(data: bytes, sector: int, fill: bytes = b"\x00") -> bytes:
    missing = -len(data) % sector
    return data + (fill * (missing // len(fill) + 1))[:missing]


def directory_entry(entry: Entry) -> bytes:
    name = (entry.name + "\x00").encode("utf-16-le")
    if len(name) > 64:
        raise ValueError(f"compound file names have at most 31 characters: {entry.name!r}")
    start = entry.start if entry.kind != STORAGE else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), entry.kind, BLACK, entry.left, entry.right,
                       entry.child, bytes(16), 0, 0, 0, start, entry.size)


def unused_directory_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)


def header(fat_sectors: int, first_directory: int, first_mini_fat: int, mini_fat_sectors: int) -> bytes:
    difat = list(range(fat_sectors)) + [FREESECT] * (HEADER_DIFAT_ENTRIES - fat_sectors)
    return struct.pack("<8s16sHHHHH6sIIIIIIIII109I", SIGNATURE, bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
                       0, fat_sectors, first_directory, 0, MINI_STREAM_CUTOFF, first_mini_fat, mini_fat_sectors,
                       ENDOFCHAIN, 0, *difat)
