"""Parts written piece by piece (a long sheet) give the same package as written whole."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
import zlib
from io import BytesIO

import openpyxl
import pytest

from salesxl.workbook import package
from salesxl.workbook.package import Package, deflate

CONTENT = b"".join(b'<row r="%d"><c r="A%d" t="n"><v>%d</v></c></row>' % (i, i, i * 7) for i in range(1, 20_000))


def package_with(compression: int) -> bytes:
    """A zip holding ``xl/sheet.xml`` (CONTENT) and ``other.xml``, as another tool would write it.

    The entries carry a fixed time: zipfile would stamp the clock, and two calls either side of a
    two-second tick would give two different packages (this made CI fail once)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, content in (("xl/sheet.xml", CONTENT), ("other.xml", b"<other/>")):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 2, 1, 9, 30, 0)), content, compression)
    return buffer.getvalue()


def pieces(content: bytes, size: int) -> list[bytes]:
    return [content[i:i + size] for i in range(0, len(content), size)]


@pytest.mark.parametrize("size", [1, 1000, 65_536, len(CONTENT)])
def test_pieces_give_the_bytes_of_the_whole(size):
    """A new part and a replaced part, in pieces of ``size`` bytes or whole: the same package, and
    the part reads back as its content."""
    changed = CONTENT.replace(b"<v>7</v>", b"<v>8</v>")
    whole, pieced = Package(package_with(zipfile.ZIP_DEFLATED)), Package(package_with(zipfile.ZIP_DEFLATED))
    whole.write("xl/new.xml", CONTENT)
    whole.write("xl/sheet.xml", changed)
    pieced.write_pieces("xl/new.xml", pieces(CONTENT, size) if size > 1 else pieces(CONTENT[:3000], 1)
                        + [CONTENT[3000:]])
    pieced.write_pieces("xl/sheet.xml", pieces(changed, size))
    assert pieced.to_bytes() == whole.to_bytes()
    assert pieced.read("xl/new.xml") == CONTENT and pieced.read("xl/sheet.xml") == changed
    assert zipfile.ZipFile(BytesIO(pieced.to_bytes())).read("xl/sheet.xml") == changed


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_unchanged_content_in_pieces_keeps_the_entry_as_found(compression):
    """Writing a part's own content again keeps its bytes as another tool wrote them (stored or
    deflated at zipfile's level), so the package is the file as found, byte for byte."""
    blob = package_with(compression)
    package = Package(blob)
    package.write_pieces("xl/sheet.xml", pieces(CONTENT, 4096))
    assert package.to_bytes() == blob


def test_same_size_and_crc_are_not_taken_for_the_same_content():
    """Content compared byte by byte once size and CRC agree: a part differing only in how it is cut
    is the same part; a different part of the same size is written."""
    blob = package_with(zipfile.ZIP_DEFLATED)
    package = Package(blob)
    swapped = CONTENT.replace(b"<v>7</v>", b"<v>9</v>")
    package.write_pieces("xl/sheet.xml", [swapped])
    assert package.to_bytes() != blob and package.read("xl/sheet.xml") == swapped


def test_deflate_counts_the_content():
    """CRC-32 and size are the whole content's, however it is cut."""
    one, many = deflate([CONTENT]), deflate(pieces(CONTENT, 777))
    assert (one.crc, one.size) == (many.crc, many.size) == (zipfile.crc32(CONTENT), len(CONTENT))
    assert one.packed == many.packed
    assert deflate([]).size == 0


@pytest.mark.parametrize("segment", [100, 4096, 65_536])
@pytest.mark.parametrize("cut", [1, 777, 100_000, len(CONTENT)])
def test_segments_deflated_apart_join_into_one_stream(monkeypatch, segment, cut):
    """Content longer than a segment is deflated a segment at a time on two threads; the segments join into
    one deflate stream that reads back as the content, with the same bytes however the content was cut,
    and hardly longer than deflating it in one go (each segment is primed with the text before it)."""
    monkeypatch.setattr(package, "SEGMENT", segment)
    at_once = zlib.compressobj(package.LEVEL, zlib.DEFLATED, -15)
    whole = at_once.compress(CONTENT) + at_once.flush()
    deflated = deflate(pieces(CONTENT, cut) if cut > 1 else pieces(CONTENT[:5000], 1) + [CONTENT[5000:]])
    assert zlib.decompress(deflated.packed, -15) == CONTENT
    assert (deflated.crc, deflated.size) == (zipfile.crc32(CONTENT), len(CONTENT))
    assert deflated.packed == deflate([CONTENT]).packed
    assert deflated.packed != whole and len(deflated.packed) < len(whole) * (3 if segment == 100 else 1.02)
    written = Package(package_with(zipfile.ZIP_STORED))
    written.write_pieces("xl/sheet.xml", pieces(CONTENT.replace(b"<v>7</v>", b"<v>8</v>"), cut))
    assert zipfile.ZipFile(BytesIO(written.to_bytes())).read("xl/sheet.xml") == CONTENT.replace(b"<v>7</v>", b"<v>8</v>")


def test_content_of_one_segment_is_deflated_as_zlib_deflates_it_at_once():
    short = CONTENT[:package.SEGMENT // 2]
    at_once = zlib.compressobj(package.LEVEL, zlib.DEFLATED, -15)
    assert deflate(pieces(short, 1000)).packed == at_once.compress(short) + at_once.flush()
    empty = zlib.compressobj(package.LEVEL, zlib.DEFLATED, -15)
    assert deflate([]).packed == empty.flush()



@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_spreadsheet_program_reads_a_sheet_deflated_in_segments(monkeypatch, tmp_path):
    """LibreOffice (which inflates as Excel does, with its own reader) reads every row of a sheet whose part
    was deflated in 4 KB segments: 20,000 rows, about 200 segments joined into one stream."""
    monkeypatch.setattr(package, "SEGMENT", 4096)
    base = tmp_path / "base.xlsx"
    openpyxl.Workbook().save(base)
    book = Package(base.read_bytes())
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7) for i in range(1, 20_001))
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
             + b"</sheetData></worksheet>")
    book.write_pieces("xl/worksheets/sheet1.xml", pieces(sheet, 10_000))
    written = tmp_path / "segments.xlsx"
    written.write_bytes(book.to_bytes())
    assert deflate([sheet]).packed.count(b"\x00\x00\xff\xff") >= 150  # each segment but the last ends so
    done = subprocess.run(["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(written)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "segments.csv").read_text().split()
    assert lines == [str(i * 7) for i in range(1, 20_001)]
