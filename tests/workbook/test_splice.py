"""How salesxl's sheets go into a planner's workbook: owned by marker, replaced in place, nothing else touched."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.worksheet.table import Table

from salesxl.problems import ProblemsFound
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package

from .libreoffice import needs_soffice, sheets_as_csv
from .outputs import MONTH_TARGET, PROBLEMS, TOTAL, planner_outputs
from ..conftest import digest

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
R_ID = f"{{{NS['r']}}}id"


@pytest.fixture
def plan(tmp_path) -> Path:
    """A planner's own workbook: a data sheet in the Chinese default font 等线, nothing of salesxl's yet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据 Data"
    sheet.append(["区域 Region", "金额 Amount"])
    sheet.append(["华东", 1000])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    set_default_font(path, "等线")
    return path


def set_default_font(path: Path, name: str) -> None:
    edit_part(path, "xl/styles.xml", lambda root: root.find("m:fonts/m:font/m:name", NS).set("val", name))


def edit_part(path: Path, part: str, change) -> None:
    """Change one part of a package, as another program saving the file would."""
    package = Package(path.read_bytes())
    root = etree.fromstring(package.read(part))
    change(root)
    package.write(part, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
    path.write_bytes(package.to_bytes())


def part(path: Path, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read(name))


def sheets(path: Path) -> list[tuple[str, str, str]]:
    """``(name, sheetId, r:id)`` in tab order."""
    return [(s.get("name"), s.get("sheetId"), s.get(R_ID)) for s in part(path, "xl/workbook.xml").iterfind(".//m:sheet", NS)]


def markers(path: Path) -> dict[str, str]:
    names = part(path, "xl/workbook.xml").iterfind(".//m:definedName[@name='_salesxl_owned']", NS)
    tabs = [s[0] for s in sheets(path)]
    return {tabs[int(n.get("localSheetId"))]: n.text for n in names}


def write(path: Path, outputs=None) -> None:
    FileWorkbook(path).write_sheets(outputs or planner_outputs())


def test_new_sheets_go_at_the_end_each_with_a_marker(plan):
    write(plan)
    assert sheets(plan) == [("数据 Data", "1", "rId1"), (MONTH_TARGET.name, "2", "rId4"), (PROBLEMS.name, "3", "rId5")]
    assert markers(plan) == {MONTH_TARGET.name: '"month_target"', PROBLEMS.name: '"problems"'}
    assert part(plan, "xl/workbook.xml").find("m:calcPr", NS).get("fullCalcOnLoad") == "1"
    assert plan.with_name("plan.bak.xlsx").exists()


def test_excels_list_of_sheet_titles_gets_the_new_sheets(tmp_path):
    """Russian Excel lists 2 worksheets (Листы; the very hidden one is left out) and 1 chart (Диаграммы)."""
    path = tmp_path / "any_sheets.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "real" / "any_sheets.xlsx", path)
    write(path)
    app = part(path, "docProps/app.xml")
    assert [t.text for t in app.iter("{*}lpstr")] == [
        "Листы", "Диаграммы", "Visible", "Hidden", MONTH_TARGET.name, PROBLEMS.name, "Chart"]
    assert [n.text for n in app.iter("{*}i4")] == ["4", "1"]
    assert app.find("{*}TitlesOfParts/{*}vector").get("size") == "5"


def test_a_rerun_replaces_each_sheet_where_the_planner_moved_it(plan):
    write(plan)
    book = openpyxl.load_workbook(plan)  # the planner drags Month Target to the front and saves
    book.move_sheet(MONTH_TARGET.name, offset=-1)
    book.save(plan)
    moved = sheets(plan)
    assert [s[0] for s in moved] == [MONTH_TARGET.name, "数据 Data", PROBLEMS.name]
    write(plan)
    assert sheets(plan) == moved  # same place, same sheetId, same relationship
    assert markers(plan) == {MONTH_TARGET.name: '"month_target"', PROBLEMS.name: '"problems"'}
    assert FileWorkbook(plan).read_sheet(MONTH_TARGET.name).rows[6][:2] == ["R001", "王伟"]


@pytest.mark.parametrize("name", [MONTH_TARGET.name, "月度目标 month target"])
def test_a_planner_sheet_with_an_output_name_is_not_overwritten(plan, name):
    book = openpyxl.load_workbook(plan)
    book.create_sheet(name)["A1"] = "我自己的目标 my own targets"
    book.save(plan)
    before = digest(plan)
    with pytest.raises(ProblemsFound) as found:
        write(plan)
    assert [(p.cell, p.code) for p in found.value.problems] == [(name, "sheet-not-owned")]
    assert digest(plan) == before
    assert not plan.with_name("plan.bak.xlsx").exists()


def test_an_output_sheet_the_planner_renamed_is_kept_and_a_new_one_written(plan):
    write(plan)
    edit_part(plan, "xl/workbook.xml",
              lambda root: root.find(f".//m:sheet[@name='{MONTH_TARGET.name}']", NS).set("name", "我的目标"))
    kept = zipfile.ZipFile(plan).read("xl/worksheets/sheet2.xml")
    write(plan)
    assert [s[0] for s in sheets(plan)] == ["数据 Data", "我的目标", PROBLEMS.name, MONTH_TARGET.name]
    assert zipfile.ZipFile(plan).read("xl/worksheets/sheet2.xml") == kept


def test_formulas_and_names_pointing_at_an_output_sheet_survive_a_rerun(plan, tmp_path):
    write(plan)
    book = openpyxl.load_workbook(plan)  # the planner builds on salesxl's sheet, then saves in Excel
    book["数据 Data"]["D1"] = f"='{MONTH_TARGET.name}'!C12*2"
    book.save(plan)
    summary = zipfile.ZipFile(plan).read("xl/worksheets/sheet1.xml")
    target_id = [s for s in sheets(plan) if s[0] == MONTH_TARGET.name]
    write(plan)
    assert zipfile.ZipFile(plan).read("xl/worksheets/sheet1.xml") == summary
    assert [s for s in sheets(plan) if s[0] == MONTH_TARGET.name] == target_id
    if shutil.which("soffice"):
        calculated = sheets_as_csv([plan], tmp_path / "csv")[plan]
        assert float(calculated["数据 Data"][0][3]) == 2 * TOTAL  # 2 × 2000


def test_the_calculation_chain_forgets_only_the_replaced_sheet(plan):
    write(plan)
    chain = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="{m}">'
             '<c r="C12" i="2"/><c r="B5"/><c r="D1" i="1"/><c r="D2"/><c r="C12" i="2"/><c r="E1" i="1"/>'
             '</calcChain>').format(m=NS["m"])
    add_calc_chain(plan, chain)
    write(plan)
    cells = [(c.get("r"), c.get("i")) for c in part(plan, "xl/calcChain.xml")]
    assert cells == [("D1", "1"), ("D2", None), ("E1", "1")]


