"""Reading values from the package directly: only the parts a sheet needs, as Excel last showed them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

STYLES = f"""<styleSheet xmlns="{MAIN}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm"/><numFmt numFmtId="165" formatCode="h:mm"/></numFmts>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="164"/><xf numFmtId="165"/>
<xf numFmtId="4"/></cellXfs></styleSheet>"""
"""Cell styles: 0 General, 1 a date, 2 Chinese Excel's built-in 2026年2月1日, 3 yyyy-mm, 4 a time, 5 #,##0.00."""

STRINGS = f"""<sst xmlns="{MAIN}"><si><t>华东</t></si>
<si><r><t>粗体</t></r><r><rPr><b/></rPr><t xml:space="preserve"> bold</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>
<si><t>line_x000D_break</t></si></sst>"""


def workbook(tmp_path: Path, sheet: str, date1904: bool = False, extra: dict[str, str] | None = None,
             after: str = "") -> Path:
    """A minimal package with one worksheet (and a chart sheet), styles and shared strings."""
    rels = (f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/chartsheet" Target="chartsheets/sheet1.xml"/>'
            f'<Relationship Id="rId5" Type="{REL}/pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/>')
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                       f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr date1904="{int(date1904)}"/>'
                           '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/>'
                           '<sheet name="图表" sheetId="2" r:id="rId4"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">{rels}</Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet}</sheetData>{after}</worksheet>',
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": STRINGS,
        "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"/>',
        "xl/pivotCache/pivotCacheDefinition1.xml": "<pivotCacheDefinition this is not XML at all",
        **(extra or {}),
    }
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return path


def test_values_as_excel_shows_them(tmp_path):
    path = workbook(tmp_path, """<row r="1">
        <c r="A1" t="s"><v>0</v></c><c r="B1"><v>1001</v></c><c r="C1"><v>0.15</v></c><c r="D1" t="b"><v>1</v></c>
        <c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="inlineStr"><is><t>行内</t></is></c></row>
        <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="d"><v>2026-02-01T00:00:00</v></c>
        <c r="D2" s="5"><v>1234.5</v></c><c r="E2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>""")
    rows = FileWorkbook(path).read_sheet("数据").rows
    assert rows == [["华东", 1001, 0.15, True, "#N/A", "行内"],
                    ["粗体 bold", "line\rbreak", dt.datetime(2026, 2, 1), 1234.5, "ab", None]]
    assert isinstance(rows[0][1], int)  # 1001 stays a whole number: an id, or 202602 as a month


def test_dates_by_number_format_in_both_date_systems(tmp_path):
    cells = ('<row r="1"><c r="A1" s="1"><v>46054</v></c><c r="B1" s="2"><v>46054</v></c>'
             '<c r="C1" s="3"><v>46054</v></c><c r="D1" s="4"><v>0.5</v></c><c r="E1"><v>46054</v></c></row>')
    rows = FileWorkbook(workbook(tmp_path, cells)).read_sheet("数据").rows
    feb_1 = dt.datetime(2026, 2, 1)  # 46054 days after 1899-12-30
    assert rows == [[feb_1, feb_1, feb_1, dt.time(12, 0), 46054]]
    sheet = FileWorkbook(workbook(tmp_path, cells, date1904=True)).read_sheet("数据")
    assert sheet.date1904 and sheet.rows[0][0] == dt.datetime(2030, 2, 2)  # 1904-01-01 + 46054 days


def test_formulas_without_a_calculated_value(tmp_path):
    sheet = FileWorkbook(workbook(tmp_path, """<row r="1">
        <c r="A1"><f>1+1</f></c><c r="B1"><f>1+1</f><v></v></c><c r="C1" t="str"><f>IF(1,"","x")</f><v></v></c>
        <c r="D1"><f t="shared" si="0" ref="D1:D2">A1</f><v>2</v></c></row>
        <row r="2"><c r="D2"><f t="shared" si="0"/><v>3</v></c></row>""")).read_sheet("数据")
    assert sheet.uncached == {(1, 1), (1, 2)}  # a formula whose result is "" was calculated
    assert sheet.rows == [[None, None, "", 2], [None, None, None, 3]]


def test_cells_and_rows_without_references_and_merged_ranges(tmp_path):
    path = workbook(tmp_path, '<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="s"><v>0</v></c></row>'
                              '<row r="5"><c><v>5</v></c></row>',
                    after='<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>')
    sheet = FileWorkbook(path).read_sheet("数据")
    assert sheet.rows == [[1, 2], ["华东", None], [None, None], [None, None], [5, None]]
    assert sheet.merged == [(1, 1, 2, 2)]


def test_a_chart_sheet_reads_as_empty(tmp_path):
    book = FileWorkbook(workbook(tmp_path, ""))
    assert book.sheet_names() == ["数据", "图表"]
    assert book.read_sheet("图表").rows == []


def test_a_part_no_library_can_parse_does_not_stop_reading(tmp_path):
    """The pivot cache here is not even XML; openpyxl gives up, salesxl never opens that part."""
    path = workbook(tmp_path, '<row r="1"><c r="A1"><v>7</v></c></row>')
    with pytest.raises(Exception):
        openpyxl.load_workbook(path)
    assert FileWorkbook(path).read_sheet("数据").rows == [[7]]


def test_an_xml_bomb_is_refused_not_expanded(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
            f'<sst xmlns="{MAIN}"><si><t>&d;</t></si></sst>')
    path = workbook(tmp_path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', extra={"xl/sharedStrings.xml": bomb})
    value = FileWorkbook(path).read_sheet("数据").rows[0][0]
    assert len(value or "") < 10_000


def test_an_untouched_package_is_rewritten_byte_for_byte():
    for path in (Path(__file__).resolve().parents[1] / "data" / "real").glob("*.xls[xm]"):
        blob = path.read_bytes()
        assert Package(blob).to_bytes() == blob, path.name


def test_entries_removed_and_written_again_keep_their_place(tmp_path):
    path = workbook(tmp_path, "")
    package = Package(path.read_bytes())
    names = package.names()
    package.remove("xl/styles.xml")
    package.write("xl/new.xml", b"<new/>")
    package.write("xl/styles.xml", b"<styleSheet/>")
    again = Package(package.to_bytes())
    assert again.names() == names + ["xl/new.xml"]
    assert again.read("xl/styles.xml") == b"<styleSheet/>"
    assert again.zip.getinfo("xl/new.xml").date_time == (1980, 1, 1, 0, 0, 0)
