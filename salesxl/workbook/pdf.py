"""PDF export through LibreOffice headless (``soffice --headless --convert-to pdf``).

Each :class:`SheetOutput` is rendered into a workbook of its own in a temporary
folder (the file backend's rendering, page setup included) and all of them are
converted in one LibreOffice run, so a page per rep becomes a PDF per rep.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

import openpyxl

from ..problems import Problem, ProblemsFound
from .backend import SheetOutput
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
