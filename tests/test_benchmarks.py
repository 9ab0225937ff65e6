"""The benchmark's generator and runner logic at the small size (no timings: those live in the benchmark)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.generate import SIZES, company, input_blocks, write_company
from benchmarks.rawxlsx import Block, write_xlsx
from benchmarks.run import format_report, latest, load_outputs, measure_salesxl, output_rows, split_by_phase
from salesxl.steps import COMPUTING, READING, WRITING, check
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.package import Package
from salesxl.workbook.xlsxread import WorkbookValues


@pytest.fixture(scope="module")
def small_company(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("bench") / "small.xlsx"
    return path, write_company(path, SIZES["small"], seed=3)


def test_the_company_has_its_size_and_reads_without_errors(small_company):
    """small: 20 reps, 200 outlets of which 40 core, 12 SKUs; History holds 12 months of outlet rows
    (at most 200 × 12 = 2,400) and 24 months of region × SKU rows (5 regions × 9 SKUs with history
    × 24 = 1,080: the three new SKUs have none)."""
    path, rows = small_company
    settings, tables = company(SIZES["small"], seed=3)
    assert len(tables["reps"]) == 20 and len(tables["outlets"]) == 200 and tables["outlets"]["core"].sum() == 40
    assert len(tables["products"]) == 12
    history = tables["history"]
    older = history[history["outlet_id"].isna()]
    assert len(older) == 5 * 9 * 24
    assert len(history) - len(older) <= 200 * 12
    assert rows["历史销售 History"] == len(history)
    result = check(FileWorkbook(path))
    assert result.ok, [str(p) for p in result.problems if p.severity == "error"]


def test_the_same_seed_makes_the_same_company():
    a, b = company(SIZES["small"], seed=5)[1], company(SIZES["small"], seed=5)[1]
    pd.testing.assert_frame_equal(a["history"], b["history"])
    assert not company(SIZES["small"], seed=6)[1]["history"]["amount"].equals(a["history"]["amount"])


def test_the_raw_writer_reads_back_as_written(tmp_path):
    """Header row, then values: text, amounts, dates (date style), a blank, 是/否."""
    frame = pd.DataFrame({"a": ["x", "y & z"], "b": [1.5, None], "c": pd.to_datetime(["2026-12-01", "2026-12-02"]),
                          "d": [True, False]})
    write_xlsx(tmp_path / "raw.xlsx", [("表 Sheet", [Block(["A", "B", "C", "D"], frame, ["", "amount", "date", ""])])])
    sheet = WorkbookValues(Package((tmp_path / "raw.xlsx").read_bytes())).read_sheet("表 Sheet")
    assert sheet.rows[0] == ["A", "B", "C", "D"]
    assert sheet.rows[1][:2] == ["x", 1.5] and sheet.rows[1][2].isoformat() == "2026-12-01T00:00:00"
    assert sheet.rows[2][0] == "y & z" and sheet.rows[2][1] is None and sheet.rows[2][3] == "否"


def test_the_salesxl_measurement_runs_both_steps_and_hands_on_their_outputs(small_company, tmp_path):
    """(a) writes the target's three sheets and the breakdown's four (Versions twice); the outputs
    handed to (b) and (c) are each sheet as last written, with every table's rows."""
    path, _ = small_company
    result = measure_salesxl(path, tmp_path)
    assert result["written"] == ["月度目标 Month Target", "任务结构 Target Structure", "版本 Versions",
                                 "业务员目标 Rep Targets", "网点目标 Outlet Targets", "日目标 Daily Targets",
                                 "版本 Versions"]
    outputs = latest(load_outputs(tmp_path))
    assert [name for name, _ in outputs] == ["月度目标 Month Target", "任务结构 Target Structure", "版本 Versions",
                                             "业务员目标 Rep Targets", "网点目标 Outlet Targets", "日目标 Daily Targets"]
    versions = dict(outputs)["版本 Versions"]
    assert len(versions[0][0]) == 2  # the breakdown's Versions holds both runs
    outlets = dict(outputs)["网点目标 Outlet Targets"][0][0]
    assert len(outlets) == 200  # every outlet is served by an active rep, so every outlet gets a target
    assert output_rows(outputs) == sum(len(f) for _, tables in outputs for f, _ in tables)


