"""Charts and alert tables in the sheet model are drawn as native Excel objects by the file backend."""

from __future__ import annotations

import openpyxl
import pytest
import pandas as pd

from salesxl.workbook.backend import OutChart, OutColumn, OutTable, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.schema import OutputSheetName

SHEET = OutputSheetName("chart_demo", "图表", "Chart")


def test_column_chart_beside_its_table_and_a_red_alert_table(tmp_path):
    path = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(path)
    reps = pd.DataFrame({"rep": ["R1", "R2", "R3"], "target": [100.0, 80.0, 60.0], "actual": [90.0, 85.0, 20.0]})
    output = SheetOutput(SHEET, tables=[
        OutTable(pd.DataFrame({"what": ["R3 behind"]}), [OutColumn("what", "预警", "Flag")], heading="预警 Flags",
                 tone="alert"),
        OutTable(reps, [OutColumn("rep", "业务员", "Rep"), OutColumn("target", "目标", "Target", "amount"),
                        OutColumn("actual", "实际", "Actual", "amount")], heading="业务员 Reps", name="reps"),
    ], charts=[OutChart("column", "目标与实际 Target vs actual", "reps", "rep", ("target", "actual"))])
    FileWorkbook(path).write_sheets([output])

    ws = openpyxl.load_workbook(path)["图表 Chart"]
    # Title, blank, heading (3), alert header (4), its row (5), blank, heading (7), header (8), rows 9-11.
    assert ws["A3"].font.color.rgb.endswith("C00000") and ws["A4"].fill.fgColor.rgb.endswith("C00000")
    assert ws["A8"].value == "业务员 Rep" and ws["A8"].fill.fgColor.rgb.endswith("1F4E78")
    (chart,) = ws._charts
    assert (chart.tagname, chart.type) == ("barChart", "col")
    assert [(s.tx.strRef.f, s.val.numRef.f) for s in chart.series] == [
        ("'图表 Chart'!B8", "'图表 Chart'!$B$9:$B$11"), ("'图表 Chart'!C8", "'图表 Chart'!$C$9:$C$11")]
    assert chart.series[0].cat.strRef.f == "'图表 Chart'!$A$9:$A$11"
    assert chart.anchor._from.col == 4 and chart.anchor._from.row == 7  # E8: one column right of the table


def test_writing_a_chart_sheet_twice_keeps_one_drawing_and_one_chart(tmp_path):
    import zipfile

    path = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(path)
    reps = pd.DataFrame({"rep": ["R1", "R2"], "target": [100.0, 80.0], "actual": [90.0, 85.0]})
    output = SheetOutput(SHEET, tables=[
        OutTable(reps, [OutColumn("rep", "业务员", "Rep"), OutColumn("target", "目标", "Target", "amount"),
                        OutColumn("actual", "实际", "Actual", "amount")], heading="业务员 Reps", name="reps"),
    ], charts=[OutChart("column", "目标与实际 Target vs actual", "reps", "rep", ("target", "actual"))])
    FileWorkbook(path).write_sheets([output])
    first = path.read_bytes()
    FileWorkbook(path).write_sheets([output])
    assert path.read_bytes() == first  # a rerun gives the same bytes

    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
    drawings = [n for n in names if n.startswith("xl/drawings/") and n.endswith(".xml")]
    charts = [n for n in names if n.startswith("xl/charts/chart")]
    assert (drawings, charts) == (["xl/drawings/drawing1.xml"], ["xl/charts/chart1.xml"])
    assert "xl/drawings/_rels/drawing1.xml.rels" in names
    assert 'PartName="/xl/drawings/drawing1.xml"' in types and 'PartName="/xl/charts/chart1.xml"' in types
    (chart,) = openpyxl.load_workbook(path)["图表 Chart"]._charts
    assert chart.tagname == "barChart"
