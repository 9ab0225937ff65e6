"""Tier colours and share bars survive the splice into a planner's workbook.

The rules live in the worksheet XML, their looks (``dxf``) in ``styles.xml``: a rule's
``dxfId`` must point at salesxl's look even when the planner's workbook already has
conditional formats of its own, and a rerun must not add the looks again. The tier
thresholds are workbook-level names pointing at the Settings cells.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl
import pandas as pd
import pytest
from lxml import etree
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill

from salesxl.workbook.backend import OutColumn, OutTable, RunInfo, SheetOutput
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.schema import OutputSheetName

from .libreoffice import SOFFICE, needs_soffice
from ..conftest import digest

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
SHEET = OutputSheetName("progress", "进度", "Progress")
SETTINGS_CELLS = {"tier_base": "'设置 Settings'!$B$16", "tier_challenge": "'设置 Settings'!$B$17",
                  "tier_sprint": "'设置 Settings'!$B$18"}


def progress_output(run: RunInfo | None = RunInfo(tier_cells=SETTINGS_CELLS)) -> SheetOutput:
    reps = pd.DataFrame({"rep": ["R1", "R2", "R3"], "attainment": [0.8, 1.05, 1.3], "share": [0.2, 0.3, 0.5]})
    return SheetOutput(SHEET, tables=[OutTable(reps, [
        OutColumn("rep", "业务员", "Rep"), OutColumn("attainment", "完成率", "Attainment", "percent", look="tier"),
        OutColumn("share", "占比", "Share", "percent", look="share")], name="reps")], run=run)


@pytest.fixture
def planner_book(tmp_path):
    """A planner's workbook with a conditional format of their own (so styles.xml already has a dxf)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "数据 Data"
    ws.append(["金额 Amount"])
    ws.append([5])
    ws.conditional_formatting.add("A2:A10", CellIsRule(operator="greaterThan", formula=["3"],
                                                       fill=PatternFill("solid", bgColor="FF0000FF"),
                                                       font=Font(color="FFFFFF00")))
    path = tmp_path / "plan.xlsx"
    book.save(path)
    return path


def dxfs(path) -> list[etree._Element]:
    return list(etree.fromstring(zipfile.ZipFile(path).read("xl/styles.xml")).find("m:dxfs", NS))


def fill_of(dxf: etree._Element) -> str:
    return dxf.find("m:fill/m:patternFill/m:bgColor", NS).get("rgb")


def test_rules_point_at_salesxls_looks_after_the_planners_own(planner_book):
    assert [fill_of(d) for d in dxfs(planner_book)] == ["FF0000FF"]
    FileWorkbook(planner_book).write_sheets([progress_output()])
    looks = dxfs(planner_book)
    # The planner's look stays first (their rule still points at 0); salesxl's four tier looks follow.
    assert [fill_of(d) for d in looks] == ["FF0000FF", "FFFFC7CE", "FFFFEB9C", "FFC6EFCE", "FF548235"]
    book = openpyxl.load_workbook(planner_book)
    own = [r for cf in book["数据 Data"].conditional_formatting for r in cf.rules]
    assert [r.dxfId for r in own] == [0]
    ws = book["进度 Progress"]
    rules = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
    # Title on 1, run line on 2 (currency only), blank, header on 4, data rows 5-7.
    assert [(r.formula[0], r.dxfId) for r in rules["B5:B7"]] == [
        ("AND(ISNUMBER(B5),B5<salesxl_tier_base)", 1),
        ("AND(ISNUMBER(B5),B5>=salesxl_tier_base,B5<salesxl_tier_challenge)", 2),
        ("AND(ISNUMBER(B5),B5>=salesxl_tier_challenge,B5<salesxl_tier_sprint)", 3),
        ("AND(ISNUMBER(B5),B5>=salesxl_tier_sprint)", 4)]
    (bar,) = rules["C5:C7"]
    assert bar.type == "dataBar" and [c.type for c in bar.dataBar.cfvo] == ["num", "max"]
    assert bar.dataBar.color.rgb == "FF5B9BD5"


def test_the_thresholds_are_workbook_names_pointing_at_the_settings_cells(planner_book):
    FileWorkbook(planner_book).write_sheets([progress_output()])
    names = openpyxl.load_workbook(planner_book).defined_names
    assert {n: names[n].attr_text for n in ("salesxl_tier_base", "salesxl_tier_challenge", "salesxl_tier_sprint")} \
        == {"salesxl_tier_base": "'设置 Settings'!$B$16", "salesxl_tier_challenge": "'设置 Settings'!$B$17",
            "salesxl_tier_sprint": "'设置 Settings'!$B$18"}