def test_the_report_gives_both_ratios():
    summary = {"size": "small", "seed": 1, "rows_in": 1000, "rows_out": 500,
               "results": {"a": {"seconds": 3.0, "peak_mb": 200}, "b": {"seconds": 2.0, "peak_mb": 100},
                           "c": {"seconds": 15.0, "peak_mb": 300}},
               "machine": {"nproc": 2, "cpu": "cpu", "ram_gb": 8, "python": "3.11", "versions": {}}}
    text = format_report(summary)
    assert "(a)/(b) = 1.50" in text and "(c)/(a) = 5.00" in text
    assert "500" in text.splitlines()[2]  # (a): 1,500 rows in 3 s


def test_the_report_says_where_the_time_went():
    """Phases as the steps report them: reading 0–1.5 s, computing 1.5–2, writing 2–2.25, reading
    again 2.25–2.5, splitting 2.5–2.75 (computing), writing until the end at 3 s."""
    phases = [(0.0, READING), (1.5, COMPUTING), (2.0, WRITING), (2.25, READING), (2.5, "拆分到业务员 Splitting"),
              (2.75, WRITING)]
    split = split_by_phase(phases, 3.0)
    assert split == {"reading": 1.75, "computing": 0.75, "writing": 0.5}
    summary = {"size": "small", "seed": 1, "rows_in": 1000, "rows_out": 500,
               "results": {"a": {"seconds": 3.0, "peak_mb": 200, "split": split},
                           "b": {"seconds": 2.0, "peak_mb": 100,
                                 "split": {"reading": 1.2, "computing": 0.0, "writing": 0.8}}},
               "machine": {"nproc": 2, "cpu": "cpu", "ram_gb": 8, "python": "3.11", "versions": {}}}
    lines = format_report(summary).splitlines()
    assert "    (a) reading 1.75 s, computing 0.75 s, writing 0.50 s" in lines
    assert "    (b) reading 1.20 s, computing 0.00 s, writing 0.80 s" in lines


def test_rows_over_the_sheet_limit_are_written_to_parquet_by_all_three(small_company, tmp_path, monkeypatch):
    """With the sheet limit lowered, (a) sends the core outlet × SKU targets to Parquet beside its
    workbook; (b) and (c) are then timed writing the same rows to Parquet too, and the report counts them."""
    import pandas as pd

    from benchmarks.run import measure_floor, measure_pandas, spilled_files, spilled_rows
    from salesxl.workbook import overflow

    monkeypatch.setattr(overflow, "EXCEL_MAX_ROWS", 300)
    path, _ = small_company
    measure_salesxl(path, tmp_path)
    spilled = spilled_files(tmp_path)
    assert "a.outlet_targets.core_outlet_sku_targets.parquet" in [p.name for p in spilled]
    assert spilled_rows(tmp_path) == sum(len(pd.read_parquet(p)) for p in spilled) > 300
    measure_floor(path, tmp_path)
    measure_pandas(path, tmp_path)
    for file in spilled:
        for who in "bc":
            copy = pd.read_parquet(tmp_path / (who + file.name[1:]))
            pd.testing.assert_frame_equal(copy, pd.read_parquet(file))
    measure_salesxl(path, tmp_path)  # a rerun starts without the last run's files
    assert spilled_files(tmp_path) == spilled


# ---- every step (issue 22): the month in progress, the per-step measurement and its table ----

