"""Building, installing and configuring the salesxl Excel add-in (``salesxl.xlam``).

An ``.xlam`` is a zip package. The add-in starts from the ribbon add-in that
xlwings ships (``quickstart_addin_ribbon.xlam``, BSD-licensed) and is made ours
in two stages:

1. **Ribbon, at the zip level (any system).** Our ``macros/customUI.xml``
   replaces xlwings' sample ribbon part, and ``_rels/.rels`` gets the
   relationship type that matches the part's namespace. Tested on Linux.
2. **VBA, through Excel (Windows).** The add-in is opened in a hidden Excel and,
   through Excel's VBA object model (needs *Trust access to the VBA project
   object model*), xlwings' sample modules are replaced by ``macros/xlwings.bas``
   (xlwings' own add-in module, with ``PROJECT_NAME = "salesxl"``) and
   ``macros/SalesxlRibbon.bas``; the worksheet functions of
   :mod:`salesxl.udfs` are imported into the add-in as well.

Why stage 2 needs Excel: generating ``vbaProject.bin`` from source on Linux was
tried with ``ms-ovba`` 0.0.1; ``olevba`` reads its output, but the decompressed
source of ``xlwings.bas`` is garbled from line 16 on, so it cannot be trusted. A
``vbaProject.bin`` written by Excel itself is the supported path.

The VBA that xlwings ships names its version (``XLWINGS_VERSION``, the DLL
``xlwings64-<version>.dll``, the AppleScript file), so xlwings is pinned in
pyproject.toml to exactly the version of ``macros/xlwings.bas``; tests check it.

``salesxl configure`` writes ``salesxl.conf``, the file the add-in's VBA reads
(xlwings' ``GetConfig``) for the interpreter, the Conda settings and the UDF
module, so "python not found" cannot happen.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

PROJECT = "salesxl"
ADDIN_NAME = f"{PROJECT}.xlam"
MACROS = Path(__file__).resolve().parents[1] / "macros"
CUSTOM_UI = MACROS / "customUI.xml"
VBA_MODULES = ("xlwings.bas", "SalesxlRibbon.bas")
SAMPLE_MODULES = ("xlwings", "RibbonMyAddin")
UDF_MODULE = "salesxl.udfs"

RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
VBA_PART = "xl/vbaProject.bin"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


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


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def xlwings_template() -> Path:
    """xlwings' ribbon add-in, the starting point of ours."""
    return xlwings_dir() / "quickstart_addin_ribbon.xlam"


def xlwings_vba() -> bytes:
    """xlwings' add-in module as our add-in carries it: ``PROJECT_NAME = "salesxl"``.

    ``PROJECT_NAME`` decides the config file (``salesxl.conf``) and the config
    sheet name, so salesxl never reads or changes another add-in's settings.
    """
    source = (xlwings_dir() / "xlwings_custom_addin.bas").read_bytes()
    patched, count = re.subn(rb'(Public Const PROJECT_NAME As String = )"[^"]*"',
                             rb'\1"' + PROJECT.encode() + rb'"', source)
    if count != 1:
        raise RuntimeError("xlwings_custom_addin.bas no longer declares PROJECT_NAME once")
    return patched


def vba_version(bas: bytes) -> str:
    """The ``XLWINGS_VERSION`` a VBA module was written for."""
    match = re.search(rb'XLWINGS_VERSION As String = "([^"]+)"', bas)
    if not match:
        raise ValueError("no XLWINGS_VERSION in the VBA module")
    return match.group(1).decode()


# Stage 1: the ribbon, at the zip level --------------------------------------------------------------

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


def build_ribbon_package(template: Path, custom_ui: bytes, out: Path) -> Path:
    """Copy ``template`` to ``out`` with our ribbon in place of the template's."""
    ribbon = ribbon_part_for(custom_ui)
    temp = out.with_name(f"~{out.name}")
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target:
        rels = source.read(RELS)
        old_ribbons = {rel.get("Target").lstrip("/") for rel in ElementTree.fromstring(rels)
                       if rel.get("Type") in RIBBON_RELATIONSHIPS}
        for item in source.infolist():
            if item.filename in old_ribbons or item.filename == ribbon.part:
                continue
            data = with_ribbon_relationship(rels, ribbon) if item.filename == RELS else source.read(item)
            target.writestr(item, data)
        target.writestr(ribbon.part, custom_ui)
    os.replace(temp, out)
    return out


def package_problems(path: Path) -> list[str]:
    """What keeps ``path`` from being a macro-enabled add-in with our ribbon (empty when fine)."""
    problems = []
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
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


# Stage 2: the VBA, through Excel ----------------------------------------------------------------------

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
                f"then run `salesxl addin build` again. ({exc})") from exc
        for name in SAMPLE_MODULES:
            progress(f"移除示例模块 Removing xlwings' sample module {name}")
            components.Remove(components(name))
        for name in VBA_MODULES:
            progress(f"导入 Importing {name}")
            components.Import(str(MACROS / name))
        progress("导入工作表函数 Importing the worksheet functions")
        import_udfs(UDF_MODULE, book.api)
        book.save()
        book.close()


