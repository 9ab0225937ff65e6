"""Checked as a person would see it: the demo's own sheets printed by LibreOffice, then rasterised.

The small demo runs every demo step; each sheet salesxl owns is printed to PDF (one LibreOffice run
for all of them, with only that sheet visible in its copy of the workbook) and each page is turned
into a grey image with pdftoppm. A page must exist, must not be blank (its pixels vary), and the
dashboard must be exactly one page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from salesxl.workbook.pdf import find_soffice, owned_sheets, pdf_to_pngs, sheets_to_pdf

pytestmark = pytest.mark.skipif(find_soffice() is None or shutil.which("pdftoppm") is None,
                                reason="rendering needs LibreOffice (soffice) and poppler's pdftoppm; "
                                       "apt-get install libreoffice-calc-nogui poppler-utils fonts-noto-cjk")

DASHBOARD = "总览 Dashboard"


def read_pgm(path: Path) -> np.ndarray:
    """A binary PGM (P5, 8-bit) as a 2-D array: pdftoppm -gray writes these."""
    data = path.read_bytes()
    fields, position = [], 0
    while len(fields) < 4:  # magic, width, height, maximum, separated by whitespace
        while data[position:position + 1].isspace():
            position += 1
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5" and int(fields[3]) == 255
    width, height = int(fields[1]), int(fields[2])
    return np.frombuffer(data[position + 1:position + 1 + width * height], dtype=np.uint8).reshape(height, width)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, demo_after_every_step):
    """``{sheet: [page images]}`` of every visible sheet salesxl wrote in the small demo."""
    folder = tmp_path_factory.mktemp("rendered")
    workbook = demo_after_every_step
    sheets = owned_sheets(workbook)
    pdfs = sheets_to_pdf(workbook, sheets, folder / "pdf")
    return {sheet: pdf_to_pngs(pdf, folder / "pages" / pdf.stem, dpi=20, gray=True) if pdf.exists() else []
            for sheet, pdf in pdfs.items()}


def test_every_owned_sheet_prints_pages_that_are_not_blank(rendered):
    assert DASHBOARD in rendered and "月度目标 Month Target" in rendered and "进度 Progress" in rendered
    for sheet, pages in rendered.items():
        assert pages, f"{sheet}: no page printed"
        blank = [p.name for p in pages if read_pgm(p).std() < 0.5]  # a blank page is one flat grey level
        assert not blank, f"{sheet}: blank pages {blank}"


def test_the_dashboard_prints_on_exactly_one_landscape_page(rendered):
    (page,) = rendered[DASHBOARD]
    image = read_pgm(page)
    assert image.shape[1] > image.shape[0]  # landscape: wider than tall
    ink = image < 128
    # The charts fill the page: ink in each third of its width and in its lower half, not just the title.
    lower = ink[image.shape[0] // 2:]
    thirds = np.array_split(lower, 3, axis=1)
    assert all(part.mean() > 0.005 for part in thirds)
