"""The step-3 buttons (下发草案 Issue draft, 确认目标 Agree, 军令状 Commitments) on the xlwings double.

That each writes what its CLI twin writes is tests/steps/test_live_contract.py's. Commitments pressed
in Excel has no ``--pdf DIR`` to type: the
PDFs go in the folder ``<name> 军令状 PDF`` beside a saved workbook, exported by Excel itself (xlwings'
``to_pdf``), so no LibreOffice is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xlwings as xw

from salesxl import ribbon
from salesxl.steps.agree import agree, issue_draft
from salesxl.steps.commitments import commitments
from salesxl.workbook import pdf
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.breakdown import ISSUED_SHEETS

from ..workbook.fake_xlwings import book_from_file, excel_of

COMMITMENTS = "军令状 Commitments"


def press(monkeypatch, book, control_id):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch(control_id)
    return excel_of(book).alerts[-1]


def test_commitments_pdfs_go_in_a_folder_beside_a_saved_workbook(tmp_path):
    class Saved:
        fullname = str(tmp_path / "plan 2026.xlsx")
        app = object()

    class Unsaved:
        fullname = "Book1"

    options = ribbon.pdf_beside_workbook(Saved())
    assert set(options) == {"pdf_dir", "pdf_converter"} and options["pdf_dir"] == tmp_path / "plan 2026 军令状 PDF"
    assert ribbon.pdf_beside_workbook(Unsaved()) == {}


def agreed_copy(tmp_path, small_demo_file) -> Path:
    path = shutil.copy(small_demo_file, tmp_path / "plan.xlsx")
    assert issue_draft(FileWorkbook(path)).ok and agree(FileWorkbook(path)).ok
    return path


def test_commitments_button_writes_the_sheet_and_hands_the_pages_to_the_pdf_export(tmp_path, small_demo_file,
                                                                                    monkeypatch):
    path = agreed_copy(tmp_path, small_demo_file)
    book = book_from_file(shutil.copy(path, tmp_path / "live.xlsx"), saved=True)
    exported = []
    monkeypatch.setattr(pdf, "export_pdfs", lambda outputs, directory, converter: exported.append(
        (outputs, directory, converter)) or [directory / f"{stem}.pdf" for stem, _ in outputs])
    result = commitments(FileWorkbook(path))
    alert = press(monkeypatch, book, "commitments")
    assert alert["mode"] == "info" and result.summary in alert["prompt"]
    assert f"files in {tmp_path / 'live 军令状 PDF'}" in alert["prompt"]
    assert COMMITMENTS in [s.name for s in book.sheets]
    [(outputs, directory, converter)] = exported
    assert directory == tmp_path / "live 军令状 PDF"
    assert converter.__qualname__ == pdf.excel_pdf(book.app).__qualname__  # Excel's own export, not LibreOffice
    issued, _ = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS, only=["rep_targets"])
    reps = issued["rep_targets"]
    assert [stem for stem, _ in outputs] == [f"军令状_{r}_{n}" for r, n in zip(reps["rep_id"], reps["name"])]
    assert all(len(o.tables) and o.sheet.name == COMMITMENTS for _, o in outputs)


def test_commitments_from_the_ribbon_exports_each_page_with_excel_and_no_libreoffice(tmp_path, small_demo_file,
                                                                                     monkeypatch):
    path = agreed_copy(tmp_path, small_demo_file)
    book = book_from_file(shutil.copy(path, tmp_path / "live.xlsx"), saved=True)
    excel = excel_of(book)
    monkeypatch.setattr(pdf, "find_soffice", lambda *a, **k: None)
    written = commitments(FileWorkbook(path))  # the CLI twin, no PDFs: the sheet to compare with
    alert = press(monkeypatch, book, "commitments")
    assert alert["mode"] == "info" and "LibreOffice" not in alert["prompt"], alert["prompt"]
    assert written.summary in alert["prompt"]
    folder = tmp_path / "live 军令状 PDF"
    issued, _ = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS, only=["rep_targets"])
    stems = [f"军令状_{r}_{n}" for r, n in zip(issued["rep_targets"]["rep_id"], issued["rep_targets"]["name"])]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.pdf" for s in stems)
    # Each page opened, exported with the file backend's A4 page setup (paper size 9), closed: in that order.
    assert excel.log == [entry for s in stems for entry in (("open", f"{s}.xlsx"), ("to_pdf", f"{s}.pdf"),
                                                            ("close", f"{s}.xlsx"))]
    assert [b.name for b in excel.books] == ["live.xlsx"]  # every page's book closed again
    assert {(folder / f"{s}.pdf").read_bytes() for s in stems} == {f"{COMMITMENTS}|9".encode()}
    assert f"PDF: {len(stems)} 个文件 files in {folder}" in alert["prompt"]
    assert COMMITMENTS in [s.name for s in book.sheets]
