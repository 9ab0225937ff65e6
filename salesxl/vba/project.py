"""A VBA project as source only: the streams of ``vbaProject.bin`` ([MS-OVBA] 2.3), written from module text.

A project is a compound file (:mod:`.cfb`) of:

* ``PROJECT``: text lines naming the modules (``Module=``, ``Class=``,
  ``Document=``), the project's name and the encrypted ``CMG``/``DPB``/``GC``
  lines (no protection, no password, visible; :func:`encrypted`);
* ``PROJECTwm``: each module's name in the code page and in UTF-16;
* ``VBA/dir``: the project's records (system, locale, code page, name,
  references, then one record set per module), compressed (:mod:`.compression`);
* ``VBA/_VBA_PROJECT``: 7 bytes, version ``0xFFFF``: there is no performance
  cache (p-code), so the host compiles the source when it opens the project
  ([MS-OVBA] 2.3.4.1);
* ``VBA/<module>``: each module's source, compressed, with no p-code before it
  (``MODULEOFFSET`` 0).

This is how EPPlus has written VBA projects for years (``ExcelVbaProject``);
the record sequence follows [MS-OVBA] 2.3.4.2 and matches the ``dir`` stream of
projects Excel wrote (tests compare with the add-ins that xlwings ships).
Nothing here knows about salesxl: :mod:`salesxl.addin` says which modules and
references the add-in has.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .cfb import compound_file
from .compression import compress

PROCEDURAL, CLASS, DOCUMENT = "module", "class", "document"

SYSKIND_WIN32 = 1
LCID_ENGLISH_US = 1033
VBA_VERSION = (0x6B4FEF4C, 8)
"""PROJECTVERSION of the project Excel wrote for xlwings' own add-in; with no p-code the host recompiles anyway."""

HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
"""The one [Host Extender Info] line every Office VBA project carries (MS-OVBA 2.3.1.18)."""

ENCRYPTION_SEED = 0x5D
"""MS-OVBA 2.4.3.2 asks for a random seed; any value decrypts, and a fixed one keeps builds byte for byte equal."""


@dataclass(frozen=True)
class Module:
    """One module: ``source`` is the text its stream holds (``Attribute VB_Name = ...`` first), in the code page."""

    name: str
    source: bytes
    kind: str = PROCEDURAL


@dataclass(frozen=True)
class Reference:
    """A registered type library (REFERENCEREGISTERED): ``libid`` as ``*\\G{guid}#version#lcid#path#description``."""

    name: str
    libid: str


@dataclass(frozen=True)
class Project:
    name: str
    modules: tuple[Module, ...]
    references: tuple[Reference, ...]
    project_id: str
    code_page: int = 1252
    lcid: int = LCID_ENGLISH_US


def vba_project_bin(project: Project) -> bytes:
    """The bytes of ``vbaProject.bin`` for ``project``."""
    names = [m.name for m in project.modules]
    if len({n.upper() for n in names}) != len(names):
        raise ValueError(f"module names must be unique (VBA ignores case): {names}")
    streams = {
        "PROJECT": project_stream(project),
        "PROJECTwm": projectwm_stream(project),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project)),
    }
    for module in project.modules:
        streams[f"VBA/{module.name}"] = compress(module.source)
    return compound_file(streams)


VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)
"""_VBA_PROJECT (MS-OVBA 2.3.4.1): Reserved1 0x61CC, Version 0xFFFF (no performance cache), Reserved2, Reserved3."""


# The dir stream (MS-OVBA 2.3.4.2) -------------------------------------------------------------------

def record(record_id: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def dir_stream(project: Project) -> bytes:
    """The ``dir`` stream's records, before compression."""
    text = lambda s: s.encode(codec(project.code_page))  # noqa: E731 - the project's MBCS text
    utf16 = lambda s: s.encode("utf-16-le")  # noqa: E731
    out = bytearray()
    # PROJECTINFORMATION
    out += record(0x01, struct.pack("<I", SYSKIND_WIN32))
    out += record(0x02, struct.pack("<I", project.lcid))
    out += record(0x14, struct.pack("<I", project.lcid))  # LCID for invoking Automation
    out += record(0x03, struct.pack("<H", project.code_page))
    out += record(0x04, text(project.name))
    out += record(0x05) + record(0x40)  # no description (MBCS, then UTF-16)
    out += record(0x06) + record(0x3D)  # no help file
    out += record(0x07, struct.pack("<I", 0))  # help context
    out += record(0x08, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x09, 4, *VBA_VERSION)  # PROJECTVERSION: its size field is reserved, always 4
    out += record(0x0C) + record(0x3C)  # no conditional compilation constants
    # PROJECTREFERENCES
    for reference in project.references:
        out += record(0x16, text(reference.name)) + record(0x3E, utf16(reference.name))
        libid = text(reference.libid)
        out += record(0x0D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    # PROJECTMODULES
    out += record(0x0F, struct.pack("<H", len(project.modules)))
    out += record(0x13, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in project.modules:
        out += record(0x19, text(module.name)) + record(0x47, utf16(module.name))
        out += record(0x1A, text(module.name)) + record(0x32, utf16(module.name))  # stream name = module name
        out += record(0x1C) + record(0x48)  # no description
        out += record(0x31, struct.pack("<I", 0))  # MODULEOFFSET: the source starts the stream
        out += record(0x1E, struct.pack("<I", 0))  # help context
        out += record(0x2C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += record(0x21 if module.kind == PROCEDURAL else 0x22)  # MODULETYPE: procedural, or class/document
        out += record(0x2B)  # module terminator
    out += record(0x10)  # dir terminator
    return bytes(out)


# The PROJECT and PROJECTwm streams (MS-OVBA 2.3.1, 2.3.3) -------------------------------------------------

def project_stream(project: Project) -> bytes:
    protection = {"CMG": struct.pack("<I", 0),  # not protected
                  "DPB": b"\x00",  # no password
                  "GC": b"\xff"}  # visible
    lines = [f'ID="{project.project_id}"']
    for module in project.modules:
        lines.append({DOCUMENT: f"Document={module.name}/&H00000000", CLASS: f"Class={module.name}",
                      PROCEDURAL: f"Module={module.name}"}[module.kind])
    lines += [f'Name="{project.name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              *(f'{key}="{encrypted(value, project.project_id)}"' for key, value in protection.items()),
              "", "[Host Extender Info]", HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in project.modules]
    return ("\r\n".join(lines) + "\r\n").encode(codec(project.code_page))


def projectwm_stream(project: Project) -> bytes:
    out = bytearray()
    for module in project.modules:
        out += module.name.encode(codec(project.code_page)) + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def encrypted(data: bytes, project_id: str, seed: int = ENCRYPTION_SEED) -> str:
    """MS-OVBA 2.4.3.2 Data Encryption, as the hex text of the ``CMG``, ``DPB`` and ``GC`` lines.

    Each byte is XORed with the sum of the encrypted byte two places back and
    the plain byte one place back; the project key (the sum of the project id's
    bytes) starts the chain, and ``(seed & 6) / 2`` ignored bytes come before
    the data's length.
    """
    version, key = 2, sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ version, seed ^ key]
    previous_plain, encrypted_2, encrypted_1 = key, out[1], out[2]
    for byte in bytes([seed] * ((seed & 6) // 2)) + struct.pack("<I", len(data)) + data:
        value = byte ^ ((encrypted_2 + previous_plain) & 0xFF)
        out.append(value)
        encrypted_2, encrypted_1, previous_plain = encrypted_1, value, byte
    return bytes(out).hex().upper()


def codec(code_page: int) -> str:
    return f"cp{code_page}"
