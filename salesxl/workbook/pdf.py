"""PDF export through LibreOffice headless (``soffice --headless --convert-to pdf``).

Each :class:`SheetOutput` is rendered into a workbook of its own in a temporary
folder (the file backend's rendering, page setup included) and all of them are
converted in one LibreOffice run, so a page per rep becomes a PDF per rep.

A whole workbook's own sheets can be printed the same way (:func:`sheets_to_pdf`): one copy of
the file per sheet, with only that sheet visible, so each PDF holds exactly that sheet's pages
as a planner printing it would get them (the dashboard's one-page check, the docs' images).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

import openpyxl

from ..problems import Problem, ProblemsFound
from .backend import OWNER_MARKER, SheetOutput
from .package import Package, main_part, parse_xml, relationships, xml_bytes
from .render import render_sheet

SOFFICE_NAMES = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    return next((p for p in (shutil.which(n) for n in SOFFICE_NAMES) if p), None)


def export_pdfs(outputs: Sequence[tuple[str, SheetOutput]], directory: Path, timeout: float = 300) -> list[Path]:
    """Write ``directory/<stem>.pdf`` for each ``(stem, sheet)``; raise ProblemsFound without LibreOffice."""
    soffice = find_soffice()
    if soffice is None:
        raise ProblemsFound([Problem(None, None, None, "no-libreoffice",
                                     "没有找到 LibreOffice（soffice），无法导出 PDF；请安装 LibreOffice，或在 Excel 中打印该表",
                                     "LibreOffice (soffice) was not found, so no PDF was written; install LibreOffice "
                                     "or print the sheet from Excel", "warning")])
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="salesxl-pdf-") as temp:
        sources = []
        for stem, output in outputs:
            book = openpyxl.Workbook()
            render_sheet(book.active, output, set())
            book.active.title = output.sheet.name[:31]
            source = Path(temp) / f"{stem}.xlsx"
            book.save(source)
            sources.append(source)
        profile = Path(temp) / "profile"
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(directory), *map(str, sources)],
                       check=True, capture_output=True, timeout=timeout)
    return [directory / f"{stem}.pdf" for stem, _ in outputs]


# ---- Rendering a workbook's own sheets as a person would see them (the dashboard's check and docs images) ----

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EMPTY_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')


def owned_sheets(workbook: Path, visible_only: bool = True) -> list[str]:
    """The names of the sheets salesxl wrote (those carrying the ownership marker), in tab order."""
    package = Package(Path(workbook).read_bytes())
    root = parse_xml(package.read(main_part(package)))
    sheets = list(root.iter(f"{{{MAIN_NS}}}sheet"))
    marked = {int(n.get("localSheetId")) for n in root.iter(f"{{{MAIN_NS}}}definedName")
              if n.get("name") == OWNER_MARKER and (n.get("localSheetId") or "").isdigit()}
    return [s.get("name") for i, s in enumerate(sheets)
            if i in marked and not (visible_only and s.get("state") in ("hidden", "veryHidden"))]


def with_only_sheet(blob: bytes, sheet: str, lighten: bool = True) -> bytes:
    """The workbook with every sheet but ``sheet`` hidden and ``sheet`` active, so it alone prints.

    The other sheets' print areas are dropped (LibreOffice prints a print area even on a hidden
    sheet) and, with ``lighten``, their cells too (a copy made only to print one sheet need not carry
    years of history); ``sheet`` itself, its drawing and charts are copied byte for byte.
    """
    package = Package(blob)
    part = main_part(package)
    root = parse_xml(package.read(part))
    names = [s.get("name") for s in root.iter(f"{{{MAIN_NS}}}sheet")]
    if lighten:  # the other sheets are not printed: empty them, so LibreOffice loads the copy quickly
        parts = {r.id: r.target for r in relationships(package, part)}
        # ...except a sheet a workbook name points into: the tier colours compare with Settings cells
        referenced = {n for n in names for d in root.iter(f"{{{MAIN_NS}}}definedName")
                      if not (d.get("name") or "").startswith("_xlnm.") and n and
                      (f"'{n}'!" in (d.text or "") or f"{n}!" in (d.text or ""))}
        for element in root.iter(f"{{{MAIN_NS}}}sheet"):
            target = parts.get(element.get(f"{{{REL_NS}}}id"))
            if element.get("name") not in (sheet, *referenced) and target and target in package:
                package.write(target, EMPTY_SHEET)
    for element in root.iter(f"{{{MAIN_NS}}}sheet"):
        if element.get("name") == sheet:
            element.attrib.pop("state", None)
        else:
            element.set("state", "hidden")
    for name in list(root.iter(f"{{{MAIN_NS}}}definedName")):  # LibreOffice prints a hidden sheet's print area
        if name.get("name") == "_xlnm.Print_Area" and name.get("localSheetId") != str(names.index(sheet)):
            name.getparent().remove(name)
    for view in root.iter(f"{{{MAIN_NS}}}workbookView"):
        view.set("activeTab", str(names.index(sheet)))
        view.set("firstSheet", str(names.index(sheet)))
    package.write(part, xml_bytes(root))
    return package.to_bytes()


def sheets_to_pdf(workbook: Path, sheets: Sequence[str], directory: Path, timeout: float = 600) -> dict[str, Path]:
    """One PDF per sheet of ``workbook``, as LibreOffice prints it, all in one LibreOffice run.

    ``{sheet name: directory/<n>.pdf}``; raises ProblemsFound without LibreOffice.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ProblemsFound([Problem(None, None, None, "no-libreoffice", "没有找到 LibreOffice（soffice），无法导出 PDF",
                                     "LibreOffice (soffice) was not found, so no PDF was written", "warning")])
    directory.mkdir(parents=True, exist_ok=True)
    blob = Path(workbook).read_bytes()
    with tempfile.TemporaryDirectory(prefix="salesxl-render-") as temp:
        sources = []
        for n, sheet in enumerate(sheets, start=1):
            source = Path(temp) / f"sheet{n:02d}.xlsx"
            source.write_bytes(with_only_sheet(blob, sheet))
            sources.append(source)
        profile = Path(temp) / "profile"
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(directory), *map(str, sources)],
                       check=True, capture_output=True, timeout=timeout)
    return {sheet: directory / f"sheet{n:02d}.pdf" for n, sheet in enumerate(sheets, start=1)}


def pdf_to_pngs(pdf: Path, stem: Path, dpi: int = 80, first: int | None = None, last: int | None = None,
                gray: bool = False) -> list[Path]:
    """The pages of ``pdf`` as images ``<stem>-<page>.png`` (``.pgm`` when ``gray``), through poppler's pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ProblemsFound([Problem(None, None, None, "no-pdftoppm", "没有找到 pdftoppm（poppler-utils）",
                                     "pdftoppm (poppler-utils) was not found", "warning")])
    stem.parent.mkdir(parents=True, exist_ok=True)
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    subprocess.run([pdftoppm, "-r", str(dpi), *pages, *(["-gray"] if gray else ["-png"]), str(pdf), str(stem)],
                   check=True, capture_output=True, timeout=300)
    suffix = ".pgm" if gray else ".png"
    return sorted(stem.parent.glob(f"{stem.name}-*{suffix}"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
