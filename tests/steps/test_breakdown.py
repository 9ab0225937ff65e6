"""The breakdown step end to end on the small demo: written, read back as issued, reconciled."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from salesxl.cli import app
from salesxl.core.plan import draft_plan
from salesxl.steps.breakdown import BREAKDOWN_SHEETS, breakdown
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.render import TOTAL_LABEL
from salesxl.reports.versions import read_versions
from salesxl.workbook.contract.base import VERSIONS
from salesxl.workbook.contract.breakdown import DAILY_TARGETS, ISSUED_SHEETS, OUTLET_TARGETS, REP_TARGETS

from ..conftest import digest, edit

RELEASE = [REP_TARGETS.name, OUTLET_TARGETS.name, DAILY_TARGETS.name]
WHEN = dt.datetime(2026, 11, 28, 9, 30)
runner = CliRunner()


@pytest.fixture(scope="module")
def released(tmp_path_factory, small_demo_file):
    """The small demo after one breakdown run, with what was read back and the draft plan."""
    path = tmp_path_factory.mktemp("release") / "plan.xlsx"
    shutil.copy(small_demo_file, path)
    result = breakdown(FileWorkbook(path), now=WHEN)
    inputs, _ = read_inputs(FileWorkbook(path), only=BREAKDOWN_SHEETS)
    month_target, structure, _ = draft_plan(inputs.tables, inputs.settings)
    issued, problems = read_inputs(FileWorkbook(path), schemas=ISSUED_SHEETS)
    return path, result, issued, problems, month_target, structure, inputs


def test_step_writes_the_three_release_sheets(released):
    _, result, *_ = released
    assert result.ok, result.problems
    assert result.written == RELEASE + [VERSIONS.name]
    assert [p for p in result.problems if p.severity != "notice"] == []


def test_every_issued_table_reads_back_without_a_problem(released):
    _, _, issued, problems, *_ = released
    assert problems == []
    assert {key: len(frame) > 0 for key, frame in issued.tables.items()} == {s.key: True for s in ISSUED_SHEETS}


def test_every_issued_total_reconciles_to_the_month_target(released):
    _, _, issued, _, month_target, structure, inputs = released
    total = month_target.total
    reps, rep_skus = issued["rep_targets"], issued["rep_sku_targets"]
    outlets, core_skus, days = issued["outlet_targets"], issued["core_outlet_sku_targets"], issued["daily_targets"]
    assert reps["target"].sum() == total
    assert (reps["month"] == inputs.settings.plan_month).all()
    # Regions: each region's reps add up to the structure's region target (the demo holds no region).
    by_region = reps.groupby("region")["target"].sum()
    assert by_region.to_dict() == structure.regions.set_index("region")["target"].to_dict()
    # Tiers: base is the target (×1.00); challenge and sprint are ×1.10 and ×1.20 per rep, to the yuan.
    assert (reps["base"] == reps["target"]).all()
    assert (reps["challenge"] == np.floor(reps["target"] * 1.1 + 0.5 + 1e-9)).all()
    assert (reps["base"] <= reps["challenge"]).all() and (reps["challenge"] <= reps["sprint"]).all()
    rep_target = reps.set_index("rep_id")["target"].to_dict()
    # Rep x SKU: each rep exact; each SKU within one yuan per rep of the structure (holds kept).
    assert rep_skus["sku_target"].sum() == total
    assert rep_skus.groupby("rep_id")["sku_target"].sum().to_dict() == rep_target
    sku_target = structure.skus.set_index("sku")["target"].copy()
    sku_target = sku_target * (total - 20_000) / (sku_target.sum() - sku_target["I01"])
    gap = (rep_skus.groupby("sku")["sku_target"].sum() - sku_target.round()).drop("I01").abs()
    assert (gap <= len(reps) + 1).all()
    assert rep_skus.groupby("sku")["sku_target"].sum()["I01"] == 20_000  # the held image SKU
    # Outlets: each rep's outlets add up to the rep; the held core outlet keeps its 8,000.
    assert outlets["outlet_target"].sum() == total
    assert outlets.groupby("rep_id")["outlet_target"].sum().to_dict() == rep_target
    assert outlets.set_index("outlet_id").at["O0018", "outlet_target"] == 8_000
    # Core outlets x SKU: each core outlet's SKUs add up to the outlet.
    core = outlets[outlets["core"] & (outlets["outlet_target"] > 0)].set_index("outlet_id")["outlet_target"]
    assert core_skus.groupby("outlet_id")["outlet_sku_target"].sum().to_dict() == core.to_dict()
    # Days: each rep's days add up to the rep, and the last target-to-date is the rep's target.
    assert days["daily_target"].sum() == total
    assert days.groupby("rep_id")["daily_target"].sum().to_dict() == rep_target
    assert days.sort_values("date").groupby("rep_id")["target_to_date"].last().to_dict() == rep_target
    # December 2026 in China has 23 working days; the Calendar sheet halves the 25th and takes the 31st off.
    assert sorted({d.day for d in days["date"]}) == [1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 21, 22, 23,
                                                      24, 25, 28, 29, 30]


def test_the_rep_sheet_shows_holds_new_reps_and_tiers(released):
    path, *_ = released
    ws = openpyxl.load_workbook(path)[REP_TARGETS.name]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "月份 Month")
    columns = rows[header]
    table = pd.DataFrame(rows[header + 1:header + 8], columns=columns).set_index("业务员编号 Rep ID")
    assert table.at["R007", "目标 Target"] == 40_000 and table.at["R007", "手工锁定 Held"] == "是"
    assert table.at["R008", "新人 New rep"] == "是"
    assert "R003" not in table.index  # inactive: no target
    total_row = rows[header + 8]
    assert total_row[0] == TOTAL_LABEL and total_row[columns.index("目标 Target")].startswith("=SUBTOTAL(109,")


def test_the_release_is_logged_on_versions(released):
    path, _, _, _, month_target, *_ = released
    log = read_versions(FileWorkbook(path))
    row = log.iloc[-1]
    assert (row["timestamp"], row["step"], row["total"]) == ("2026-11-28 09:30:00", "breakdown 正式下达",
                                                             month_target.total)
    assert row["month"] == pd.Period("2026-12", "M")
    assert "rep_method=history" in row["parameters"] and "tier_sprint=1.2" in row["parameters"]


def sheet_values(path):
    book = openpyxl.load_workbook(path)
    return {name: [[c.value for c in row] for row in book[name].iter_rows()] for name in RELEASE}


def test_rerun_gives_identical_cell_values(released, tmp_path):
    path, *_ = released
    again = tmp_path / "again.xlsx"
    shutil.copy(path, again)
    assert breakdown(FileWorkbook(again), now=WHEN).ok
    assert sheet_values(again) == sheet_values(path)
    log = read_versions(FileWorkbook(again))
    assert len(log) == 2 and log["fingerprint"].nunique() == 1  # same inputs, same fingerprint
    assert openpyxl.load_workbook(again).sheetnames == openpyxl.load_workbook(path).sheetnames


def test_a_hold_larger_than_the_region_is_located_and_nothing_is_written(workbook):
    edit(workbook, {"业务员 Reps!H2": 99_000_000})
    before = digest(workbook)
    result = breakdown(FileWorkbook(workbook))
    assert not result.ok and result.written == []
    assert [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"] == [
        ("业务员 Reps!H2", "手工目标 Manual target", "holds-exceed-whole")]
    assert digest(workbook) == before


def test_tiers_out_of_order_point_at_the_settings_value(workbook):
    book = openpyxl.load_workbook(workbook)
    row = next(r[0].row for r in book["设置 Settings"].iter_rows(min_row=2) if r[0].value == "冲刺倍数 Sprint multiplier")
    edit(workbook, {f"设置 Settings!B{row}": 1.05})
    before = digest(workbook)
    result = breakdown(FileWorkbook(workbook))
    assert [(p.cell, p.header, p.code) for p in result.problems if p.severity == "error"] == [
        (f"设置 Settings!B{row}", "值 Value", "tiers-out-of-order")]
    assert digest(workbook) == before


def test_a_setting_left_off_the_sheet_is_pointed_at_by_the_key_column(workbook):
    """Sprint's row renamed away: sprint takes its default 1.2, below a challenge of 1.3; the problem names the
    Settings sheet's key column (where the row belongs), not a row."""
    book = openpyxl.load_workbook(workbook)
    rows = {r[0].value: r[0].row for r in book["设置 Settings"].iter_rows(min_row=2)}
    edit(workbook, {f"设置 Settings!A{rows['冲刺倍数 Sprint multiplier']}": "旧参数 old",
                    f"设置 Settings!B{rows['挑战倍数 Challenge multiplier']}": 1.3})
    result = breakdown(FileWorkbook(workbook))
    assert [(p.sheet, p.row, p.column, p.header, p.code) for p in result.problems if p.severity == "error"] == [
        ("设置 Settings", None, "key", "参数 Key", "tiers-out-of-order")]


