"""History from files: the same history in a sheet, a CSV, a Parquet file or a folder gives the same targets.

The small demo company's history (3,560 rows: monthly rows for the older years, daily rows
for the last) is written once into the History sheet and once into files named by Settings'
``history_source``; target and breakdown must write exactly the same sheets either way. The
demo's amounts are whole numbers, so summing daily rows to months first (the file path) and
summing them in the core (the sheet path) give the same floats.
"""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest

from salesxl.steps.breakdown import breakdown
from salesxl.steps.target import target
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.reader import read_inputs
from salesxl.workbook.contract import SETTINGS
from salesxl.workbook.template import save_new_workbook
from tests.conftest import digest

COMPARED = ("月度目标 Month Target", "任务结构 Target Structure", "业务员目标 Rep Targets", "网点目标 Outlet Targets",
            "日目标 Daily Targets")
"""The sheets target and breakdown write (Versions differs by design: its fingerprint hashes the inputs as read)."""


def file_history(history: pd.DataFrame) -> pd.DataFrame:
    """The demo history as a system would export it: bilingual headers, dates and months as text."""
    out = history.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out["month"] = out["month"].astype(str).where(out["month"].notna(), None)
    return out.rename(columns={"date": "日期 Date", "month": "月份", "region": "Region", "rep_id": "业务员编号",
                               "outlet_id": "Outlet ID", "sku": "SKU", "qty": "数量 Quantity", "amount": "金额"})


def sheets_written(path, names=COMPARED) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in names}


