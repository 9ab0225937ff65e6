"""A click in Excel writes the workbook the command writes: every button, both backends, every part of a sheet.

The small demo is taken through the month the way ``salesxl demo`` takes it, once on a file with
each button's CLI step and once in "Excel" (the xlwings double) by pressing the buttons; the
month-end demo then takes the close and the dashboard. After each button, each sheet the step
wrote is described on both sides (:mod:`tests.workbook.describe`: values, formulas, number
formats, the look of every cell, widths, tables, conditional formats, charts, names, frozen panes,
page setup, page breaks, hidden state) and the descriptions must be equal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xlwings as xw

from salesxl import ribbon
from salesxl.problems import render
from salesxl.demo import fill_demo_feedback
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.livebook import LiveWorkbook
from salesxl.workbook.contract.base import PROBLEMS

from ..workbook.describe import describe_file, describe_live, differences, unstamped
from ..workbook.fake_xlwings import book_from_file, excel_of

PLAN_MONTH_BUTTONS = ["check", "target", "backtest", "breakdown", "issueDraft", "agree", "commitments", "expenses",
                      "expenseReview", "issueFiles", "collect", "track", "weekly", "followups", "dashboard", "help"]
MONTH_END_BUTTONS = ["close", "dashboard"]
FILE_REP_FILES, FILE_RETURNED = "file rep files", "file returned"
FILE_OPTIONS = {"issueFiles": lambda path: {"outdir": Path(path).parent / FILE_REP_FILES},
                "collect": lambda path: {"files": [Path(path).parent / FILE_RETURNED]}}
"""A command's folders, typed on the command line (the ribbon's are beside the workbook)."""


def reps_answer(path, book) -> None:
    """The reps' answers to the draft and the manager's decisions (the demo's), typed on both sides."""
    assert fill_demo_feedback(FileWorkbook(path)).ok and fill_demo_feedback(LiveWorkbook(book)).ok


def reps_send_back(path, book) -> None:
    """The reps return their files unchanged: on each side, the issued files go into the folder collect reads."""
    beside = (lambda folder: ribbon.beside_workbook(book, folder))
    folders = [(Path(path).parent / FILE_REP_FILES, Path(path).parent / FILE_RETURNED),
               (beside(ribbon.REP_FILES_FOLDER), beside(ribbon.RETURNED_FOLDER))]
    for issued, returned in folders:
        returned.mkdir(exist_ok=True)
        for file in issued.glob("*.xlsx"):
            shutil.copy(file, returned / file.name)


BEFORE = {"agree": reps_answer, "collect": reps_send_back}
"""What happens between buttons, done on both sides: the reps' answers to the draft, the files they send back."""


def run_both(path, book, buttons, monkeypatch) -> dict[str, tuple]:
    """Press each button in the double and run its step on the file; what each wrote, described."""
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    found = {}
    for control_id in buttons:
        if control_id in BEFORE:
            BEFORE[control_id](path, book)
        button = ribbon.BUTTONS[control_id]
        result = button.step(FileWorkbook(path), **FILE_OPTIONS.get(control_id, lambda path: {})(path))
        assert result.ok, [render(p) for p in result.problems]
        alerts = len(excel_of(book).alerts)
        ribbon.dispatch(control_id)
        alert = excel_of(book).alerts[alerts]
        assert alert["mode"] == "info", alert["prompt"]
        live_names = [s.name for s in book.sheets if s.name != PROBLEMS.name]
        found[control_id] = (result.written, describe_file(path, result.written),
                             describe_live(book, [n for n in result.written if n in live_names]),
                             FileWorkbook(path).sheet_names(), live_names, book.sheets.active.name)
    return found


def contract(tmp_path_factory, source, buttons) -> dict[str, tuple]:
    folder = tmp_path_factory.mktemp("contract")
    path = shutil.copy(source, folder / "plan.xlsx")
    book = book_from_file(shutil.copy(source, folder / "live.xlsx"), saved=True)  # its folders beside it
    with pytest.MonkeyPatch.context() as monkeypatch:
        return run_both(path, book, buttons, monkeypatch)


@pytest.fixture(scope="module")
def plan_month(tmp_path_factory, small_demo_file):
    return contract(tmp_path_factory, small_demo_file, PLAN_MONTH_BUTTONS)


@pytest.fixture(scope="module")
def month_end(tmp_path_factory, released_file):
    return contract(tmp_path_factory, released_file, MONTH_END_BUTTONS)


def assert_same(found, control_id):
    written, on_file, live, file_names, live_names, active = found[control_id]
    assert live_names == file_names, "the same sheets, in the same order"
    shown = [name for name in written if not on_file[name].hidden]
    if shown:
        assert active == shown[0], "the planner lands on the step's main sheet"
    for name in written:
        a, b = unstamped(on_file[name]), unstamped(live[name])
        assert a == b, f"{control_id} · {name}: " + "\n".join(differences(a, b))


def test_every_button_is_in_the_contract():
    assert set(PLAN_MONTH_BUTTONS) | set(MONTH_END_BUTTONS) == set(ribbon.BUTTONS) - {"init"}


@pytest.mark.parametrize("control_id", PLAN_MONTH_BUTTONS)
def test_the_button_writes_what_its_command_writes(plan_month, control_id):
    assert_same(plan_month, control_id)


@pytest.mark.parametrize("control_id", MONTH_END_BUTTONS)
def test_at_month_end_the_button_writes_what_its_command_writes(month_end, control_id):
    assert_same(month_end, control_id)


def test_the_contract_sees_every_part_of_the_house_style(plan_month, month_end):
    """The comparison is not empty: the demo's sheets carry every feature the description covers."""
    described = [d for found in (plan_month, month_end) for _, on_file, _, _, _, _ in found.values()
                 for d in on_file.values()]
    assert any(d.charts for d in described) and any(d.rules for d in described)
    assert any(r[1] == "data_bar" for d in described for r in d.rules)
    assert any(r[1] == "custom" for d in described for r in d.rules)
    assert any(d.page["breaks"] for d in described) and any(d.hidden for d in described)
    assert any(d.freeze for d in described) and any(d.book_names for d in described)
    assert any(d.page["area"] for d in described)
    assert any(s[4] for d in described for c in d.charts for s in c[7])  # a hidden series (the build-up's base)
    assert any(look[2] for d in described for look in d.looks.values())  # a link's underline
    assert any(look[8] for d in described for look in d.looks.values())  # a totals row's border
