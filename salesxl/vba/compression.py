"""MS-OVBA compression (section 2.4.1): how a VBA project stores its ``dir`` stream and module source.

A *CompressedContainer* is the signature byte ``0x01`` followed by chunks, each
holding up to 4,096 bytes of the original data:

* a 2-byte little-endian header: bits 0-11 the chunk's size in bytes, header
  included, minus 3; bits 12-14 the signature ``0b011``; bit 15 set when the
  chunk is compressed;
* then, in a compressed chunk, groups of up to eight tokens, each group led by a
  flag byte whose bit *i* says whether token *i* is a literal byte (0) or a
  2-byte *CopyToken* (1) that repeats ``length`` bytes found ``offset`` bytes back
  in the same chunk (the copy may overlap what it produces, as in LZ77).

A CopyToken packs ``offset - 1`` in its high bits and ``length - 3`` in its low
bits; how many bits the offset gets grows with the position in the chunk
(:func:`copy_token_bits`, "CopyToken Help" in the specification), so early in a
chunk a token reaches back little but copies long runs.

A chunk whose compressed form would be larger than 4,096 bytes is stored raw
(flag 0): exactly 4,096 bytes, the last chunk padded with zeros as section
2.4.1.3.10 prescribes, so such padding comes back on decompression. Text never
gets there (a chunk of text always compresses); random bytes can.

The search for a match is the specification's "longest match, nearest first",
limited to the :data:`MAX_CANDIDATES` nearest earlier places that start with the
same three bytes: the output is fully determined by the input (the same bytes on
every system) and a 45 kB module compresses in a fraction of a second. Any
decompressor that follows the specification reads it back; the tests use
oletools' (``olevba``), which salesxl did not write.
"""

from __future__ import annotations

CHUNK = 4096
"""Bytes of original data per chunk."""

SIGNATURE = 0x01
MIN_MATCH = 3
MAX_CANDIDATES = 64
"""How many earlier places with the same first three bytes a match is looked for at, nearest first."""


def copy_token_bits(position: int) -> tuple[int, int]:
    """``(offset bits, maximum length)`` of a CopyToken at ``position`` bytes into its chunk (position >= 1).

    The offset gets the fewest bits, at least 4, that can count back to the
    chunk's start; the length gets the rest of the 16 bits.
    """
    bit_count = max((position - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + MIN_MATCH


def compress(data: bytes) -> bytes:
    """``data`` as an MS-OVBA CompressedContainer."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += compress_chunk(data[start:start + CHUNK])
    return bytes(out)


def compress_chunk(chunk: bytes) -> bytes:
    """One CompressedChunk (header and data) for up to 4,096 bytes."""
    body = compressed_tokens(chunk)
    if len(body) > CHUNK:  # would not fit the 12-bit size: store raw, padded to a whole chunk
        return ((CHUNK + 2 - 3) | 0x3000).to_bytes(2, "little") + chunk.ljust(CHUNK, b"\x00")
    return ((len(body) + 2 - 3) | 0x3000 | 0x8000).to_bytes(2, "little") + body


def compressed_tokens(chunk: bytes) -> bytes:
    """The token sequences of a compressed chunk: flag byte, then up to eight literals or CopyTokens."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # first three bytes -> where they occurred, oldest first
    position, indexed, end = 0, 0, len(chunk)
    while position < end:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if position >= end:
                break
            length, offset = longest_match(chunk, position, seen) if position else (0, 0)
            if length:
                bit_count, _ = copy_token_bits(position)
                out += (((offset - 1) << (16 - bit_count)) | (length - MIN_MATCH)).to_bytes(2, "little")
                out[flag_at] |= 1 << bit
            else:
                out.append(chunk[position])
            position += max(length, 1)
            for p in range(indexed, min(position, end - MIN_MATCH + 1)):
                seen.setdefault(chunk[p:p + MIN_MATCH], []).append(p)
            indexed = max(indexed, position)
    return bytes(out)


def longest_match(chunk: bytes, position: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    """``(length, offset)`` of the longest earlier copy of the bytes at ``position`` (nearest on a tie)."""
    _, maximum = copy_token_bits(position)
    limit = min(maximum, len(chunk) - position)
    best_length, best_offset = 0, 0
    for candidate in reversed(seen.get(chunk[position:position + MIN_MATCH], ())[-MAX_CANDIDATES:]):
        length = MIN_MATCH
        while length < limit and chunk[candidate + length] == chunk[position + length]:
            length += 1
        if length > best_length:
            best_length, best_offset = length, position - candidate
            if length == limit:
                break
    return (best_length, best_offset) if best_length >= MIN_MATCH and limit >= MIN_MATCH else (0, 0)