def build(out: Path, progress: Callable[[str], None] = lambda m: None, platform: str = sys.platform,
          ribbon_only: bool = False) -> Path:
    """``salesxl addin build``: the ribbon at the zip level, then (Windows) the VBA through Excel.

    ``ribbon_only`` stops after stage 1 (any system): the file then carries our
    ribbon but xlwings' sample VBA, for inspection only.
    """
    if not ribbon_only and not platform.startswith("win"):
        raise NeedsExcel(
            "Building the add-in needs Excel on Windows: after putting macros/customUI.xml into xlwings' "
            "ribbon add-in (any system; `salesxl addin build --ribbon-only` does just that), it opens the "
            "add-in in a hidden Excel, replaces xlwings' sample modules with macros/xlwings.bas and "
            "macros/SalesxlRibbon.bas through Excel's VBA object model, imports the worksheet functions of "
            "salesxl.udfs, and saves it. Nothing was written.")
    progress("替换功能区 Putting the salesxl ribbon in")
    build_ribbon_package(xlwings_template(), CUSTOM_UI.read_bytes(), out)
    problems = package_problems(out)
    if problems:
        raise RuntimeError("; ".join(problems))
    if not ribbon_only:
        import_vba(out, progress)
    return out


# Install and configure ----------------------------------------------------------------------------------

def config_path(platform: str = sys.platform, home: Path | None = None) -> Path:
    """Where the add-in's VBA looks for ``salesxl.conf`` (xlwings' ``GetConfigFilePath``)."""
    home = home or Path.home()
    if platform.startswith("darwin"):
        # Excel for Mac is sandboxed: its $HOME is its container.
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT}.conf"
    return home / f".{PROJECT}" / f"{PROJECT}.conf"


def conda_settings(executable: str, environ: dict | None = None) -> tuple[str, str] | None:
    """``(conda path, env name)`` when Python runs inside a Conda environment, else None."""
    environ = os.environ if environ is None else environ
    prefix = environ.get("CONDA_PREFIX")
    if not prefix or not Path(executable).resolve().is_relative_to(Path(prefix).resolve()):
        return None
    conda_exe = environ.get("CONDA_EXE")
    base = str(Path(conda_exe).parents[1]) if conda_exe else prefix
    return base, environ.get("CONDA_DEFAULT_ENV") or Path(prefix).name


def config_text(executable: str, platform: str = sys.platform, conda: tuple[str, str] | None = None) -> str:
    """The lines of ``salesxl.conf`` in the ``"KEY","value"`` form VBA's ``Input #`` reads."""
    lines = []
    if conda and platform.startswith("win"):
        # On Windows xlwings activates the Conda env itself (DLLs need the activation).
        lines += [("CONDA PATH", conda[0]), ("CONDA ENV", conda[1])]
    else:
        lines.append(("INTERPRETER_MAC" if platform.startswith("darwin") else "INTERPRETER_WIN", executable))
    lines.append(("UDF MODULES", UDF_MODULE))
    return "".join(f'"{key}","{value}"\r\n' for key, value in lines)


def configure(platform: str = sys.platform, home: Path | None = None, executable: str = sys.executable) -> Path:
    """``salesxl configure``: write the add-in's settings for this Python."""
    path = config_path(platform, home)
    text = config_text(executable, platform, conda_settings(executable))
    if not (platform.startswith("win") or platform.startswith("darwin")):
        raise NeedsExcel(
            f"Excel runs on Windows and macOS only. There, `salesxl configure` would write {path.name} "
            f"(Windows: %USERPROFILE%\\.salesxl\\salesxl.conf; macOS: ~/Library/Containers/com.microsoft.Excel/"
            f"Data/salesxl.conf) with:\n{text}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def install(addin: Path | None = None, platform: str = sys.platform,
            progress: Callable[[str], None] = lambda m: None) -> Path:
    """``salesxl addin install``: copy the add-in into Excel's XLSTART folder (like ``xlwings addin install``).

    Without ``addin`` it is built afresh first (Windows), so after an upgrade the
    installed add-in carries the current ribbon, VBA and worksheet functions.
    Excel opens everything in XLSTART when it starts, so the ribbon and the
    functions are there in every workbook.
    """
    if not (platform.startswith("win") or platform.startswith("darwin")):
        raise NeedsExcel(
            "Excel runs on Windows and macOS only. There, `salesxl addin install` would build salesxl.xlam "
            "(Windows), copy it into Excel's XLSTART folder (Excel's startup_path) so it opens with Excel, "
            "on macOS also install xlwings' AppleScript (like `xlwings runpython install`), and write salesxl.conf "
            "(see `salesxl configure`).")
    if addin is None:
        if not platform.startswith("win"):
            raise NeedsExcel("Excel for Mac cannot build the add-in: build it with `salesxl addin build` on "
                             "Windows, copy salesxl.xlam here and run `salesxl addin install salesxl.xlam`.")
        addin = build(Path(ADDIN_NAME).resolve(), progress, platform)
    import xlwings as xw

    progress("寻找 Excel 启动文件夹 Finding Excel's XLSTART folder")
    if xw.apps:
        startup = Path(xw.apps.active.startup_path)
    else:
        with xw.App(visible=False, add_book=False) as app:
            startup = Path(app.startup_path)
    startup.mkdir(parents=True, exist_ok=True)
    target = startup / ADDIN_NAME
    for app in xw.apps:
        for book in app.books:
            if book.name.casefold() == ADDIN_NAME:
                book.close()
    shutil.copyfile(addin, target)
    if platform.startswith("darwin"):
        from xlwings.cli import runpython_install

        runpython_install(None)
    return target


if __name__ == "__main__":  # python -m salesxl.addin: regenerate macros/xlwings.bas from the installed xlwings
    (MACROS / "xlwings.bas").write_bytes(xlwings_vba())
    print(f"wrote {MACROS / 'xlwings.bas'} for xlwings {vba_version(xlwings_vba())}")
