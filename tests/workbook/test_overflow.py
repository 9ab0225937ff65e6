"""Rows over Excel's limit go to Parquet: exactly above the limit, never at it, and every row is kept.

The limit is lowered (monkeypatched) to the rows the small demo's release sheets really
take (read back from the written workbook), so a sheet spills at one row more than the
limit and not at the limit itself.
"""

from __future__ import annotations

import dataclasses

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from salesxl import cli
from salesxl.steps.breakdown import breakdown
from salesxl.steps.target import target
from salesxl.workbook import overflow
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract.breakdown import ISSUED_CORE_OUTLET_SKU_TARGETS

SHEET = "网点目标 Outlet Targets"
RELEASE = ("业务员目标 Rep Targets", SHEET, "日目标 Daily Targets")


@pytest.fixture
def released(workbook):
    """The small demo released at Excel's real limit: each release sheet's rows, and the core outlet × SKU targets."""
    assert target(FileWorkbook(workbook)).ok
    assert breakdown(FileWorkbook(workbook)).ok
    book = openpyxl.load_workbook(workbook)
    rows = {name: book[name].max_row for name in RELEASE}
    inputs, _ = read_inputs(FileWorkbook(workbook), schemas=[ISSUED_CORE_OUTLET_SKU_TARGETS])
    return rows, inputs.tables["core_outlet_sku_targets"]


def spilled_files(workbook):
    return sorted(p.name for p in workbook.parent.glob("*.parquet"))


def test_a_sheet_exactly_at_the_limit_is_not_spilled(workbook, released, monkeypatch):
    rows, _ = released
    book = openpyxl.load_workbook(workbook)
    before = {name: list(book[name].iter_rows(values_only=True)) for name in RELEASE}
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", max(rows.values()))
    result = breakdown(FileWorkbook(workbook))
    assert result.ok and not [p for p in result.problems if p.code == "rows-to-parquet"]
    assert spilled_files(workbook) == []
    book = openpyxl.load_workbook(workbook)
    assert {name: list(book[name].iter_rows(values_only=True)) for name in RELEASE} == before


def test_one_row_over_the_limit_spills_only_the_longest_sheet(workbook, released, monkeypatch):
    rows, _ = released
    longest = max(rows, key=rows.get)
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", rows[longest] - 1)
    result = breakdown(FileWorkbook(workbook))
    assert result.ok
    assert [p.sheet for p in result.problems if p.code == "rows-to-parquet"] == [longest]
    assert len(spilled_files(workbook)) == 1
    assert openpyxl.load_workbook(workbook)[longest].max_row <= rows[longest] - 1


def test_the_core_outlet_sku_table_goes_whole_to_parquet(workbook, released, monkeypatch):
    """The core outlet × SKU table goes to Parquet with every row; the sheet sums it by rep × SKU."""
    rows, lines = released
    rows = rows[SHEET]
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", rows - 1)
    result = breakdown(FileWorkbook(workbook))
    assert result.ok
    [notice] = [p for p in result.problems if p.code == "rows-to-parquet" and p.sheet == SHEET]
    assert notice.severity == "notice" and "plan.outlet_targets.core_outlet_sku_targets.parquet" in notice.message_en

    spilled = pd.read_parquet(workbook.with_name("plan.outlet_targets.core_outlet_sku_targets.parquet"))
    target_column = ISSUED_CORE_OUTLET_SKU_TARGETS.column("outlet_sku_target").label
    assert list(spilled.columns) == ["网点编号 Outlet ID", "业务员编号 Rep ID", "产品编码 SKU", "产品角色 Role",
                                     target_column, "历史销售 History"]
    assert len(spilled) == len(lines)
    assert spilled[target_column].sum() == pytest.approx(lines["outlet_sku_target"].sum(), abs=1e-6)
    assert sorted(zip(spilled["网点编号 Outlet ID"], spilled["产品编码 SKU"], spilled[target_column])) == \
        sorted(zip(lines["outlet_id"], lines["sku"], lines["outlet_sku_target"]))

    sheet = openpyxl.load_workbook(workbook)[SHEET]
    assert sheet.max_row <= rows - 1
    values = list(sheet.iter_rows(values_only=True))
    texts = [str(r[0]) for r in values if r[0] is not None]
    assert any("plan.outlet_targets.core_outlet_sku_targets.parquet" in t and "rep × SKU" in t for t in texts)
    # The summed table: one row per rep × SKU, its targets adding up to every core outlet × SKU target.
    top = next(i for i, r in enumerate(values) if str(r[0]).startswith("核心店×产品目标") and "rep × SKU" in str(r[0]))
    assert values[top + 1][:3] == ("业务员编号 Rep ID", "产品编码 SKU", target_column)
    body = []
    for r in values[top + 2:]:
        if r[0] in (None, "合计 Total"):
            break
        body.append(r)
    pairs = lines.assign(rep_id=lines["outlet_id"].map(outlet_reps(workbook)))
    expected = pairs.groupby(["rep_id", "sku"])["outlet_sku_target"].sum()
    assert len(body) == len(expected)
    assert {(r[0], r[1]): r[2] for r in body} == pytest.approx(expected.to_dict())