@pytest.fixture(scope="module")
def small_month(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("steps") / "small-mid-month.xlsx"
    return path, write_company(path, SIZES["small"], seed=3, state="mid-month")


def test_the_month_in_progress_has_two_weeks_of_logs_and_sales_and_its_month_end_the_whole_month():
    """Sales and logs to Friday 11 December (the demo's two weeks); at month end the same company's sales
    run to the last working day (Thursday 31 December 2026), and the first two weeks are the same rows."""
    from benchmarks.generate import month_in_progress

    _, mid = month_in_progress(SIZES["small"], seed=3)
    _, end = month_in_progress(SIZES["small"], seed=3, month_end=True)
    assert mid["actuals"]["date"].max() == pd.Timestamp("2026-12-11")
    assert mid["daily_log"]["date"].max() == pd.Timestamp("2026-12-11")
    assert end["actuals"]["date"].max() == pd.Timestamp("2026-12-31")
    pd.testing.assert_frame_equal(end["actuals"][end["actuals"]["date"] <= "2026-12-11"], mid["actuals"])
    for key in ("incentive_rules", "expense_policy", "expense_requests", "customers", "touches"):
        assert len(mid[key]) > 0 and mid[key].equals(end[key])
    pd.testing.assert_frame_equal(mid["history"], company(SIZES["small"], seed=3)[1]["history"])


def test_a_step_is_measured_with_the_rows_it_read_and_wrote(small_month):
    """``check`` reads every sheet (each data row plus its header row) and writes nothing; ``target``
    reads the planning sheets and writes the Month Target, Target Structure and Versions tables."""
    from benchmarks.steps import measure_step

    path, rows = small_month
    checked = measure_step("check", path)
    assert checked["rows_read"] == sum(rows.values()) + len(rows) and checked["rows_written"] == 0
    assert set(checked["sheets_read"]) == set(rows)
    planned = measure_step("target", path)
    planning = ["设置 Settings", "年度预算 Budget", "参考因素 Factors", "历史销售 History", "产品 Products",
                "产品结构 RoleMix", "区域 Regions"]
    assert sorted(planned["sheets_read"]) == sorted(planning)
    assert planned["rows_read"] == sum(rows[name] + 1 for name in planning)
    assert planned["rows_written"] > 0 and planned["split"]["reading"] > 0


def test_the_steps_are_named_as_the_cli_names_them_and_run_in_the_planners_order():
    from benchmarks.steps import TIMED, wanted_steps

    assert wanted_steps("all") == TIMED
    assert wanted_steps("weekly,track") == ["track", "weekly"]
    assert TIMED[:4] == ["check", "target", "backtest", "breakdown"] and TIMED[-2:] == ["close", "dashboard"]
    with pytest.raises(SystemExit):
        wanted_steps("tracks")


def test_the_step_table_gives_seconds_against_the_baseline_and_flags_a_step_over_the_limit():
    """At medium the limit is 5 s, the PDF export aside: 6.5 s with 1 s of export counts 5.5 s (over),
    32 s with 30 s of export counts 2 s (not over). × base = seconds / the baseline's 2.0 s. LibreOffice's
    processor time is shown beside the export's seconds."""
    from benchmarks.steps import format_steps

    def step(name, seconds, pdf=0.0):
        return {"step": name, "state": "mid-month", "seconds": seconds, "cpu_seconds": seconds, "rows_read": 1000,
                "rows_written": 10, "peak_mb": 300.0,
                "split": {"reading": 1.0, "computing": seconds - 1.5 - pdf, "writing": 0.5, "pdf": pdf}}

    summary = {"size": "medium", "seed": 1, "baseline": {"seconds": 2.0, "rows_read": 5000},
               "steps": [step("track", 6.5, pdf=1.0), {**step("commitments-pdf", 32.0, pdf=30.0), "children_cpu_seconds": 41.54},
                         {"step": "weekly", "state": "mid-month", "failed": "TypeError: expected MultiCellRange"}],
               "machine": {"nproc": 2, "cpu": "cpu", "ram_gb": 8, "python": "3.11", "versions": {}}, "load": [0.5]}
    lines = format_steps(summary).splitlines()
    track = next(line for line in lines if line.startswith("track"))
    pdf = next(line for line in lines if line.startswith("commitments-pdf"))
    assert track.split()[2:4] == ["6.50", "3.25"] and track.endswith("over")
    assert pdf.split()[2:4] == ["32.00", "16.00"] and not pdf.endswith("over")
    assert pdf.split()[8:10] == ["30.00", "41.5"] and track.split()[9] == "0.0"
    assert "weekly           mid-month failed: TypeError: expected MultiCellRange" in lines  # the run went on