def test_without_a_run_the_names_hold_the_default_multipliers(planner_book):
    FileWorkbook(planner_book).write_sheets([progress_output(run=None)])
    names = openpyxl.load_workbook(planner_book).defined_names
    assert [names[n].attr_text for n in ("salesxl_tier_base", "salesxl_tier_challenge", "salesxl_tier_sprint")] \
        == ["1.0", "1.1", "1.2"]


def test_a_rerun_adds_no_looks_and_gives_the_same_bytes(planner_book, tmp_path):
    FileWorkbook(planner_book).write_sheets([progress_output()])
    once = tmp_path / "once.xlsx"
    shutil.copy(planner_book, once)
    FileWorkbook(planner_book).write_sheets([progress_output()])
    assert len(dxfs(planner_book)) == 5
    assert digest(planner_book) == digest(once)


def test_a_moved_settings_row_moves_the_name_in_place(planner_book):
    """The Settings row moved (the planner inserted a row above): the next run updates the same name."""
    FileWorkbook(planner_book).write_sheets([progress_output()])
    moved = dict(SETTINGS_CELLS, tier_base="'设置 Settings'!$B$20")
    FileWorkbook(planner_book).write_sheets([progress_output(RunInfo(tier_cells=moved))])
    workbook = etree.fromstring(zipfile.ZipFile(planner_book).read("xl/workbook.xml"))
    base = [n.text for n in workbook.iterfind(".//m:definedName", NS) if n.get("name") == "salesxl_tier_base"]
    assert base == ["'设置 Settings'!$B$20"]


# ---- As LibreOffice shows it: the colours follow an edit of the Settings value ---------------------------------

def settings_and_progress(path, base: float) -> None:
    """A workbook with the three multipliers on 设置 Settings (B2:B4), and a Progress sheet written by salesxl."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "设置 Settings"
    for row in (["参数 Key", "值 Value"], ["基础倍数 Base multiplier", base], ["挑战倍数 Challenge multiplier", 1.1],
                ["冲刺倍数 Sprint multiplier", 1.2]):
        ws.append(row)
    book.save(path)
    cells = {"tier_base": "'设置 Settings'!$B$2", "tier_challenge": "'设置 Settings'!$B$3",
             "tier_sprint": "'设置 Settings'!$B$4"}
    reps = pd.DataFrame({"rep": ["R1", "R2", "R3", "R4", "R5"], "attainment": [0.8, 0.95, 1.05, 1.15, 1.3]})
    FileWorkbook(path).write_sheets([SheetOutput(SHEET, tables=[OutTable(reps, [
        OutColumn("rep", "业务员", "Rep"), OutColumn("attainment", "完成率", "Attainment", "percent", look="tier")])],
        run=RunInfo(tier_cells=cells))])


def colours_in_libreoffice(files, outdir) -> dict[str, list[str]]:
    """File stem -> the background of each attainment cell, as LibreOffice renders the workbook to HTML."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "html",
                        "--outdir", str(outdir), *map(str, files)], capture_output=True, timeout=300, check=True)
    found = {}
    for f in files:
        html = (outdir / f"{f.stem}.html").read_text(encoding="utf-8", errors="replace")
        found[f.stem] = re.findall(r'bgcolor="#([0-9A-F]{6})" sdval="[0-9.]+" sdnum="[^"]*0\.0%"', html)
    return found


RED, AMBER, GREEN, DARK_GREEN = "FFC7CE", "FFEB9C", "C6EFCE", "548235"


@pytest.mark.soffice
@needs_soffice
def test_libreoffice_colours_by_tier_and_follows_an_edited_multiplier(tmp_path):
    """0.8, 0.95, 1.05, 1.15, 1.3 against 1.0 / 1.1 / 1.2: red, red, amber, green, dark green.

    The planner then lowers the base multiplier on Settings to 0.9 (salesxl is not run again):
    0.95 has now reached base and turns amber.
    """
    as_written, edited = tmp_path / "as_written.xlsx", tmp_path / "edited.xlsx"
    settings_and_progress(as_written, 1.0)
    settings_and_progress(edited, 1.0)
    book = openpyxl.load_workbook(edited)  # the planner edits the Settings value, nothing else
    book["设置 Settings"]["B2"] = 0.9
    book.save(edited)
    colours = colours_in_libreoffice([as_written, edited], tmp_path / "html")
    assert colours["as_written"] == [RED, RED, AMBER, GREEN, DARK_GREEN]
    assert colours["edited"] == [RED, AMBER, AMBER, GREEN, DARK_GREEN]
