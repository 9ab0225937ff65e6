"""The 总览 Dashboard sheet as written: its charts draw ranges that exist and hold the right series,
it prints on one A4 landscape page, and a workbook that has run only some steps still gets one."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils.cell import range_boundaries

from salesxl.steps.dashboard import dashboard
from salesxl.steps.target import target
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package, main_part, relationships, resolve

from ..conftest import edit

SHEET = "总览 Dashboard"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def charts_of(path: Path, sheet: str) -> list[etree._Element]:
    """The chart parts drawn on ``sheet``, parsed, in drawing order."""
    package = Package(path.read_bytes())
    workbook = main_part(package)
    targets = {r.id: r.target for r in relationships(package, workbook)}
    part = next(targets[s.get(R_ID)] for s in etree.fromstring(package.read(workbook)).iter(f"{MAIN}sheet")
                if s.get("name") == sheet)
    drawing = next(r.target for r in relationships(package, part) if r.type.endswith("/drawing"))
    charts = {r.id: r.target for r in relationships(package, drawing)}
    ids = [e.get(R_ID) for e in etree.fromstring(package.read(drawing)).iter(f"{C}chart")]
    return [etree.fromstring(package.read(charts[i])) for i in ids]


def series_of(chart: etree._Element) -> list[dict]:
    found = []
    for plot in chart.find(f"{C}chart/{C}plotArea"):
        for ser in plot.iter(f"{C}ser"):
            found.append({"plot": etree.QName(plot).localname,
                          "name": ser.find(f"{C}tx/{C}strRef/{C}f").text,
                          "values": ser.find(f"{C}val/{C}numRef/{C}f").text,
                          "categories": next(ser.find(f"{C}cat").iter(f"{C}f")).text,
                          "hidden": ser.find(f"{C}spPr/{A}noFill") is not None})
    return found


def cells(ws, reference: str) -> list:
    """The values in a chart reference such as ``'总览 Dashboard'!$B$40:$B$45`` (it must be on ``ws``)."""
    sheet, where = reference.rsplit("!", 1)
    assert sheet.strip("'") == ws.title
    min_col, min_row, max_col, max_row = range_boundaries(where.replace("$", ""))
    return [ws.cell(row, col).value for row in range(min_row, max_row + 1) for col in range(min_col, max_col + 1)]


def title_of(chart: etree._Element) -> str:
    return "".join(t.text for t in chart.find(f"{C}chart/{C}title").iter("{*}t"))


EXPECTED = {
    "目标构成 Target build-up": ("sx_dash_build_up", ["起点 Start", "加权贡献 Weighted contribution",
                                                      "月度目标 Month target"]),
    "产品角色 By role": ("sx_dash_roles", ["本月目标 Target", "去年同期 Last year"]),
    "区域 By region": ("sx_dash_regions", ["本月目标 Target", "去年同期 Last year"]),
    "累计进度 Burn-up": ("sx_dash_progress", ["累计目标 Cumulative target", "累计实际 Cumulative actual"]),
    "达成率 Attainment": ("sx_dash_reps", ["达成率 Attainment", "基础线 Base line", "挑战线 Challenge line",
                                        "冲刺线 Sprint line"]),
    "费用进度 Expense burn": ("sx_dash_expenses", ["按时间应用预算 Budget by time", "累计认可批复 Approved to date",
                                               "累计核查支出 Verified to date"]),
}


def test_every_chart_draws_its_own_table_with_the_right_series(demo_after_every_step):
    path = demo_after_every_step
    ws = openpyxl.load_workbook(path)[SHEET]
    charts = charts_of(path, SHEET)
    assert [title_of(c) for c in charts] == list(EXPECTED)
    for chart in charts:
        table_name, names = EXPECTED[title_of(chart)]
        table = ws.tables[table_name]
        min_col, header_row, max_col, last_row = range_boundaries(table.ref)
        series = series_of(chart)
        assert [cells(ws, s["name"])[0] for s in series] == names, title_of(chart)
        for s in series:
            values, categories = cells(ws, s["values"]), cells(ws, s["categories"])
            _, first, _, last = range_boundaries(s["values"].rsplit("!", 1)[1].replace("$", ""))
            assert (first, last) == (header_row + 1, last_row)  # the table's rows, no more, no less
            assert all(v is None or isinstance(v, (int, float)) for v in values)
            assert any(isinstance(v, (int, float)) for v in values)
            assert all(c is not None for c in categories)


def test_the_build_up_floats_on_an_invisible_base_and_ends_on_the_month_target(demo_after_every_step):
    path = demo_after_every_step
    ws = openpyxl.load_workbook(path)[SHEET]
    chart = charts_of(path, SHEET)[0]
    assert chart.find(f"{C}chart/{C}plotArea/{C}barChart/{C}grouping").get("val") == "stacked"
    start, contribution, total = series_of(chart)
    assert (start["hidden"], contribution["hidden"], total["hidden"]) == (True, False, False)
    steps = cells(ws, start["categories"])
    assert steps[0] == "年度预算 Annual budget" and steps[-1] == "月度目标 Month target"
    # The factors' contributions (and a rounding step, if any) add up to the month target's bar.
    _, top, _, _ = range_boundaries(ws.tables["sx_dash_key"].ref)
    month_target = ws.cell(top + 1, 2).value
    assert cells(ws, total["values"])[-1] == month_target
    assert sum(v for v in cells(ws, contribution["values"]) if v) == pytest.approx(month_target, abs=1)


def test_the_dashboard_prints_on_one_a4_landscape_page_with_every_chart_inside(demo_after_every_step):
    ws = openpyxl.load_workbook(demo_after_every_step)[SHEET]
    assert (ws.page_setup.orientation, int(ws.page_setup.paperSize)) == ("landscape", int(ws.PAPERSIZE_A4))
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    area = ws.print_area.rsplit("!", 1)[1].replace("$", "")
    _, _, right, bottom = range_boundaries(area)
    assert area.startswith("A1:") and right == 8
    flags_end = range_boundaries(ws.tables["sx_dash_flags"].ref)[3]
    first_data = min(range_boundaries(ref)[1] for name, ref in ws.tables.items()
                     if name not in ("sx_dash_key", "sx_dash_flags"))
    boxes = []
    for chart in ws._charts:
        frm, to = chart.anchor._from, chart.anchor.to
        boxes.append((frm.row + 1, frm.col + 1, to.row, to.col))
        assert flags_end < frm.row + 1 and to.row <= bottom < first_data - 1 and to.col <= right
    assert len(boxes) == 6
    for i, a in enumerate(boxes):  # no two charts overlap
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_a_workbook_that_has_run_only_target_gets_a_dashboard_with_notes(workbook):
    assert target(FileWorkbook(workbook)).ok
    result = dashboard(FileWorkbook(workbook))
    assert result.ok and result.written == [SHEET]
    ws = openpyxl.load_workbook(workbook)[SHEET]
    notes = [ws.cell(row, 1).value for row in range(4, 7)]  # under the title, the run line and the subtitle
    assert "salesxl track" in notes[0] and "salesxl track" in notes[1] and "salesxl expenses" in notes[2]
    assert [title_of(c) for c in charts_of(workbook, SHEET)] == list(EXPECTED)[:3]
    flags = ws.tables["sx_dash_flags"]
    _, top, _, last = range_boundaries(flags.ref)
    assert [ws.cell(row, 2).value for row in range(top + 1, last + 1)] == [None] * 4
    assert ws.cell(top + 1, 3).value == "运行 run 进度跟踪 Track（salesxl track）"


def test_no_month_target_yet_still_writes_a_page_that_says_to_run_target(workbook):
    result = dashboard(FileWorkbook(workbook))
    assert result.ok
    ws = openpyxl.load_workbook(workbook)[SHEET]
    assert "salesxl target" in ws["A4"].value and not ws._charts


def test_a_figure_typed_over_on_an_output_sheet_is_a_warning_at_its_cell_and_the_dashboard_still_writes(workbook):
    """The month target overwritten with text: a warning naming 月度目标 Month Target, its row and column B;
    the dashboard is written anyway and says to run target again."""
    assert target(FileWorkbook(workbook)).ok
    ws = openpyxl.load_workbook(workbook, read_only=True)["月度目标 Month Target"]
    header_row = next(row[0].row for row in ws.iter_rows(max_col=2) if row[1].value == "月度目标 Month target")
    edit(workbook, {f"月度目标 Month Target!B{header_row + 1}": "很多"})
    result = dashboard(FileWorkbook(workbook))
    assert result.ok and result.written == [SHEET]
    (warning,) = [p for p in result.problems if p.sheet == "月度目标 Month Target"]
    assert (warning.cell, warning.header, warning.severity) == (f"月度目标 Month Target!B{header_row + 1}",
                                                               "月度目标 Month target", "warning")
    notes = openpyxl.load_workbook(workbook)[SHEET]["A4"].value
    assert "salesxl target" in notes


def test_many_reps_add_a_histogram_and_an_outlier_caps_the_axis(tmp_path):
    """31 reps, one at 450 %: the ranking keeps 20 bars under an axis stopping at 140 %, and a seventh chart
    (reps by tier) sits in a third row of the grid, still on the one printed page (issue 21)."""
    from salesxl.core.dashboard import dashboard as gather
    from salesxl.reports.dashboard import dashboard_sheet

    from ..core.test_dashboard import many_reps, target_only_sheets

    board = gather({**target_only_sheets(), "dash_performance": many_reps(31, top=4.5)}, None, None, None)
    sheet = dashboard_sheet(board, "CNY")
    by_table = {chart.table: chart for chart in sheet.charts}
    assert by_table["sx_dash_reps"].y_max == pytest.approx(1.4) and len(board.reps) == 20
    assert by_table["sx_dash_tiers"].cells[0] > by_table["sx_dash_reps"].cells[2]  # a row below
    path = tmp_path / "board.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "real" / "table_slicer.xlsx", path)
    FileWorkbook(path).write_sheets([sheet])
    charts = charts_of(path, SHEET)
    maxima = [a.get("val") for c in charts for a in c.iter(f"{C}max")]
    assert maxima == ["1.4"]
    assert len(charts) == 7 - sum(b is None for b in (board.build_up, board.roles, board.regions, board.progress,
                                                      board.expenses))
