"""Pressing ribbon buttons, on the xlwings double (``xw.Book.caller()`` returns it)."""

from __future__ import annotations

import math
import shutil

import openpyxl
import pytest
import xlwings as xw

from salesxl import ribbon
from salesxl.steps.target import target
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.contract.base import PROBLEMS

from .workbook.fake_xlwings import book_from_file
from .workbook.test_livebook import contents_of_fake, contents_of_file


@pytest.fixture
def press(monkeypatch):
    """``press(path, button_id) -> book``: open ``path`` in the double and press a button."""
    def run(path, control_id, book=None):
        book = book or book_from_file(path)
        monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
        ribbon.dispatch(control_id)
        return book
    return run


def problem_rows(book):
    sheet = book.sheets[PROBLEMS.name]
    return [[sheet.cells[(r, c)].formula or sheet.cells[(r, c)].value if (r, c) in sheet.cells else None
             for c in range(1, 7)] for r in range(6, 1 + max(r for r, _ in sheet.cells))]


def test_check_on_a_clean_workbook_says_done_and_writes_nothing(workbook, press):
    book = press(workbook, "check")
    app = book.app
    assert [a["mode"] for a in app.alerts] == ["info"]
    assert app.alerts[0]["prompt"].startswith("完成 Done") and "sheets" in app.alerts[0]["prompt"]
    assert "salesxl 检查 Check: 读取输入表 Reading input sheets" in app.status_history
    assert app.status_bar == "salesxl 检查 Check: 完成 Done"
    assert PROBLEMS.name not in [s.name for s in book.sheets]


def test_check_with_errors_lists_them_and_links_each_to_its_cell(workbook, press):
    book = openpyxl.load_workbook(workbook)
    book["业务员 Reps"]["B3"] = None
    book["产品 Products"]["D4"] = "about 90"
    book.save(workbook)
    book = press(workbook, "check")
    alert = book.app.alerts[0]
    assert alert["mode"] == "critical"
    assert "业务员 Reps!B3 (姓名 Name): 错误 Error" in alert["prompt"]
    assert "产品 Products!D4 (单价 Unit price): 错误 Error" in alert["prompt"]
    assert book.app.status_bar.startswith("salesxl 检查 Check: 2 个错误")
    assert book.sheets.active.name == PROBLEMS.name
    # In the order the sheets are read: Products before Reps.
    assert problem_rows(book) == [
        ["错误 Error", '=HYPERLINK("#\'产品 Products\'!D4","产品 Products!D4")', "单价 Unit price",
         "“about 90”不是数字", "'about 90' is not a number", "not-a-number"],
        ["错误 Error", '=HYPERLINK("#\'业务员 Reps\'!B3","业务员 Reps!B3")', "姓名 Name",
         "必填项“姓名 Name”为空", "the required cell '姓名 Name' is empty", "empty-required"],
    ]


def test_a_fixed_workbook_gets_its_problems_sheet_cleared(workbook, press):
    book = openpyxl.load_workbook(workbook)
    book["业务员 Reps"]["B3"] = None
    book.save(workbook)
    book = press(workbook, "check")
    book.sheets["业务员 Reps"].range("B3").value = "'王五"
    press(workbook, "check", book)
    assert book.app.alerts[-1]["mode"] == "info"
    assert problem_rows(book) == [[None] * 6]
    assert "没有问题 No problems found." in {c.value for c in book.sheets[PROBLEMS.name].cells.values()}


def test_help_shows_versions_and_touches_no_sheet(workbook, press):
    book = press(workbook, "help")
    assert f"xlwings {xw.__version__}" in book.app.alerts[0]["prompt"]
    assert PROBLEMS.name not in [s.name for s in book.sheets]


@pytest.mark.parametrize("control_id", ["nope", "__class__", "dispatch", "BUTTONS"])
def test_an_unknown_button_is_refused_without_looking_it_up(workbook, press, control_id):
    book = press(workbook, control_id)
    assert book.app.alerts[0]["mode"] == "critical" and control_id in book.app.alerts[0]["prompt"]
    assert book.app.calls == 0


def test_a_long_list_of_problems_fits_the_message_box(workbook, press):
    book = openpyxl.load_workbook(workbook)
    for row in range(2, 10):
        book["业务员 Reps"][f"B{row}"] = None
        book["业务员 Reps"][f"C{row}"] = "Atlantis"
    book.save(workbook)
    book = press(workbook, "check")
    prompt = book.app.alerts[0]["prompt"]
    assert len(prompt) < 1024 and "more" in prompt and PROBLEMS.name in prompt
    assert len(problem_rows(book)) == 16


def test_an_unexpected_failure_gives_the_status_bar_back(workbook, press, monkeypatch):
    def broken(book, progress):
        progress("half way")
        raise RuntimeError("bug")

    monkeypatch.setitem(ribbon.BUTTONS, "check", ribbon.Button("检查 Check", broken, cli="check"))
    book = book_from_file(workbook)
    with pytest.raises(RuntimeError, match="bug"):  # xlwings shows the traceback in Excel
        press(workbook, "check", book)
    assert book.app.status_history == ["salesxl 检查 Check: half way", False]
    assert book.app.alerts == []


def same_cells(a: dict, b: dict) -> bool:
    """Equal cell by cell; numbers to 12 significant digits (a file stores them as decimal text)."""
    def same(x, y):
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
            return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-9)
        return x == y
    return a.keys() == b.keys() and all(same(a[k][0], b[k][0]) and a[k][1] == b[k][1] for k in a)


def test_target_from_the_ribbon_writes_what_the_cli_writes(workbook, tmp_path, press):
    book = book_from_file(shutil.copy(workbook, tmp_path / "live.xlsx"))
    result = target(FileWorkbook(workbook))
    press(workbook, "target", book)
    assert book.app.alerts[0]["mode"] == "info" and result.summary in book.app.alerts[0]["prompt"]
    for name in ("月度目标 Month Target", "任务结构 Target Structure"):
        file_cells, file_tables = contents_of_file(workbook, name)
        live_cells, live_tables = contents_of_fake(book, name)
        assert live_tables == file_tables and same_cells(file_cells, live_cells), name
    assert [s.name for s in book.sheets] == openpyxl.load_workbook(workbook).sheetnames
