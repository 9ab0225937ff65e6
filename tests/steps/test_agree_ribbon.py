"""The step-3 buttons (下发草案 Issue draft, 确认目标 Agree, 军令状 Commitments) on the xlwings double.

Each writes what its CLI twin writes. Commitments pressed in Excel has no ``--pdf DIR`` to type: the
PDFs go in the folder ``<name> 军令状 PDF`` beside a saved workbook, exported by Excel itself (xlwings'
``to_pdf``), so no LibreOffice is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import xlwings as xw

from salesxl import ribbon
from salesxl.steps.agree import agree, issue_draft
from salesxl.steps.commitments import commitments
from salesxl.workbook import pdf
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.breakdown import ISSUED_SHEETS

from ..test_ribbon import same_cells
from ..workbook.fake_xlwings import book_from_file
from ..workbook.test_livebook import contents_of_fake, contents_of_file

FEEDBACK = "反馈 Feedback"
AGREED = "目标确认 Agreed Targets"
COMMITMENTS = "军令状 Commitments"


def press(monkeypatch, book, control_id):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch(control_id)
    return book.app.alerts[-1]


def same_sheet(path: Path, book, name: str) -> bool:
    file_cells, file_tables = contents_of_file(path, name)
    live_cells, live_tables = contents_of_fake(book, name)
    if name == AGREED:  # the subtitle carries the minute of the round: the two rounds ran seconds apart
        stamp = file_cells.pop((3, 1))[0], live_cells.pop((3, 1))[0]  # under the run line
        assert stamp[0].rsplit(" · ", 2)[0] == stamp[1].rsplit(" · ", 2)[0], stamp
    return live_tables == file_tables and same_cells(file_cells, live_cells)


def test_issue_draft_then_agree_write_what_the_cli_writes(tmp_path, small_demo_file, monkeypatch):
    path = shutil.copy(small_demo_file, tmp_path / "plan.xlsx")
    book = book_from_file(shutil.copy(small_demo_file, tmp_path / "live.xlsx"))
    issued = issue_draft(FileWorkbook(path))
    alert = press(monkeypatch, book, "issueDraft")
    assert alert["mode"] == "info" and issued.summary in alert["prompt"], alert["prompt"]
    assert same_sheet(path, book, FEEDBACK)
    agreed = agree(FileWorkbook(path))
    alert = press(monkeypatch, book, "agree")
    assert alert["mode"] == "info" and agreed.summary in alert["prompt"], alert["prompt"]
    assert same_sheet(path, book, AGREED)
    assert set(openpyxl.load_workbook(path).sheetnames) == {s.name for s in book.sheets}


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
    book = book_from_file(shutil.copy(path, tmp_path / "live.xlsx"))
    book.fullname = str(tmp_path / "live.xlsx")
    exported = []
    monkeypatch.setattr(pdf, "export_pdfs", lambda outputs, directory, converter: exported.append(
        (outputs, directory, converter)) or [directory / f"{stem}.pdf" for stem, _ in outputs])
    result = commitments(FileWorkbook(path))
    alert = press(monkeypatch, book, "commitments")
    assert alert["mode"] == "info" and result.summary in alert["prompt"]
    assert f"files in {tmp_path / 'live 军令状 PDF'}" in alert["prompt"]
    assert same_sheet(path, book, COMMITMENTS)
    [(outputs, directory, converter)] = exported
    assert directory == tmp_path / "live 军令状 PDF"
    assert converter.__qualname__ == pdf.excel_pdf(book.app).__qualname__  # Excel's own export, not LibreOffice
    issued, _ = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS, only=["rep_targets"])
    reps = issued["rep_targets"]
    assert [stem for stem, _ in outputs] == [f"军令状_{r}_{n}" for r, n in zip(reps["rep_id"], reps["name"])]
    assert all(len(o.tables) and o.sheet.name == COMMITMENTS for _, o in outputs)


class ExcelDouble:
    """Excel's side of ``Book.to_pdf``: open a file, export it with its page setup, close it unsaved."""

    def __init__(self):
        self.log: list[tuple[str, str]] = []

    def open(self, fullname):
        double = self

        class Opened:
            def to_pdf(self, path, show=False):
                assert show is False
                import openpyxl as reader

                sheet = reader.load_workbook(fullname).active
                Path(path).write_bytes(f"{sheet.title}|{sheet.page_setup.paperSize}".encode())
                double.log.append(("to_pdf", Path(path).name))

            def close(self):
                double.log.append(("close", Path(fullname).name))

        double.log.append(("open", Path(fullname).name))
        return Opened()


def test_commitments_from_the_ribbon_exports_each_page_with_excel_and_no_libreoffice(tmp_path, small_demo_file,
                                                                                     monkeypatch):
    path = agreed_copy(tmp_path, small_demo_file)
    book = book_from_file(shutil.copy(path, tmp_path / "live.xlsx"))
    book.fullname = str(tmp_path / "live.xlsx")
    excel = ExcelDouble()

    class Books(list):  # the double's list of open books, with Excel's open()
        def open(self, fullname):
            return excel.open(fullname)

    book.app.books = Books(book.app.books)
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
    assert {(folder / f"{s}.pdf").read_bytes() for s in stems} == {f"{COMMITMENTS}|9".encode()}
    assert f"PDF: {len(stems)} 个文件 files in {folder}" in alert["prompt"]
    assert same_sheet(path, book, COMMITMENTS)
