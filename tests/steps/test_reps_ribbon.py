"""下发到业务员 Issue to reps and 收回 Collect pressed in Excel (the xlwings double).

The ribbon has no place to type a folder: the files go to ``<name> 业务员文件 Rep files`` beside the
saved workbook and come back from ``<name> 收回 Returned``.
"""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import xlwings as xw

from salesxl import ribbon
from salesxl.steps.agree import agree, issue_draft
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.repbook import read_returned

from ..workbook.fake_xlwings import book_from_file, cells, excel_of

LOG = "日志 Daily Log"


def press(monkeypatch, book, control_id):
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch(control_id)
    return excel_of(book).alerts[-1]


def test_issue_to_reps_then_collect_from_the_folders_beside_the_workbook(tmp_path, small_demo_file, monkeypatch):
    path = shutil.copy(small_demo_file, tmp_path / "live.xlsx")
    assert issue_draft(FileWorkbook(path)).ok and agree(FileWorkbook(path)).ok
    book = book_from_file(path, saved=True)
    alert = press(monkeypatch, book, "issueFiles")
    assert alert["mode"] == "info", alert["prompt"]
    files = sorted((tmp_path / "live 业务员文件 Rep files").glob("*.xlsx"))
    reps = openpyxl.load_workbook(path, read_only=True)["业务员 Reps"]
    active = [r[0] for r in reps.iter_rows(min_row=2, values_only=True) if r[0] and r[4] != "否"]
    assert [f.name.split("_")[1] for f in files] == active
    fingerprint = read_returned(files[0]).fingerprint
    assert (fingerprint.master_name, fingerprint.version, fingerprint.rep_id) == ("live.xlsx", 1, active[0])

    # Collect before anything came back: the Returned folder is made, and the message says to put the files there.
    returned = tmp_path / "live 收回 Returned"
    alert = press(monkeypatch, book, "collect")
    assert alert["mode"] == "critical" and f"put the files the reps sent back in {returned}" in alert["prompt"]
    assert returned.is_dir()

    # The first rep logs one visit and sends the file back; the manager drops it in the Returned folder.
    filled = openpyxl.load_workbook(files[0])
    outlet = filled["清单 Lists"]["B2"].value
    filled[LOG].append([dt.datetime(2026, 12, 21), active[0], 1, outlet, "是", "是"])
    filled.save(returned / files[0].name)
    last = max(r for r, _ in cells(book.sheets[LOG]))
    alert = press(monkeypatch, book, "collect")
    assert alert["mode"] == "info", alert["prompt"]
    assert "日志 daily log 1" in alert["prompt"]
    log = cells(book.sheets[LOG])
    assert [log[(last + 1, c)].value for c in range(1, 5)] == [dt.datetime(2026, 12, 21), active[0], 1, outlet]
    assert "收回记录 Collection Log" in [s.name for s in book.sheets]


def test_a_workbook_never_saved_has_no_folder_for_the_files(tmp_path, small_demo_file, monkeypatch):
    class Unsaved:
        fullname = "Book1"

    assert ribbon.rep_files_beside_workbook(Unsaved()) == {} == ribbon.returned_beside_workbook(Unsaved())
    book = book_from_file(small_demo_file)  # not saved: like a new Book1
    alert = press(monkeypatch, book, "issueFiles")
    assert alert["mode"] == "critical" and "save the workbook first" in alert["prompt"]