def without_run_line(sheets: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Row 2 of each sheet, the run line, says which sheets or files the figures came from."""
    return {name: rows[:1] + rows[2:] for name, rows in sheets.items()}


def run_target_and_breakdown(path):
    book = FileWorkbook(path)
    first = target(book)
    assert first.ok, first.problems
    second = breakdown(FileWorkbook(path))
    assert second.ok, second.problems
    return first.problems + second.problems


def workbook_with(tmp_path, small_demo, name="plan.xlsx", source="", history=None, **more_settings):
    settings, tables = small_demo
    tables = dict(tables)
    if history is not None:
        tables["history"] = history
    path = tmp_path / name
    save_new_workbook(path, {**settings, "history_source": source, **more_settings}, tables)
    return path


@pytest.fixture(scope="module")
def sheet_result(tmp_path_factory, small_demo):
    folder = tmp_path_factory.mktemp("sheet")
    path = workbook_with(folder, small_demo)
    run_target_and_breakdown(path)
    return sheets_written(path)


def empty_history(small_demo) -> pd.DataFrame:
    return small_demo[1]["history"].iloc[0:0]


@pytest.mark.parametrize("layout", ["csv", "parquet", "folder"])
def test_history_from_a_file_gives_the_same_targets_as_the_sheet(tmp_path, small_demo, sheet_result, layout):
    history = file_history(small_demo[1]["history"])
    if layout == "csv":
        history.to_csv(tmp_path / "history.csv", index=False)
        source = "history.csv"
    elif layout == "parquet":
        history.to_parquet(tmp_path / "history.parquet", index=False)
        source = "history.parquet"
    else:  # a folder of two Parquet files: the monthly years and the daily year
        (tmp_path / "sales").mkdir()
        monthly = history["日期 Date"].isna()
        history[monthly].to_parquet(tmp_path / "sales" / "monthly.parquet", index=False)
        history[~monthly].to_parquet(tmp_path / "sales" / "daily.parquet", index=False)
        source = "sales"
    path = workbook_with(tmp_path, small_demo, source=source, history=empty_history(small_demo))
    problems = run_target_and_breakdown(path)
    written = sheets_written(path)
    for name in COMPARED:  # the run line names where the history came from; everything else is identical
        assert f"{source} (历史 history)" in written[name][1][0] and "历史销售 History" in sheet_result[name][1][0]
    assert without_run_line(written) == without_run_line(sheet_result)
    notice = next(p for p in problems if p.code == "history-from-files")
    assert f"{len(history):,} rows" in notice.message_en


def test_the_file_history_is_summed_to_months_before_the_core_sees_it(tmp_path, small_demo):
    """3,560 demo rows: the older years are monthly already; the daily year collapses to months."""
    history = small_demo[1]["history"]
    file_history(history).to_csv(tmp_path / "history.csv", index=False)
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    inputs, problems = read_inputs(FileWorkbook(path), only=["settings", "history", "reps", "regions", "outlets",
                                                             "products"])
    frame = inputs["history"]
    months = history["month"].where(history["month"].notna(), history["date"].dt.to_period("M"))
    keys = pd.DataFrame({"month": months, "region": history["region"], "rep_id": history["rep_id"],
                         "outlet_id": history["outlet_id"], "sku": history["sku"]})
    assert len(frame) == len(keys.drop_duplicates())
    assert frame["amount"].sum() == history["amount"].sum()
    assert frame["date"].isna().all()
    assert not [p for p in problems if p.severity == "error"]


def test_with_the_weekday_pattern_the_file_history_keeps_the_weekday(tmp_path, small_demo):
    """With the daily split by weekday pattern, daily rows are summed by month and weekday, not month alone."""
    history = small_demo[1]["history"]
    sheet = workbook_with(tmp_path, small_demo, name="sheet.xlsx", weekday_pattern=True)
    file_history(history).to_parquet(tmp_path / "history.parquet", index=False)
    files = workbook_with(tmp_path, small_demo, name="files.xlsx", source="history.parquet",
                          history=empty_history(small_demo), weekday_pattern=True)
    run_target_and_breakdown(sheet)
    run_target_and_breakdown(files)
    assert without_run_line(sheets_written(files)) == without_run_line(sheets_written(sheet))
    daily = sheets_written(files, ["日目标 Daily Targets"])["日目标 Daily Targets"]
    assert any("weekday pattern" in str(row[0]) for row in daily[:8])


# ---- bad files: located errors, the workbook unchanged ----

def failed_target(path):
    before = digest(path)
    result = target(FileWorkbook(path))
    assert not result.ok
    assert digest(path) == before
    return [p for p in result.problems if p.severity == "error"]


def test_a_missing_history_file_is_an_error_at_the_setting(tmp_path, small_demo):
    path = workbook_with(tmp_path, small_demo, source="nowhere/history.csv", history=empty_history(small_demo))
    [p] = failed_target(path)
    row = 2 + [s.key for s in SETTINGS].index("history_source")  # one settings row each, in order, under the header
    assert (p.cell, p.header, p.code) == (f"设置 Settings!B{row}", "值 Value", "history-file-missing")
    assert "nowhere/history.csv" in p.message_en


def test_a_folder_without_history_files_is_an_error(tmp_path, small_demo):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt.bak").write_text("x")
    path = workbook_with(tmp_path, small_demo, source="empty", history=empty_history(small_demo))
    [p] = failed_target(path)
    assert p.code == "history-folder-empty" and p.sheet == "设置 Settings"


def test_a_file_without_the_amount_column_is_an_error_at_its_header(tmp_path, small_demo):
    history = file_history(small_demo[1]["history"]).drop(columns=["金额"]).rename(columns={"SKU": "产品"})
    history.to_csv(tmp_path / "history.csv", index=False)
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    [p] = failed_target(path)
    assert (p.cell, p.column, p.code) == ("history.csv!1", "amount", "missing-column")


def test_text_in_an_amount_is_an_error_at_its_cell(tmp_path, small_demo):
    """Rows 2 and 4 of the CSV (data rows 1 and 3) hold text; the amount is column H (8th)."""
    history = file_history(small_demo[1]["history"])
    history["金额"] = history["金额"].astype(object)
    history.loc[history.index[0], "金额"] = "lots"
    history.loc[history.index[2], "金额"] = "1,2"
    history.to_csv(tmp_path / "history.csv", index=False)
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    problems = failed_target(path)
    assert [(p.cell, p.header, p.code) for p in problems] == [
        ("history.csv!H2", "金额", "not-a-number"), ("history.csv!H4", "金额", "not-a-number")]
    assert "'lots'" in problems[0].message_en


def test_bad_rows_in_a_parquet_file_of_a_folder_name_that_file(tmp_path, small_demo):
    """A blank region in the second file's row 3 (data row 2) and a date that is not one in its row 5."""
    history = file_history(small_demo[1]["history"])
    daily = history[history["日期 Date"].notna()].reset_index(drop=True)
    daily.loc[1, "Region"] = None
    daily.loc[3, "日期 Date"] = "2026-13-01"
    (tmp_path / "sales").mkdir()
    history[history["日期 Date"].isna()].to_parquet(tmp_path / "sales" / "a_monthly.parquet", index=False)
    daily.to_parquet(tmp_path / "sales" / "b_daily.parquet", index=False)
    path = workbook_with(tmp_path, small_demo, source="sales", history=empty_history(small_demo))
    problems = failed_target(path)
    assert sorted((p.cell, p.header, p.code) for p in problems) == [
        ("sales/b_daily.parquet!A5", "日期 Date", "not-a-date"),
        ("sales/b_daily.parquet!C3", "Region", "empty-required"),
    ]


def test_unknown_reps_in_the_file_are_warnings_per_value(tmp_path, small_demo):
    history = file_history(small_demo[1]["history"])
    history.loc[history.index[:5], "业务员编号"] = "R999"
    history.to_csv(tmp_path / "history.csv", index=False)
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    inputs, problems = read_inputs(FileWorkbook(path))
    unknown = [p for p in problems if p.code == "unknown-reference"]
    assert [(p.sheet, p.column, p.severity) for p in unknown] == [("history.csv", "rep_id", "warning")]
    assert "R999" in unknown[0].message_en


def test_a_row_with_too_many_cells_is_an_error_not_a_misread(tmp_path, small_demo):
    (tmp_path / "history.csv").write_text("日期 Date,区域,金额\n2026-01-02,华东,5\n2026-01-03,华东,6,7\n",
                                          encoding="utf-8-sig")
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    [p] = failed_target(path)
    assert (p.sheet, p.code) == ("history.csv", "cannot-read")


def test_a_semicolon_csv_with_a_byte_order_mark_reads(tmp_path, small_demo):
    """Excel's "CSV UTF-8" starts with a byte order mark; European exports use semicolons."""
    history = file_history(small_demo[1]["history"])
    history.to_csv(tmp_path / "history.csv", index=False, sep=";", encoding="utf-8-sig")
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    inputs, problems = read_inputs(FileWorkbook(path), only=["settings", "history"])
    assert not [p for p in problems if p.severity == "error"]
    assert inputs["history"]["amount"].sum() == small_demo[1]["history"]["amount"].sum()


def test_unchanged_history_files_are_summed_once_and_a_changed_file_again(tmp_path, small_demo, monkeypatch):
    """Target, then breakdown on the same files: DuckDB sums them once. After the planner fixes a cell
    of the CSV, the next step sees the fix. Each step gets its own copy to change."""
    from salesxl.sources import history_files

    sums = []
    summed = history_files.summed_history
    monkeypatch.setattr(history_files, "summed_history", lambda *a: sums.append(a[0]) or summed(*a))
    history = file_history(small_demo[1]["history"])
    history["金额"] = history["金额"].astype(object)
    history.to_csv(tmp_path / "history.csv", index=False)
    path = workbook_with(tmp_path, small_demo, source="history.csv", history=empty_history(small_demo))
    run_target_and_breakdown(path)
    assert sums == ["history.csv"]

    inputs, _ = read_inputs(FileWorkbook(path), only=["settings", "history"])
    first_amount = inputs.tables["history"]["amount"].iloc[0]
    inputs.tables["history"].loc[:, "amount"] = 0.0  # a step changing its copy changes nothing for the next
    assert len(sums) == 1

    history.loc[history.index[0], "金额"] = "lots"
    history.to_csv(tmp_path / "history.csv", index=False)
    problems = failed_target(path)
    assert len(sums) == 2 and [(p.cell, p.code) for p in problems] == [("history.csv!H2", "not-a-number")]

    history.loc[history.index[0], "金额"] = small_demo[1]["history"]["amount"].iloc[0]
    history.to_csv(tmp_path / "history.csv", index=False)
    inputs, _ = read_inputs(FileWorkbook(path), only=["settings", "history"])
    assert len(sums) == 3 and inputs.tables["history"]["amount"].iloc[0] == first_amount
