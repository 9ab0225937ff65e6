"""Every sheet salesxl owns wears the house style (salesxl/workbook/style.py).

The small demo runs every step of ``salesxl demo``, the month-end demo is closed, and a
Problems sheet is written; then each owned sheet of the written files is walked as a
manager would look at it: title block, headers, one style per column, number formats
(amounts in the Settings currency, percentages, dates), tier colours on attainment and
pace, frozen panes, and print setup (A4, fitted to the width, print titles, page header
and page numbers).
"""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from salesxl.cli import DEMO_STEPS
from salesxl.problems import Problem
from salesxl.reports.problems import problems_sheet
from salesxl.steps.close import close
from salesxl.steps.collect import collect
from salesxl.steps.issue_files import issue_files
from salesxl.workbook.backend import OWNER_MARKER
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.contract import OUTPUT_SHEETS
from salesxl.workbook.contract.agree import COMMITMENTS
from salesxl.workbook.contract.base import PROBLEMS
from salesxl.workbook.contract.close import PERFORMANCE
from salesxl.workbook.contract.dashboard import DASHBOARD

AMOUNT = '"¥"#,##0.00'
"""The demo's Settings currency is CNY."""
NUMBER_FORMATS = {AMOUNT, "#,##0.00", "#,##0", "0.0%"}
DATE_FORMATS = {"yyyy-mm-dd", "yyyy-mm"}
RUN_LINE = "月份 Month 2026-12 · 运行 Run 2026-11-28 06:00 · 来源 Source: 设置 Settings"
"""The run time is pinned by SOURCE_DATE_EPOCH (tests/conftest.py)."""
TIER_HEADERS = {"完成率 Attainment", "达成率 Attainment", "进度比 Pace", "预测完成率 Forecast attainment",
                "本周完成率 Week attainment", "月完成率 Month attainment"}
MONEY_SHEETS = {"月度目标 Month Target", "业务员目标 Rep Targets", "网点目标 Outlet Targets", "日目标 Daily Targets",
                "进度 Progress", "费用预算 Expense Budget", "月末绩效 Performance", "反馈 Feedback"}


@pytest.fixture(scope="module")
def written(tmp_path_factory, small_demo_file, released_file):
    """The demo after every demo step, with a Problems sheet; and the month-end demo closed."""
    folder = tmp_path_factory.mktemp("house")
    demo, closed = folder / "demo.xlsx", folder / "closed.xlsx"
    shutil.copy(small_demo_file, demo)
    for step in DEMO_STEPS:
        result = step(FileWorkbook(demo))
        assert result.ok, (step.__name__, [p.message_en for p in result.problems if p.severity == "error"])
    assert issue_files(FileWorkbook(demo), outdir=folder / "reps").ok  # the Collection Log: the files come back
    assert collect(FileWorkbook(demo), files=[folder / "reps"]).ok
    book = FileWorkbook(demo)
    problems = [Problem("业务员 Reps", 3, "name", "empty-required", "必填项为空", "empty", letter="B", header="姓名 Name")]
    book.write_sheets([problems_sheet(problems, book.sheet_names(), "检查 Check", dt.datetime(2026, 11, 28, 6))])
    shutil.copy(released_file, closed)
    assert close(FileWorkbook(closed)).ok
    sheets = {}
    for path in (demo, closed):
        for ws in openpyxl.load_workbook(path).worksheets:
            if OWNER_MARKER in ws.defined_names:
                sheets.setdefault(ws.title, ws)
    return sheets


def test_every_output_sheet_is_walked(written):
    assert set(written) == {s.name for s in OUTPUT_SHEETS}


def tables_of(ws):
    """``(header_row, first_col, last_col, last_row, headers)`` of each Excel Table, top to bottom."""
    found = []
    for table in ws.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
        found.append((min_row, min_col, max_col, max_row, headers))
    return sorted(found)


def test_title_block(written):
    for name, ws in written.items():
        title = ws["A1"]
        assert title.value == name
        assert (title.font.b, title.font.sz, title.font.color.rgb) == (True, 14, "FF1F4E78"), name
        if name == PROBLEMS.name:
            continue  # written by the ribbon/CLI outside a step: no run line
        assert ws["A2"].value.startswith(RUN_LINE), name
        assert ws["A2"].value.endswith(" · 币种 Currency CNY"), name
        assert ws["A2"].font.sz == 9, name


def test_headers(written):
    for name, ws in written.items():
        for top, first, last, _, _ in tables_of(ws):
            for c in range(first, last + 1):
                cell = ws.cell(top, c)
                where = (name, cell.coordinate)
                assert (cell.font.b, cell.font.color.rgb) == (True, "FFFFFFFF"), where
                assert cell.fill.fgColor.rgb in ("FF1F4E78", "FFC00000"), where
                assert cell.alignment.wrap_text, where


