"""Building ``salesxl.xlam`` on any system: xlwings' ribbon add-in, our ribbon, our VBA project.

An ``.xlam`` is a zip package. The add-in starts from the ribbon add-in that
xlwings ships (``quickstart_addin_ribbon.xlam``, BSD-licensed, written by
Excel) and changes three things:

1. ``customUI/customUI.xml`` becomes ``macros/customUI.xml``, and ``_rels/.rels``
   gets the one relationship type that matches the part's namespace;
2. ``xl/vbaProject.bin`` becomes the project :mod:`salesxl.addin.modules`
   describes, written by :mod:`salesxl.vba` (source only: Excel compiles it
   when it opens the add-in);
3. the zip is written reproducibly: parts in the template's order, stored (no
   zlib, whose output can differ between builds of it), every entry dated
   1980-01-01 with the same attributes, so the same sources give the same
   bytes on Linux, macOS and Windows.

Everything else is xlwings' file, byte for byte (the macro-enabled add-in
content type, the workbook and its hidden settings sheet).

:func:`build_via_excel` keeps the old way as a fallback: the ribbon at the zip
level, then the VBA imported through a hidden Excel (Windows, *Trust access to
the VBA project object model*).
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

from ..vba.project import vba_project_bin
from .modules import CUSTOM_UI, MACROS, PROJECT, RIBBON_MODULE, UDF_MODULE, addin_project, xlwings_dir

ADDIN_NAME = f"{PROJECT}.xlam"
RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
VBA_PART = "xl/vbaProject.bin"
WORKBOOK_PART = "xl/workbook.xml"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The earliest date a zip entry can carry: every entry gets it, so a build does not depend on the clock."""

SAMPLE_MODULES = ("xlwings", "RibbonMyAddin")
"""xlwings' sample modules in its ribbon add-in, which :func:`build_via_excel` replaces."""


@dataclass(frozen=True)
class RibbonPart:
    """Where a customUI document of a given namespace lives in the package, and how it is related."""

    namespace: str
    part: str
    relationship: str


RIBBON_PARTS = {
    p.namespace: p for p in (
        # Office 2007 and later (MS-CUSTOMUI 2.1.2).
        RibbonPart("http://schemas.microsoft.com/office/2006/01/customui", "customUI/customUI.xml",
                   "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"),
        # Office 2010 and later (customUI14, MS-CUSTOMUI2).
        RibbonPart("http://schemas.microsoft.com/office/2009/07/customui", "customUI/customUI14.xml",
                   "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"),
    )
}
RIBBON_RELATIONSHIPS = {p.relationship for p in RIBBON_PARTS.values()}


class NeedsExcel(RuntimeError):
    """The command needs Excel, which this machine does not have; the message says what it would do."""


def xlwings_template() -> Path:
    """xlwings' ribbon add-in, the starting point of ours."""
    return xlwings_dir() / "quickstart_addin_ribbon.xlam"


# The ribbon ----------------------------------------------------------------------------------------------

def ribbon_part_for(custom_ui: bytes) -> RibbonPart:
    """The part name and relationship type that the customUI document's namespace requires."""
    root = ElementTree.fromstring(custom_ui)
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag.rsplit("}", 1)[-1] != "customUI" or namespace not in RIBBON_PARTS:
        raise ValueError(f"not a customUI document of a known namespace: {root.tag}")
    return RIBBON_PARTS[namespace]


def with_ribbon_relationship(rels: bytes, ribbon: RibbonPart) -> bytes:
    """``_rels/.rels`` with exactly one ribbon relationship: ``ribbon``'s type and part."""
    ElementTree.register_namespace("", PACKAGE_RELS_NS)
    root = ElementTree.fromstring(rels)
    tag = f"{{{PACKAGE_RELS_NS}}}Relationship"
    for rel in list(root):
        if rel.get("Type") in RIBBON_RELATIONSHIPS:
            root.remove(rel)
    taken = {rel.get("Id") for rel in root}
    n = 1
    while f"rIdRibbon{n}" in taken:
        n += 1
    ElementTree.SubElement(root, tag, Id=f"rIdRibbon{n}", Type=ribbon.relationship, Target=ribbon.part)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ElementTree.tostring(root)


def with_ribbon(parts: dict[str, bytes], custom_ui: bytes) -> dict[str, bytes]:
    """``parts`` with our ribbon in place of the template's."""
    ribbon = ribbon_part_for(custom_ui)
    old = {rel.get("Target").lstrip("/") for rel in ElementTree.fromstring(parts[RELS])
           if rel.get("Type") in RIBBON_RELATIONSHIPS}
    out = {name: data for name, data in parts.items() if name not in old and name != ribbon.part}
    out[RELS] = with_ribbon_relationship(parts[RELS], ribbon)
    out[ribbon.part] = custom_ui
    return out


# The package --------------------------------------------------------------------------------------------