def test_every_working_day_overridden_off_is_a_clear_error(workbook):
    book = openpyxl.load_workbook(workbook)
    ws = book["日历 Calendar"]
    for table in list(ws.tables):
        del ws.tables[table]
    for day in range(1, 32):
        ws.cell(row=day + 1, column=1, value=pd.Timestamp(2026, 12, day).to_pydatetime())
        ws.cell(row=day + 1, column=2, value="休息日 off")
        ws.cell(row=day + 1, column=3, value=None)
        ws.cell(row=day + 1, column=4, value=None)
    book.save(workbook)
    before = digest(workbook)
    result = breakdown(FileWorkbook(workbook))
    assert [(p.cell, p.code) for p in result.problems if p.severity == "error"] == [
        ("日历 Calendar!B", "no-working-days")]  # the status column
    assert digest(workbook) == before


def test_cli_breakdown(workbook):
    result = runner.invoke(app, ["breakdown", str(workbook)])
    assert result.exit_code == 0, result.output
    assert set(openpyxl.load_workbook(workbook, read_only=True).sheetnames) >= set(RELEASE)
    edit(workbook, {"业务员 Reps!H2": 99_000_000})
    before = digest(workbook)
    result = runner.invoke(app, ["breakdown", str(workbook)])
    assert result.exit_code == 1 and "业务员 Reps!H2" in result.output
    assert digest(workbook) == before


@pytest.mark.soffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_totals_rows_calculate_to_the_month_target(released, tmp_path):
    """Recalculated by LibreOffice, every SUBTOTAL of a target column on the three sheets is the month target."""
    path, _, _, _, month_target, *_ = released
    done = subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / path.name, data_only=True)
    target_headers = {"目标 Target", "基础目标 Base", "产品目标 SKU target", "网点目标 Outlet target",
                      "日目标 Daily target", "下达目标 Issued target", "业务员目标 Rep target", "网点合计 Sum of outlets",
                      "公司日目标 Company daily target", "周合计 Week total", "业务员合计 Sum of reps"}
    checked = 0
    for name in RELEASE:
        rows = [[c.value for c in row] for row in book[name].iter_rows()]
        header = None
        for row in rows:
            if row and row[0] == TOTAL_LABEL and header:
                for label, value in zip(header, row):
                    if label in target_headers:
                        assert value == pytest.approx(month_target.total), (name, label)
                        checked += 1
                header = None
            elif row and isinstance(row[0], str) and any(isinstance(v, str) and " " in v for v in row[1:3]):
                header = row
    assert checked >= 10
