"""The compound-file writer, read by olefile (strict) and checked against the MS-CFB layout by hand."""

from __future__ import annotations

import io
import struct

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesxl.vba.cfb import ENDOFCHAIN, compound_file, name_key


def read_back(blob: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(io.BytesIO(blob), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        return {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}


def test_streams_either_side_of_the_mini_stream_cutoff():
    streams = {"PROJECT": b"ID=\r\n", "PROJECTwm": b"", "VBA/_VBA_PROJECT": bytes(7), "VBA/small": b"s" * 4095,
               "VBA/large": b"L" * 4096, "VBA/larger": bytes(range(256)) * 40}
    assert read_back(compound_file(streams)) == streams


def test_header_and_sizes_worked_out_by_hand():
    # One 100-byte stream: it lives in the mini stream (2 mini sectors of 64 bytes = 128 bytes, one sector).
    # Sectors: 0 FAT, 1 directory (root + 1 stream = 2 entries of 128 bytes), 2 mini FAT, 3 mini stream.
    blob = compound_file({"s": b"x" * 100})
    assert len(blob) == 512 + 4 * 512
    fields = struct.unpack_from("<8s16sHHHHH6sIIIIIIIII", blob)
    signature, _, minor, major, order, shift, mini_shift, _, dir_sectors, fat_sectors, first_dir, _, cutoff, \
        first_mini_fat, mini_fat_sectors, first_difat, difat_sectors = fields
    assert signature == bytes.fromhex("D0CF11E0A1B11AE1") and (minor, major, order) == (0x3E, 3, 0xFFFE)
    assert (shift, mini_shift, dir_sectors, fat_sectors, first_dir, cutoff) == (9, 6, 0, 1, 1, 4096)
    assert (first_mini_fat, mini_fat_sectors, first_difat, difat_sectors) == (2, 1, ENDOFCHAIN, 0)
    fat = struct.unpack_from("<4I", blob, 512)
    assert fat == (0xFFFFFFFD, ENDOFCHAIN, ENDOFCHAIN, ENDOFCHAIN)  # FAT sector, then three one-sector chains
    mini_fat = struct.unpack_from("<3I", blob, 512 + 2 * 512)
    assert mini_fat == (1, ENDOFCHAIN, 0xFFFFFFFF)  # the stream's two mini sectors, then free


def test_names_sort_by_length_then_upper_case():
    assert sorted(["dir", "PROJECTwm", "VBA", "_VBA_PROJECT", "PROJECT", "abc"], key=name_key) == \
        ["abc", "dir", "VBA", "PROJECT", "PROJECTwm", "_VBA_PROJECT"]


def test_a_name_longer_than_31_characters_is_refused():
    with pytest.raises(ValueError, match="31 characters"):
        compound_file({"x" * 32: b""})


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.text("abcXYZ_0123456789", min_size=1, max_size=31),
                       st.binary(max_size=9000), min_size=1, max_size=40))
def test_any_set_of_streams_reads_back(streams):
    named = {f"VBA/{k}": v for k, v in streams.items() if k.upper() not in {o.upper() for o in streams if o != k}}
    assert read_back(compound_file(named)) == named


def test_the_same_streams_give_the_same_bytes_in_any_order():
    streams = {"VBA/b": b"2" * 5000, "VBA/a": b"1", "PROJECT": b"p"}
    assert compound_file(streams) == compound_file(dict(reversed(list(streams.items()))))
