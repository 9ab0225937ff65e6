"""Pressing ribbon buttons, on the xlwings double (``xw.Book.caller()`` returns it)."""

from __future__ import annotations


import openpyxl
import pytest
import xlwings as xw

from salesxl import ribbon
from salesxl.workbook.contract.base import PROBLEMS

from salesxl.steps import COMPUTING, WRITING
from salesxl.workbook import escape

from .workbook.fake_xlwings import book_from_file, cells, excel_of, state


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
    found = cells(book.sheets[PROBLEMS.name])
    return [[found[(r, c)].formula or found[(r, c)].value if (r, c) in found else None
             for c in range(1, 7)] for r in range(6, 1 + max(r for r, _ in found))]


def test_check_on_a_clean_workbook_says_done_and_writes_nothing(workbook, press):
    book = press(workbook, "check")
    excel = excel_of(book)
    assert [a["mode"] for a in excel.alerts] == ["info"]
    assert excel.alerts[0]["prompt"].startswith("完成 Done") and "sheets" in excel.alerts[0]["prompt"]
    assert "salesxl 检查 Check: 读取输入表 Reading input sheets · Esc 取消 cancel" in excel.status_history
    assert excel.status_bar == "salesxl 检查 Check: 完成 Done"
    assert PROBLEMS.name not in [s.name for s in book.sheets]


def test_check_with_errors_lists_them_and_links_each_to_its_cell(workbook, press):
    book = openpyxl.load_workbook(workbook)
    book["业务员 Reps"]["B3"] = None
    book["产品 Products"]["D4"] = "about 90"
    book.save(workbook)
    book = press(workbook, "check")
    alert = excel_of(book).alerts[0]
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
    assert excel_of(book).alerts[-1]["mode"] == "info"
    assert problem_rows(book) == [[None] * 6]
    assert "没有问题 No problems found." in {c.value for c in cells(book.sheets[PROBLEMS.name]).values()}


def test_help_shows_versions_and_touches_no_sheet(workbook, press):
    book = press(workbook, "help")
    assert f"xlwings {xw.__version__}" in excel_of(book).alerts[0]["prompt"]
    assert PROBLEMS.name not in [s.name for s in book.sheets]


@pytest.mark.parametrize("control_id", ["nope", "__class__", "dispatch", "BUTTONS"])
def test_an_unknown_button_is_refused_without_looking_it_up(workbook, press, control_id):
    book = press(workbook, control_id)
    assert excel_of(book).alerts[0]["mode"] == "critical" and control_id in excel_of(book).alerts[0]["prompt"]
    assert excel_of(book).calls == 0


def test_a_long_list_of_problems_fits_the_message_box(workbook, press):
    book = openpyxl.load_workbook(workbook)
    for row in range(2, 10):
        book["业务员 Reps"][f"B{row}"] = None
        book["业务员 Reps"][f"C{row}"] = "Atlantis"
    book.save(workbook)
    book = press(workbook, "check")
    prompt = excel_of(book).alerts[0]["prompt"]
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
    assert excel_of(book).status_history == ["salesxl 检查 Check: half way · Esc 取消 cancel", False]
    assert excel_of(book).alerts == []


def test_a_step_shows_its_progress_with_counts_and_lands_on_its_main_sheet(workbook, press):
    book = press(workbook, "target")
    shown = excel_of(book).status_history
    # Each sheet read with its rows, then computing from what was read, then each sheet written with its cells.
    assert any(str(m).startswith("salesxl 月度目标 Target: 读取 Reading 设置 Settings: ") and " 行 rows" in str(m)
               for m in shown)
    # The small demo's 7 plan sheets: 49 settings rows + 180 budget + 8 factors + 3,999 history + 12 products
    # + 4 role mix + 5 regions = 4,257 rows.
    assert f"salesxl 月度目标 Target: {COMPUTING}: 7 张表 sheets, 4,257 行 rows · Esc 取消 cancel" in shown
    writes = [m for m in shown if "写入 Writing " in str(m)]
    assert writes[0].startswith("salesxl 月度目标 Target: 写入 Writing 1/") and "月度目标 Month Target" in writes[0]
    assert all("Esc" not in m for m in writes)  # once writing has begun, it runs to its end
    assert book.sheets.active.name == "月度目标 Month Target"
    assert excel_of(book).status_bar.startswith("salesxl 月度目标 Target: 完成 Done")


@pytest.mark.parametrize("after", ["读取 Reading 设置 Settings", COMPUTING])
def test_esc_stops_the_step_at_the_next_phase_boundary_and_the_workbook_is_unchanged(workbook, press, monkeypatch,
                                                                                     after):
    book = book_from_file(workbook)
    excel = excel_of(book)
    before = state(book)
    monkeypatch.setattr(escape, "escape_down",
                        lambda hwnd: lambda: any(after in str(m) for m in excel.status_history))
    press(workbook, "breakdown", book)
    assert state(book) == before
    assert excel.status_bar == "salesxl 分解 Breakdown: 已取消，工作簿未修改 Cancelled; the workbook was not changed"
    assert excel.alerts == []  # the planner asked for it: no message box


def test_esc_once_writing_has_begun_lets_the_step_finish(workbook, press, monkeypatch):
    book = book_from_file(workbook)
    excel = excel_of(book)
    monkeypatch.setattr(escape, "escape_down", lambda hwnd: lambda: WRITING in str(excel.status_bar))
    press(workbook, "target", book)
    assert excel.alerts[-1]["mode"] == "info" and book.sheets.active.name == "月度目标 Month Target"


def test_the_escape_watch_hears_a_press_between_boundaries():
    pressed = []
    with escape.EscapeWatch(pressed=lambda: bool(pressed)) as watch:
        watch.check()  # nothing pressed yet
        pressed.append(True)
        watch.thread.join(timeout=2)  # the listening thread stops once it has heard Esc
        pressed.clear()  # the key is released before the next boundary: the press is remembered
        with pytest.raises(escape.Cancelled):
            watch.check()