def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {item.filename: package.read(item) for item in package.infolist() if not item.is_dir()}


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    """The parts as a zip that depends on nothing but their names, order and bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0  # zipfile says 3 (Unix) except on Windows; one value for every system
            info.external_attr = 0o600 << 16  # what zipfile would set anyway; said here so it is one value
            package.writestr(info, data)
    return buffer.getvalue()


def document_code_names(parts: dict[str, bytes]) -> dict[str, str]:
    """``{code name: "workbook" | "worksheet"}`` of the package: each needs its document module in the project."""
    names = {}
    workbook = ElementTree.fromstring(parts[WORKBOOK_PART]).find(f"{{{MAIN_NS}}}workbookPr")
    names[workbook.get("codeName", "ThisWorkbook") if workbook is not None else "ThisWorkbook"] = "workbook"
    for name in sorted(n for n in parts if n.startswith("xl/worksheets/") and n.endswith(".xml")):
        properties = ElementTree.fromstring(parts[name]).find(f"{{{MAIN_NS}}}sheetPr")
        if properties is None or not properties.get("codeName"):
            raise ValueError(f"{name} has no code name for its document module")
        names[properties.get("codeName")] = "worksheet"
    return names


def addin_bytes(template: Path | None = None) -> bytes:
    """The whole add-in: xlwings' ribbon add-in with our ribbon and our VBA project."""
    parts = with_ribbon(read_parts(template or xlwings_template()), CUSTOM_UI.read_bytes())
    parts[VBA_PART] = vba_project_bin(addin_project(document_code_names(parts)))
    return zip_bytes(parts)


def build(out: Path, progress: Callable[[str], None] = lambda m: None) -> Path:
    """``salesxl addin build``: write the complete add-in to ``out`` (any system; nothing written on failure)."""
    progress("生成 VBA 项目 Writing the VBA project (xlwings, SalesxlRibbon, worksheet functions)")
    blob = addin_bytes()
    out = Path(out)
    temp = out.with_name(f"~{out.name}")
    temp.write_bytes(blob)
    problems = package_problems(temp)
    if problems:
        temp.unlink()
        raise RuntimeError("; ".join(problems))
    os.replace(temp, out)
    return out


def package_problems(path: Path) -> list[str]:
    """What keeps ``path`` from being a macro-enabled add-in with our ribbon (empty when fine)."""
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{Path(path).name} is not an add-in (not a zip package: {exc})"]
    problems = []
    with package:
        names = set(package.namelist())
        missing = [n for n in (RELS, CONTENT_TYPES) if n not in names]
        if missing:
            return [f"{Path(path).name} is not an Office package ({', '.join(missing)} missing)"]
        rels = ElementTree.fromstring(package.read(RELS))
        ribbons = [r for r in rels if r.get("Type") in RIBBON_RELATIONSHIPS]
        if len(ribbons) != 1:
            problems.append(f"{RELS} has {len(ribbons)} ribbon relationships, not 1")
        for rel in ribbons:
            part = rel.get("Target").lstrip("/")
            if part not in names:
                problems.append(f"the ribbon part {part} is missing")
                continue
            expected = ribbon_part_for(package.read(part))
            if (part, rel.get("Type")) != (expected.part, expected.relationship):
                problems.append(f"{part} with type {rel.get('Type')} does not match its namespace "
                                f"{expected.namespace} (wants {expected.part}, {expected.relationship})")
        if ADDIN_CONTENT_TYPE not in package.read(CONTENT_TYPES).decode():
            problems.append(f"{CONTENT_TYPES} does not declare a macro-enabled add-in ({ADDIN_CONTENT_TYPE})")
        if VBA_PART not in names:
            problems.append(f"{VBA_PART} is missing")
    return problems


# The fallback: the VBA through Excel ------------------------------------------------------------------------

def build_via_excel(out: Path, progress: Callable[[str], None] = lambda m: None, platform: str | None = None) -> Path:
    """``salesxl addin build --via-excel``: the ribbon at the zip level, then the VBA imported by Excel (Windows).

    The fallback if Excel ever refuses the generated project: xlwings' sample
    modules are replaced through Excel's VBA object model (needs *Trust access
    to the VBA project object model*) and xlwings imports the worksheet
    functions itself.
    """
    import sys

    if not (platform or sys.platform).startswith("win"):
        raise NeedsExcel(
            "`salesxl addin build --via-excel` needs Excel on Windows: it opens the add-in in a hidden Excel, "
            "replaces xlwings' sample modules with macros/xlwings.bas and macros/SalesxlRibbon.bas through Excel's "
            "VBA object model, imports the worksheet functions of salesxl.udfs, and saves it. Nothing was written. "
            "`salesxl addin build` (without --via-excel) writes the complete add-in on any system.")
    progress("替换功能区 Putting the salesxl ribbon in")
    out = Path(out)
    out.write_bytes(zip_bytes(with_ribbon(read_parts(xlwings_template()), CUSTOM_UI.read_bytes())))
    import_vba(out, progress)
    return out


def import_vba(path: Path, progress: Callable[[str], None]) -> None:
    """Replace xlwings' sample modules with ours and import the UDFs, in a hidden Excel (Windows)."""
    import xlwings as xw
    from xlwings.udfs import import_udfs  # needs pywin32: Windows only

    with xw.App(visible=False, add_book=False) as app:
        book = app.books.open(str(path))
        try:
            components = book.api.VBProject.VBComponents
        except Exception as exc:
            raise NeedsExcel(
                "Excel refused access to the add-in's VBA. In Excel: File > Options > Trust Center > "
                "Trust Center Settings > Macro Settings > tick 'Trust access to the VBA project object model', "
                f"then run `salesxl addin build --via-excel` again. ({exc})") from exc
        for name in SAMPLE_MODULES:
            progress(f"移除示例模块 Removing xlwings' sample module {name}")
            components.Remove(components(name))
        for name in ("xlwings.bas", f"{RIBBON_MODULE}.bas"):
            progress(f"导入 Importing {name}")
            components.Import(str(MACROS / name))
        progress("导入工作表函数 Importing the worksheet functions")
        import_udfs(UDF_MODULE, book.api)
        book.save()
        book.close()
