"""salesxl init: the input sheets added to a planner's own workbook, and nothing of theirs touched.

Every real Excel-made workbook of the corpus (tests/data/real/) gets the input sheets, filled with a
tiny demo company's inputs, then runs target and breakdown: every part it had is byte-identical
afterwards (the parts salesxl may rewrite aside: the workbook part, its relationships, content
types, app properties, styles). On the template itself init changes nothing; on a workbook salesxl
cannot write, or whose own 业务员 Reps sheet has other columns, it says why and changes nothing.
The ribbon's 添加输入表 adds the same sheets in Excel (the xlwings double).
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import openpyxl
import pytest
import xlwings as xw
from typer.testing import CliRunner

from salesxl import ribbon
from salesxl.cli import app
from salesxl.demo import DemoSize, demo_workbook_data
from salesxl.problems import render
from salesxl.steps import check
from salesxl.steps.breakdown import breakdown
from salesxl.steps.init import ADDED_BY_INIT, NOTHING_TO_ADD, init
from salesxl.steps.target import target
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package
from salesxl.workbook.contract import INPUT_SHEETS
from salesxl.workbook.template import save_new_workbook

from ..conftest import digest
from ..workbook.describe import describe_file, describe_live, differences
from ..workbook.fake_xlwings import book_from_file, excel_of
from ..workbook.test_real_workbooks import CORPUS, REAL, STRICT, owned_entries

runner = CliRunner()
TINY = DemoSize(reps=8, outlets=16, skus=6, years=3)
ADDED = [schema.name for schema in ADDED_BY_INIT]


@pytest.fixture(scope="module")
def tiny_demo():
    return demo_workbook_data(seed=7, size=TINY)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory, tiny_demo):
    """Each corpus book: init with the tiny demo's inputs, then target and breakdown. -> name: (path, results)."""
    folder = tmp_path_factory.mktemp("init_real")
    settings, tables = tiny_demo
    runs = {}
    for name in CORPUS:
        path = shutil.copy(REAL / name, folder / name)
        book = FileWorkbook(path)
        results = [init(book, settings=settings, tables=tables), target(book), breakdown(book)]
        runs[name] = (path, results)
    return runs


@pytest.mark.parametrize("name", CORPUS)
def test_a_real_workbook_gets_the_input_sheets_and_plans_with_every_part_of_it_unchanged(corpus_run, name):
    path, results = corpus_run[name]
    for result in results:
        assert result.ok, [render(p) for p in result.problems if p.severity == "error"]
    assert results[0].written == ADDED
    before, after = Package((REAL / name).read_bytes()), Package(path.read_bytes())
    owned = owned_entries(before)
    found = {e.name: e for e in after.entries}
    for entry in before.entries:
        if entry.name not in owned:
            assert found[entry.name].local == entry.local, entry.name  # the part and its zip header, byte for byte
    names = FileWorkbook(path).sheet_names()
    original = FileWorkbook(REAL / name).sheet_names()
    assert names[:len(original)] == original and set(ADDED) <= set(names)
    assert {"月度目标 Month Target", "业务员目标 Rep Targets"} <= set(names)


def test_the_sheets_added_are_the_templates_typed_for_real(corpus_run):
    """Header on row 1 in a table, a note on each header, drop-downs, and dates and months as dates."""
    path, _ = corpus_run["charts.xlsx"]
    with zipfile.ZipFile(path) as package:
        assert any(n.startswith("xl/comments") for n in package.namelist())
    book = openpyxl.load_workbook(path)
    settings = book["设置 Settings"]
    month = next(row[1] for row in settings.iter_rows(min_row=2) if row[0].value == "计划月份 Plan month")
    assert month.value == dt.datetime(2026, 12, 1) and month.number_format == "yyyy-mm"
    reps = book["业务员 Reps"]
    assert list(reps.tables) == ["tbl_reps"] and reps.freeze_panes == "A2"
    assert reps["A1"].comment is not None and "必填 required" in reps["A1"].comment.text
    assert any(v.formula1 == "=salesxl_regions" for v in reps.data_validations.dataValidation)
    history_month = book["历史销售 History"]["B2"]  # the demo's history is monthly: the month column
    assert isinstance(history_month.value, dt.datetime) and history_month.number_format == "yyyy-mm"
    assert book.defined_names["salesxl_regions"].attr_text == "'区域 Regions'!$A$2:$A$501"
    assert "_salesxl_owned" not in reps.defined_names  # the planner's sheet: no ownership marker


def test_on_the_template_init_changes_nothing_and_says_so(tmp_path):
    path = save_new_workbook(tmp_path / "template.xlsx")
    before = digest(path)
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0 and "nothing was changed" in result.output
    assert digest(path) == before and init(FileWorkbook(path)).summary == NOTHING_TO_ADD