def test_a_calculation_chain_of_only_replaced_cells_goes_away(plan):
    write(plan)
    add_calc_chain(plan, f'<calcChain xmlns="{NS["m"]}"><c r="C12" i="2"/></calcChain>')
    write(plan)
    names = zipfile.ZipFile(plan).namelist()
    assert "xl/calcChain.xml" not in names
    assert b"calcChain" not in zipfile.ZipFile(plan).read("[Content_Types].xml")
    assert b"calcChain" not in zipfile.ZipFile(plan).read("xl/_rels/workbook.xml.rels")


def add_calc_chain(path: Path, xml: str) -> None:
    package = Package(path.read_bytes())
    package.write("xl/calcChain.xml", xml.encode())
    rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    etree.SubElement(rels, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship",
                     Id="rId99", Target="calcChain.xml",
                     Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain")
    package.write("xl/_rels/workbook.xml.rels", etree.tostring(rels))
    types = etree.fromstring(package.read("[Content_Types].xml"))
    etree.SubElement(types, "{http://schemas.openxmlformats.org/package/2006/content-types}Override",
                     PartName="/xl/calcChain.xml",
                     ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    package.write("[Content_Types].xml", etree.tostring(types))
    path.write_bytes(package.to_bytes())


def test_old_tables_are_replaced_not_piled_up(plan):
    for _ in range(3):
        write(plan)
    names = zipfile.ZipFile(plan).namelist()
    assert sorted(n for n in names if n.startswith("xl/tables/")) == ["xl/tables/table1.xml", "xl/tables/table2.xml"]
    assert [part(plan, t).get("displayName") for t in ("xl/tables/table1.xml", "xl/tables/table2.xml")] == \
        ["sx_month_target_1", "sx_problems_1"]
    assert [part(plan, t).get("id") for t in ("xl/tables/table1.xml", "xl/tables/table2.xml")] == ["1", "2"]


def test_table_names_never_clash_with_the_planners(plan):
    book = openpyxl.load_workbook(plan)
    book["数据 Data"].add_table(Table(displayName="sx_month_target_1", ref="A1:B2"))
    book.save(plan)
    write(plan)
    table = FileWorkbook(plan).read_sheet(MONTH_TARGET.name)
    assert part(plan, "xl/tables/table2.xml").get("displayName") == "sx_month_target_1_2"
    assert part(plan, "xl/tables/table2.xml").get("id") == "2"
    assert table.rows[11][0] == "合计 Total"
    sheet = part(plan, "xl/worksheets/sheet2.xml")
    assert sheet.find(".//m:c[@r='C12']/m:f", NS).text == "SUBTOTAL(109,sx_month_target_1_2[月度目标 Month target])"


def test_a_hidden_output_sheet_stays_hidden(plan):
    write(plan)
    edit_part(plan, "xl/workbook.xml",
              lambda root: root.find(f".//m:sheet[@name='{PROBLEMS.name}']", NS).set("state", "hidden"))
    write(plan)
    assert part(plan, "xl/workbook.xml").find(f".//m:sheet[@name='{PROBLEMS.name}']", NS).get("state") == "hidden"


def test_a_workbook_with_a_protected_structure_is_not_written(plan):
    edit_part(plan, "xl/workbook.xml", lambda root: root.insert(
        1, etree.Element(f"{{{NS['m']}}}workbookProtection", lockStructure="1")))
    before = digest(plan)
    with pytest.raises(ProblemsFound) as found:
        write(plan)
    assert [(p.cell, p.code) for p in found.value.problems] == [("plan.xlsx", "workbook-protected")]
    assert digest(plan) == before


def test_styles_take_the_workbook_font_and_are_added_only_once(plan):
    write(plan)
    styles = zipfile.ZipFile(plan).read("xl/styles.xml")
    sheet = part(plan, "xl/worksheets/sheet2.xml")
    root = etree.fromstring(styles)
    title_xf = root.find("m:cellXfs", NS)[int(sheet.find(".//m:c[@r='A1']", NS).get("s"))]
    font = root.find("m:fonts", NS)[int(title_xf.get("fontId"))]
    assert {etree.QName(c).localname: c.get("val") or c.get("rgb") for c in font} == \
        {"b": "1", "sz": "14", "color": "FF1F4E78", "name": "等线", "family": "2", "scheme": "minor"}
    plain = sheet.find(".//m:c[@r='A7']", NS)  # an unstyled cell keeps the workbook's default style
    assert plain.get("s") is None
    write(plan)
    assert zipfile.ZipFile(plan).read("xl/styles.xml") == styles


def test_text_that_looks_like_a_formula_is_written_as_text(plan):
    write(plan)
    sheet = part(plan, "xl/worksheets/sheet2.xml")
    for ref, text in (("B8", "=1+1"), ("B9", "@SUM(A1)"), ("B10", "-5"), ("B11", "+86 138")):
        cell = sheet.find(f".//m:c[@r='{ref}']", NS)
        assert cell.get("t") == "inlineStr" and cell.find("m:f", NS) is None
        assert cell.find("m:is/m:t", NS).text == text
    assert b"sharedStrings" not in zipfile.ZipFile(plan).read("[Content_Types].xml") or \
        zipfile.ZipFile(plan).read("xl/sharedStrings.xml")  # the planner's shared strings, untouched


@pytest.mark.parametrize("total, flag", [(False, None), (True, "1")])
def test_excel_recalculates_on_opening_only_when_salesxl_wrote_formulas(tmp_path, total, flag):
    path = tmp_path / "charts.xlsx"  # saved by Excel: calcPr without fullCalcOnLoad
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "real" / "charts.xlsx", path)
    calc = dict(part(path, "xl/workbook.xml").find("m:calcPr", NS).attrib)
    write(path, planner_outputs(total=total))
    assert dict(part(path, "xl/workbook.xml").find("m:calcPr", NS).attrib) == \
        {**calc, **({"fullCalcOnLoad": flag} if flag else {})}


def test_parts_no_one_refers_to_are_kept(plan):
    with zipfile.ZipFile(plan, "a") as package:
        package.writestr("[trash]/0000.dat", b"left by an editor")
    write(plan)
    assert zipfile.ZipFile(plan).read("[trash]/0000.dat") == b"left by an editor"


@needs_soffice
@pytest.mark.soffice
def test_libreoffice_opens_the_workbook_written_twice(plan, tmp_path):
    write(plan)
    write(plan)
    calculated = sheets_as_csv([plan], tmp_path / "csv")[plan]
    assert set(calculated) == {"数据 Data", MONTH_TARGET.name, PROBLEMS.name}
    assert float(calculated[MONTH_TARGET.name][11][2]) == TOTAL
