"""PDF export through LibreOffice headless (``soffice --headless --convert-to pdf``).

Each :class:`SheetOutput` is rendered into a workbook of its own in a temporary
folder (the file backend's rendering, page setup included) and all of them are
converted by one LibreOffice run per core, so a page per rep becomes a PDF per rep.

A whole workbook's own sheets can be printed the same way (:func:`sheets_to_pdf`): one copy of
the file per sheet, with only that sheet visible, so each PDF holds exactly that sheet's pages
as a planner printing it would get them (the dashboard's one-page check, the docs' images).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

import openpyxl

from ..problems import Problem, ProblemsFound
from .backend import OWNER_MARKER, SheetOutput
from .package import Package, main_part, parse_xml, relationships, xml_bytes
from .render import render_sheet

SOFFICE_NAMES = ("soffice", "libreoffice")
MAC_SOFFICE = Path("LibreOffice.app/Contents/MacOS/soffice")
"""Inside an Applications folder (``/Applications``, or ``~/Applications`` for one user)."""
WINDOWS_APP_PATH = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\soffice.exe"


def find_soffice(platform: str = sys.platform, environ: dict | None = None, home: Path | None = None,
                 registry: Callable[[], list[str]] | None = None, root: Path = Path("/")) -> str | None:
    """LibreOffice's ``soffice``: on PATH, else where its installers put it.

    The Windows installer does not add LibreOffice to PATH: it registers
    ``soffice.exe`` under App Paths (``HKLM``/``HKCU\\...\\App Paths\\soffice.exe``)
    and installs into ``%ProgramFiles%\\LibreOffice\\program``. On macOS it is
    ``/Applications/LibreOffice.app`` (or the same under ``~/Applications``).
    """
    found = next((p for p in (shutil.which(n) for n in SOFFICE_NAMES) if p), None)
    if found:
        return found
    environ = os.environ if environ is None else environ
    if platform.startswith("win"):
        candidates = [Path(p) for p in (registry or windows_app_paths)()]
        for variable in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
            if environ.get(variable):
                base = Path(environ[variable]) / ("Programs" if variable == "LOCALAPPDATA" else "")
                candidates.append(base / "LibreOffice" / "program" / "soffice.exe")
    elif platform.startswith("darwin"):
        candidates = [root / "Applications" / MAC_SOFFICE, (home or Path.home()) / "Applications" / MAC_SOFFICE]
    else:
        candidates = []
    return next((str(p) for p in candidates if p.is_file()), None)


def windows_app_paths() -> list[str]:
    """``soffice.exe`` as registered under App Paths (machine, then user), where the Windows installer puts it."""
    try:
        import winreg
    except ImportError:  # not Windows
        return []
    found = []
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, WINDOWS_APP_PATH) as key:
                found.append(winreg.QueryValue(key, None))
        except OSError:
            continue
    return found


Converter = Callable[[list[Path], Path], None]
"""Turns each workbook file into ``<directory>/<stem>.pdf``: LibreOffice (:func:`libreoffice_pdf`) or Excel."""


def libreoffice_pdf(soffice: str, timeout: float = 300) -> Converter:
    """All the files in one LibreOffice run, with a private profile (so runs can convert side by side).

    The run may take ``timeout`` seconds and :data:`SECONDS_PER_FILE` more for each file it converts."""
    def convert(sources: list[Path], directory: Path) -> None:
        # LibreOffice may still be closing its profile when the run returns: what it leaves is not salesxl's to fail on.
        with tempfile.TemporaryDirectory(prefix="salesxl-lo-", ignore_cleanup_errors=True) as profile:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(directory), *map(str, sources)],
                           check=True, capture_output=True, timeout=timeout + SECONDS_PER_FILE * len(sources))
    return convert


SECONDS_PER_FILE = 5
"""How much longer a LibreOffice run may take for each file it converts: a rep's few pages take about a quarter of
a second of a core; a busy machine stretches that many times. A fixed limit failed the export of 1,000 reps'
commitments (500 files a run) on a loaded machine."""


def excel_pdf(app) -> Converter:
    """Excel's own export (xlwings' free ``Book.to_pdf``) in the Excel ``app`` that runs the ribbon.

    Each file is opened, exported with its own page setup (the file backend's
    A4 pages) and closed unsaved, so the planner's workbook is not touched.
    """
    def convert(sources: list[Path], directory: Path) -> None:
        for source in sources:
            book = app.books.open(str(source))
            try:
                book.to_pdf(str(directory / f"{source.stem}.pdf"), show=False)
            finally:
                book.close()
    return convert


def export_pdfs(outputs: Sequence[tuple[str, SheetOutput]], directory: Path, timeout: float = 300,
                converter: Converter | None = None) -> list[Path]:
    """Write ``directory/<stem>.pdf`` for each ``(stem, sheet)``.

    ``converter`` defaults to LibreOffice, one run per core (:data:`CONVERTERS`); without it (and no
    converter given) this raises ProblemsFound, a warning the step passes on. A converter given (Excel's)
    converts every file at once, on the calling thread.
    """
    runs = 1
    if converter is None:
        converter, runs = libreoffice_pdf(need_soffice(), timeout), CONVERTERS
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="salesxl-pdf-", ignore_cleanup_errors=True) as temp:
        def rendered(item: tuple[str, SheetOutput]) -> Path:
            stem, output = item
            book = openpyxl.Workbook()
            render_sheet(book.active, output, set())
            book.active.title = output.sheet.name[:31]
            source = Path(temp) / f"{stem}.xlsx"
            book.save(source)
            return source

        convert_in_shares(outputs, rendered, converter, runs, directory)
    return [directory / f"{stem}.pdf" for stem, _ in outputs]


def need_soffice() -> str:
    """:func:`find_soffice`, or ProblemsFound (a warning the step passes on) where there is none."""
    soffice = find_soffice()
    if soffice is None:
        raise ProblemsFound([Problem(None, None, None, "no-libreoffice",
                                     "没有找到 LibreOffice（soffice），无法导出 PDF；请安装 LibreOffice，或在 Excel 中打印该表",
                                     "LibreOffice (soffice) was not found, so no PDF was written; install "
                                     "LibreOffice or print the sheet from Excel", "warning")])
    return soffice


CONVERTERS = 2
"""LibreOffice runs converting at the same time, each with its own profile: laying out and exporting the
pages is nearly all of an export's time, and one run uses one core (200 reps' pages: about 50 s of
LibreOffice's time on this machine's cores)."""


def convert_in_shares(items: Sequence, source_of: Callable[[Any], Path], converter: Converter, runs: int,
                      directory: Path) -> None:
    """``items`` cut into ``runs`` shares; each share's files are made (``source_of``) and handed to
    ``converter`` at once, so the next share is made while the one before converts. Every share but the last
    converts on a thread of its own, the last on the calling thread (all of them, for one run: Excel's export
    stays on the thread that drives Excel). A failed conversion raises once the others have finished."""
    cut = shares(list(items), runs)
    with ThreadPoolExecutor(max(len(cut) - 1, 1)) as pool:
        converting = []
        for k, share in enumerate(cut):
            sources = [source_of(item) for item in share]
            if k < len(cut) - 1:
                converting.append(pool.submit(converter, sources, directory))
            else:
                converter(sources, directory)
        for run in converting:
            run.result()


def shares(items: list, count: int) -> list[list]:
    """``items`` cut into at most ``count`` consecutive shares of nearly equal length (none empty)."""
    size, extra = divmod(len(items), count)
    cut, found = 0, []
    for k in range(count):
        length = size + (k < extra)
        if length:
            found.append(items[cut:cut + length])
        cut += length
    return found


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
    """One PDF per sheet of ``workbook``, as LibreOffice prints it (one LibreOffice run per core).

    ``{sheet name: directory/<n>.pdf}``; raises ProblemsFound without LibreOffice.
    """
    soffice = find_soffice()
    if soffice is None:
        raise ProblemsFound([Problem(None, None, None, "no-libreoffice", "没有找到 LibreOffice（soffice），无法导出 PDF",
                                     "LibreOffice (soffice) was not found, so no PDF was written", "warning")])
    directory.mkdir(parents=True, exist_ok=True)
    blob = Path(workbook).read_bytes()
    with tempfile.TemporaryDirectory(prefix="salesxl-render-", ignore_cleanup_errors=True) as temp:
        def alone(item: tuple[int, str]) -> Path:
            n, sheet = item
            source = Path(temp) / f"sheet{n:02d}.xlsx"
            source.write_bytes(with_only_sheet(blob, sheet))
            return source

        convert_in_shares(list(enumerate(sheets, start=1)), alone, libreoffice_pdf(soffice, timeout), CONVERTERS,
                          directory)
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
