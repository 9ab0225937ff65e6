"""MS-OVBA compression, read back by oletools' decompressor (a reader salesxl did not write)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from salesxl.vba.compression import CHUNK, compress, copy_token_bits


def roundtrip(data: bytes) -> bytes:
    return decompress_stream(bytearray(compress(data)))


def test_a_run_is_one_literal_and_one_copy_token():
    # "a" * 15: signature 01; header: chunk of 2 + 1 flag byte + 1 literal + 2 token = 6 bytes -> size field
    # 6 - 3 = 3, signature 0b011 and "compressed" bit 15: 0xB003, little-endian 03 B0; flag byte 0b10 (token 2
    # is a copy); literal 61; copy token at position 1: offset 1, length 14 with 4 offset bits ->
    # ((1 - 1) << 12) | (14 - 3) = 0x000B, little-endian 0B 00.
    assert compress(b"a" * 15).hex(" ") == "01 03 b0 02 61 0b 00"


def test_text_without_repeats_is_all_literals():
    # 23 literals in 3 token groups (flag bytes 00): 2 + 3 + 23 = 28 bytes -> size field 25 = 0x19 -> 0xB019.
    assert compress(b"abcdefghijklmnopqrstuv.") == bytes.fromhex(
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E")


def test_offset_bits_grow_with_the_position_in_the_chunk():
    # MS-OVBA 2.4.1.3.19.1: at least 4 bits, else ceil(log2(position)); length gets the rest, plus 3.
    assert copy_token_bits(1) == (4, 4098) and copy_token_bits(16) == (4, 4098)
    assert copy_token_bits(17) == (5, 2050) and copy_token_bits(4096) == (12, 18)


def test_empty_is_the_signature_alone():
    assert compress(b"") == b"\x01" and roundtrip(b"") == b""


VBA_WORDS = st.sampled_from([b"Sub ", b"End Sub\r\n", b"Function ", b"Dim ", b" As ", b"String", b"Variant",
                             b"    ", b"\r\n", b"If ", b" Then\r\n", b"End If\r\n", b"'", b'"', b"RunPython ",
                             b"xlwings", b"salesxl", b"(", b")", b", ", b" = ", b"&", b"#If Mac Then\r\n"])
VBA_TEXT = st.lists(VBA_WORDS, max_size=3000).map(b"".join)


@settings(max_examples=60, deadline=None)
@given(VBA_TEXT)
def test_vba_like_text_comes_back_unchanged(data):
    assert roundtrip(data) == data


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000).map(lambda t: t.encode("utf-8")))
def test_random_text_comes_back_unchanged(data):
    assert roundtrip(data) == data


@settings(max_examples=40, deadline=None)
@given(st.integers(-3, 3), st.integers(1, 3), st.binary(min_size=1, max_size=40))
@example(0, 1, b"x")
def test_chunk_edges(shift, chunks, pattern):
    """Lengths next to 4,096-byte chunk boundaries, with repeats that a copy could carry across the edge."""
    data = (pattern * (CHUNK * chunks // len(pattern) + 1))[:max(CHUNK * chunks + shift, 0)]
    assert roundtrip(data) == data


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3 * CHUNK))
def test_random_bytes_come_back_padded_only_in_a_raw_last_chunk(data):
    """Bytes that do not compress are stored raw (4,096 bytes, MS-OVBA 2.4.1.3.10): a short last chunk comes back
    padded with zeros, exactly as the specification's decompression gives it."""
    back = roundtrip(data)
    assert back[:len(data)] == data and set(back[len(data):]) <= {0}
    last = len(data) % CHUNK
    assert len(back) in (len(data), len(data) - last + CHUNK)