def outlet_reps(workbook) -> dict:
    from salesxl.workbook.contract.breakdown import ISSUED_OUTLET_TARGETS
    inputs, _ = read_inputs(FileWorkbook(workbook), schemas=[ISSUED_OUTLET_TARGETS])
    outlets = inputs.tables["outlet_targets"]
    return dict(zip(outlets["outlet_id"], outlets["rep_id"]))


def test_the_command_line_says_where_the_rows_went(workbook, released, monkeypatch):
    rows, _ = released
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", rows[SHEET] - 1)
    outcome = CliRunner().invoke(cli.app, ["breakdown", str(workbook)])
    assert outcome.exit_code == 0, outcome.output
    assert "plan.outlet_targets.core_outlet_sku_targets.parquet" in outcome.output.replace("\n", "")


def test_sheet_rows_follows_the_render_layout():
    """Title 1 + run line 1 + subtitle 1 + 2 notes + blank 1 = 6; a table: heading 1 + header 1 + 3 rows +
    totals 1 = 6, blank 1; an empty table without heading or totals: header 1 + one empty row 1 = 2.
    6 + 6 + 1 + 2 = 15 — and the sheet as rendered, stamped with its run as a step stamps it, ends there."""
    import openpyxl

    from salesxl.workbook.backend import OutColumn, OutTable, RunInfo, SheetOutput
    from salesxl.workbook.render import render_sheet
    from salesxl.workbook.contract.breakdown import OUTLET_TARGETS
    output = SheetOutput(OUTLET_TARGETS, "sub", ["a", "b"], [
        OutTable(pd.DataFrame({"x": [1, 2, 3]}), [OutColumn("x", "甲", "X", "amount", True)], heading="h"),
        OutTable(pd.DataFrame({"x": []}), [OutColumn("x", "甲", "X")]),
    ])
    assert overflow.sheet_rows(output) == 15
    ws = openpyxl.Workbook().active
    render_sheet(ws, dataclasses.replace(output, run=RunInfo(month="2026-12", source="设置 Settings")), set())
    last_rows = [int(t.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for t in ws.tables.values()]
    assert max(last_rows) == 15  # the empty table's one (blank) data row is the sheet's last


def test_a_spilled_table_reads_back_whole_from_its_file(workbook, released, monkeypatch):
    """Tracking and close read the release as issued: a spilled table comes back from Parquet, every row."""
    rows, lines = released
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", rows[SHEET] - 1)
    assert breakdown(FileWorkbook(workbook)).ok
    inputs, problems = read_inputs(FileWorkbook(workbook), schemas=[ISSUED_CORE_OUTLET_SKU_TARGETS])
    back = inputs.tables["core_outlet_sku_targets"]
    assert not problems
    assert inputs.layouts["core_outlet_sku_targets"].sheet_name == "plan.outlet_targets.core_outlet_sku_targets.parquet"
    assert back.reset_index(drop=True).equals(lines.reset_index(drop=True))


def test_a_leftover_file_is_not_read_when_the_sheet_holds_every_row(workbook, released, monkeypatch):
    rows, lines = released
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", rows[SHEET] - 1)
    assert breakdown(FileWorkbook(workbook)).ok
    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", 1_048_576)
    assert breakdown(FileWorkbook(workbook)).ok  # fits again: the sheet holds every row, the old file stays
    assert workbook.with_name("plan.outlet_targets.core_outlet_sku_targets.parquet").exists()
    inputs, _ = read_inputs(FileWorkbook(workbook), schemas=[ISSUED_CORE_OUTLET_SKU_TARGETS])
    assert inputs.layouts["core_outlet_sku_targets"].sheet_name == SHEET
    assert len(inputs.tables["core_outlet_sku_targets"]) == len(lines)