def test_one_style_per_column_and_every_number_formatted(written):
    """A column's data cells share one look; no number or date is left in Excel's General format."""
    unformatted, mixed = [], []
    for name, ws in written.items():
        for top, first, last, bottom, headers in tables_of(ws):
            for c, header in zip(range(first, last + 1), headers):
                cells = [ws.cell(r, c) for r in range(top + 1, bottom + 1)]
                looks = [x.style_id for x in cells]  # the index of the cell's style in the workbook
                if any(look != looks[0] for look in looks):
                    mixed.append((name, header))
                for x in cells:
                    value = x.value
                    if isinstance(value, bool) or value is None:
                        continue
                    if isinstance(value, (int, float)) and x.number_format not in NUMBER_FORMATS:
                        unformatted.append((name, x.coordinate, header, x.number_format))
                    if isinstance(value, (dt.date, dt.datetime)) and x.number_format not in DATE_FORMATS:
                        unformatted.append((name, x.coordinate, header, x.number_format))
    assert mixed == []
    assert unformatted == []


def test_amounts_carry_the_settings_currency(written):
    for name in MONEY_SHEETS:
        ws = written[name]
        formats = {ws.cell(top + 1, c).number_format for top, first, last, _, _ in tables_of(ws)
                   for c in range(first, last + 1)}
        assert AMOUNT in formats, name


def test_attainment_and_pace_are_percentages_coloured_by_tier(written):
    coloured = 0
    for name, ws in written.items():
        rules = {str(cf.sqref): [(r.formula or [r.type])[0] for r in cf.rules] for cf in ws.conditional_formatting}
        for top, first, last, bottom, headers in tables_of(ws):
            for c, header in zip(range(first, last + 1), headers):
                if header not in TIER_HEADERS:
                    continue
                cell = ws.cell(top + 1, c)
                assert cell.number_format == "0.0%", (name, header)
                ref = f"{cell.column_letter}{top + 1}"
                cells = ref if bottom == top + 1 else f"{ref}:{cell.column_letter}{bottom}"
                assert rules.get(cells) == [
                    f"AND(ISNUMBER({ref}),{ref}<salesxl_tier_base)",
                    f"AND(ISNUMBER({ref}),{ref}>=salesxl_tier_base,{ref}<salesxl_tier_challenge)",
                    f"AND(ISNUMBER({ref}),{ref}>=salesxl_tier_challenge,{ref}<salesxl_tier_sprint)",
                    f"AND(ISNUMBER({ref}),{ref}>=salesxl_tier_sprint)"], (name, header)
                coloured += 1
    assert coloured >= 10


def test_the_tier_names_point_at_the_settings_values(small_demo_file, written, tmp_path):
    """The names hold the Settings cells holding 基础/挑战/冲刺倍数: 1.0, 1.1 and 1.2 in the demo."""
    progress = written["进度 Progress"]
    book = progress.parent
    settings = book["设置 Settings"]
    for key, label, value in (("tier_base", "基础倍数 Base multiplier", 1.0),
                              ("tier_challenge", "挑战倍数 Challenge multiplier", 1.1),
                              ("tier_sprint", "冲刺倍数 Sprint multiplier", 1.2)):
        sheet, cell = book.defined_names[f"salesxl_{key}"].attr_text.split("!")
        assert sheet == "'设置 Settings'"
        row = int(cell.split("$")[2])
        assert (settings.cell(row, 1).value, settings[cell.replace("$", "")].value) == (label, value)


def test_frozen_below_the_first_header(written):
    for name, ws in written.items():
        top = tables_of(ws)[0][0] if name != COMMITMENTS.name else None
        if name in (COMMITMENTS.name, DASHBOARD.name):
            assert ws.freeze_panes is None  # pages to print: one per rep, or the month on one page
            continue
        first = min(t[0] for t in tables_of(ws))
        assert ws.freeze_panes == f"A{first + 1}", name
        assert top == first


def test_print_setup(written):
    for name, ws in written.items():
        setup = ws.page_setup
        one_page = name == DASHBOARD.name  # fitted to one page, wide and tall
        assert (str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("9", 1, 1 if one_page else 0), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        if one_page:  # one landscape page: nothing to repeat
            assert setup.orientation == "landscape" and not ws.print_title_rows
            continue
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:"), name
        assert ws.oddHeader.center.text == "&A", name
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, name
        widths = sum(ws.column_dimensions[ws.cell(1, c).column_letter].width or 0
                     for c in range(1, max(t[2] for t in tables_of(ws)) + 1))
        if name == COMMITMENTS.name:
            assert setup.orientation == "portrait"  # a page per rep to sign, whatever its width
            continue
        assert setup.orientation == ("landscape" if widths > 95 else "portrait"), (name, widths)


def test_a_single_table_repeats_its_header_on_every_page(written):
    versions = written["版本 Versions"]
    (top, *_), = tables_of(versions)
    assert versions.print_title_rows == f"$1:${top}"
    assert written[PERFORMANCE.name].print_title_rows == "$1:$1"  # several tables: the title only