def test_init_says_what_it_added_and_what_to_fill_first(tmp_path):
    path = tmp_path / "mine.xlsx"
    shutil.copy(REAL / "any_sheets.xlsx", path)
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Added {len(ADDED)} input sheets" in result.output
    assert "先填写 Fill in first: 设置 Settings, 年度预算 Budget" in result.output
    assert "The plan month is set to 2026-12; check it" in result.output  # the month after the pinned run time
    # Blank, but a workbook salesxl reads: every input sheet is found, and the one error is the target's own
    # input check on the still empty Factors sheet (check runs every step's checks the sheets allow).
    checked = check(FileWorkbook(path))
    assert checked.summary.startswith(f"{len(INPUT_SHEETS)} 张表 sheets")
    assert [(p.code, p.sheet) for p in checked.problems if p.severity == "error"] == [("no-factors", "参考因素 Factors")]


def test_a_step_on_a_workbook_without_input_sheets_says_to_run_init(tmp_path):
    path = shutil.copy(REAL / "charts.xlsx", tmp_path / "charts.xlsx")
    assert runner.invoke(app, ["target", str(path)]).exit_code == 1
    missing = [render(p) for p in target(FileWorkbook(path)).problems if p.code == "missing-sheet"]
    assert missing and all(m.endswith("run `salesxl init` (ribbon: 添加输入表) to add them") for m in missing)


@pytest.mark.parametrize("name", ["protected", "open", "xls", "strict"])
def test_init_on_a_workbook_it_cannot_write_says_why_and_changes_nothing(tmp_path, name):
    path = tmp_path / "book.xlsx"
    if name == "protected":
        book = openpyxl.Workbook()
        book.security.lockStructure = True
        book.save(path)
    elif name == "open":
        shutil.copy(REAL / "charts.xlsx", path)
        (tmp_path / "~$book.xlsx").write_bytes(b"owner")  # Excel's lock file beside an open workbook
    elif name == "xls":
        path = tmp_path / "book.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + bytes(200))
    else:
        path = shutil.copy(REAL / STRICT, tmp_path / STRICT)
    before = digest(path)
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 1
    expected = {"protected": "structure is protected", "open": "is open in Excel", "xls": "old .xls workbook",
                "strict": "Strict Open XML"}[name]
    assert expected in result.output.replace("\n", " ")
    assert digest(path) == before


def test_a_planners_own_reps_sheet_with_other_columns_is_reported_and_never_overwritten(tmp_path):
    path = tmp_path / "mine.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "业务员 Reps"
    book.active.append(["姓名 Name", "电话 Phone", "城市 City"])
    book.active.append(["王伟", "138", "杭州"])
    book.save(path)
    before = digest(path)
    result = init(FileWorkbook(path))
    missing = sorted(p.column for p in result.problems if p.code == "missing-column")
    assert not result.ok and missing == ["region", "rep_id"]
    assert [p.code for p in result.problems if p.code == "own-sheet-kept"] == ["own-sheet-kept"]
    assert "will not overwrite it" in render(next(p for p in result.problems if p.code == "own-sheet-kept"))
    assert digest(path) == before and result.written == []


def test_the_ribbon_adds_the_same_sheets_in_excel(tmp_path, monkeypatch):
    """添加输入表 on the xlwings double, and ``salesxl init`` on the file: the same sheets, part by part."""
    path = shutil.copy(REAL / "charts.xlsx", tmp_path / "file.xlsx")
    book = book_from_file(shutil.copy(path, tmp_path / "live.xlsx"))
    assert init(FileWorkbook(path)).written == ADDED
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    ribbon.dispatch("init")
    assert excel_of(book).alerts[-1]["mode"] == "info"
    assert [s.name for s in book.sheets] == FileWorkbook(path).sheet_names()
    on_file, live = describe_file(path, ADDED), describe_live(book, ADDED)
    for name in ADDED:
        assert on_file[name] == live[name], f"{name}: " + "\n".join(differences(on_file[name], live[name]))
    assert book.sheets.active.name == ADDED[0]
    ribbon.dispatch("init")  # pressed again: nothing to add
    assert NOTHING_TO_ADD in excel_of(book).alerts[-1]["prompt"]


@pytest.mark.parametrize("control_id", ["init", "target"])
def test_a_button_on_a_protected_workbook_says_why_and_changes_nothing(tmp_path, monkeypatch, small_demo_file,
                                                                        control_id):
    """Review > Protect Workbook in Excel: the button stops before its first sheet, as the command does on the file
    (Excel would refuse the sheet half way), and the message box says why; no Problems sheet can be added either."""
    from ..workbook.fake_xlwings import state

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook() if control_id == "init" else openpyxl.load_workbook(small_demo_file)
    book.security.lockStructure = True
    book.save(path)
    live = book_from_file(path)
    before = state(live)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: live))
    ribbon.dispatch(control_id)
    alert = excel_of(live).alerts[-1]
    assert alert["mode"] == "critical" and "structure is protected" in alert["prompt"].replace("\n", " ")
    assert "All problems are on the sheet" not in alert["prompt"]
    assert state(live) == before
