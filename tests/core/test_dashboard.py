"""The dashboard's figures, from small read-back tables worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from salesxl.core.dashboard import (MONTH_TARGET_LABEL, ROUNDING_LABEL, dashboard, expense_burn, flag_counts,
                                    ranked_reps, waterfall)
from salesxl.core.tracking import FLAG_LABELS

MONTH = pd.Period("2026-12", freq="M")


def factors(contributions) -> pd.DataFrame:
    labels = ["年度预算 Annual budget", "历史同期 Same month history", "行业增长 Industry growth",
              "标杆增长 Benchmark growth"]
    return pd.DataFrame({"label": labels, "weight": [0.4, 0.3, 0.2, 0.1], "contribution": contributions})


def test_waterfall_floats_each_factor_on_the_ones_before_and_closes_the_rounding():
    """400 + 300 + 180 + 99 = 979; the target rounded to 1,000 needs a rounding step of 21 starting at 979.

    Bars float on 0, 400, 700 and 880; the month target stands on the ground.
    """
    frame = waterfall(factors([400.0, 300.0, 180.0, 99.0]), 1000.0)
    assert list(frame["step"]) == [*factors([0] * 4)["label"], ROUNDING_LABEL, MONTH_TARGET_LABEL]
    assert list(frame["start"]) == [0.0, 400.0, 700.0, 880.0, 979.0, 0.0]
    assert list(frame["contribution"][:5]) == [400.0, 300.0, 180.0, 99.0, 21.0]
    assert math.isnan(frame["contribution"].iloc[5]) and frame["total"].iloc[5] == 1000.0


def test_waterfall_leaves_out_a_factor_without_weight_and_rounds_down():
    """History has no contribution (no history, weight moved); 500 + 250 + 200 = 950 rounded down to 900:
    the rounding step is 50 tall and floats on 900 (the lower end)."""
    frame = waterfall(factors([500.0, None, 250.0, 200.0]), 900.0)
    assert list(frame["step"])[:3] == ["年度预算 Annual budget", "行业增长 Industry growth", "标杆增长 Benchmark growth"]
    rounding = frame[frame["step"] == ROUNDING_LABEL].iloc[0]
    assert (rounding["start"], rounding["contribution"]) == (900.0, 50.0)


def test_waterfall_without_rounding_has_no_rounding_step():
    frame = waterfall(factors([400.0, 300.0, 200.0, 100.0]), 1000.0)
    assert ROUNDING_LABEL not in set(frame["step"]) and len(frame) == 5


def history() -> pd.DataFrame:
    """Last year's December: F1 (flagship) 200 on a day + 300 as a month row, V1 (volume) 400;
    December two years ago and November last year are not last year's same month."""
    return pd.DataFrame({
        "date": [pd.Timestamp("2025-12-03"), pd.NaT, pd.NaT, pd.NaT, pd.Timestamp("2025-11-30")],
        "month": [pd.NaT, pd.Period("2025-12", "M"), pd.Period("2025-12", "M"), pd.Period("2024-12", "M"), pd.NaT],
        "region": ["East", "West", "East", "East", "East"],
        "sku": ["F1", "F1", "V1", "V1", "F1"],
        "amount": [200.0, 300.0, 400.0, 999.0, 888.0],
    })


PRODUCTS = pd.DataFrame({"sku": ["F1", "V1"], "role": ["flagship", "volume"]})


def target_only_sheets() -> dict:
    """What a workbook that has only run `target` holds."""
    return {
        "dash_month_target": pd.DataFrame({"month": pd.PeriodIndex([MONTH]), "total": [1100.0],
                                           "last_year": [900.0], "growth": [0.2222]}),
        "dash_factors": factors([400.0, 300.0, 200.0, 200.0]),
        "dash_roles": pd.DataFrame({"role": ["flagship", "volume", "image"], "target": [600.0, 400.0, 100.0]}),
        "dash_regions": pd.DataFrame({"region": ["East", "West"], "target": [700.0, 400.0]}),
    }


def test_structure_is_set_against_last_years_same_month():
    """Flagship 600 vs 200 + 300 = 500: +20 %; volume 400 vs 400: 0 %; image 100 vs nothing: no growth.
    East 700 vs 200 + 400 = 600: +16.7 %; West 400 vs 300: +33.3 %."""
    board = dashboard(target_only_sheets(), history(), PRODUCTS, None)
    roles = board.roles.set_index("key")
    assert list(roles["last_year"]) == [500.0, 400.0, 0.0]
    assert roles.loc["flagship", "growth"] == pytest.approx(0.2) and roles.loc["volume", "growth"] == 0.0
    assert pd.isna(roles.loc["image", "growth"]) and roles.loc["flagship", "label"] == "战斗机型 Flagship"
    regions = board.regions.set_index("key")
    assert list(regions["last_year"]) == [600.0, 300.0]
    assert regions.loc["East", "growth"] == pytest.approx(700 / 600 - 1)
    assert regions.loc["West", "growth"] == pytest.approx(400 / 300 - 1)


def test_a_workbook_that_has_only_run_target_gets_what_exists_and_notes_for_the_rest():
    board = dashboard(target_only_sheets(), history(), PRODUCTS, None)
    assert board.month == MONTH and board.build_up is not None and board.roles is not None
    assert board.progress is None and board.reps is None and board.expenses is None
    figures = board.key_figures.iloc[0]
    assert (figures["target"], figures["last_year"], figures["actual"], figures["as_of"]) == (1100.0, 900.0, None,
                                                                                            None)
    assert len(board.notes) == 3
    assert "salesxl track" in board.notes[0] and "salesxl track" in board.notes[1]
    assert "salesxl expenses" in board.notes[2]
    assert list(board.flags["count"]) == [None] * 4
    assert board.flags["where"].iloc[3] == "运行 run 确认目标 Agree（salesxl agree）"


def test_an_empty_workbook_notes_the_target_step_first():
    board = dashboard({}, None, None, None)
    assert board.month is None and board.build_up is None and board.roles is None
    assert "salesxl target" in board.notes[0]


def test_progress_keeps_working_days_and_the_as_of_day_is_the_last_actual():
    """Dec 5–6 are a weekend: left out. Actuals stop on Dec 7, so the dashboard is as of Dec 7."""
    burnup = pd.DataFrame({
        "date": pd.to_datetime(["2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07", "2026-12-08"]),
        "working": [True, False, False, True, True],
        "cumulative_target": [100.0, 100.0, 100.0, 200.0, 300.0],
        "cumulative_actual": [90.0, 90.0, 90.0, 210.0, None],
    })
    sheets = {**target_only_sheets(), "dash_burnup": burnup,
              "dash_progress_company": pd.DataFrame({"scope": ["公司"], "target": [300.0], "actual": [210.0],
                                                     "attainment": [0.7], "pace": [1.05]})}
    board = dashboard(sheets, None, None, None)
    assert list(board.progress["date"].dt.day) == [4, 7, 8]
    assert list(board.progress["cumulative_target"]) == [100.0, 200.0, 300.0]
    assert board.progress["cumulative_actual"].iloc[1] == 210.0 and pd.isna(board.progress["cumulative_actual"].iloc[2])
    figures = board.key_figures.iloc[0]
    assert figures["as_of"] == pd.Timestamp("2026-12-07")
    assert (figures["actual"], figures["attainment"], figures["pace"]) == (210.0, 0.7, 1.05)


def progress_reps() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "name": ["张三", None, "王五"],
                         "target": [100.0, 200.0, 0.0], "base": [90.0, 180.0, 0.0],
                         "challenge": [110.0, 220.0, 0.0], "sprint": [120.0, 240.0, 0.0],
                         "attainment": [0.5, 0.8, None]})


def test_reps_are_ranked_by_attainment_with_their_tier_lines_as_shares_of_target():
    """R2 (80 %) before R1 (50 %); R3 has no target, so no attainment: last. Lines: 90/100 = 180/200 = 90 %,
    110 %, 120 %. A rep without a name shows the ID."""
    reps = ranked_reps(None, progress_reps())
    assert list(reps["rep"]) == ["R2", "张三", "王五"]
    assert list(reps["attainment"][:2]) == [0.8, 0.5]
    assert list(reps["base"][:2]) == [0.9, 0.9] and list(reps["challenge"][:2]) == [1.1, 1.1]
    assert list(reps["sprint"][:2]) == [1.2, 1.2] and pd.isna(reps["base"].iloc[2])
    assert set(reps["source"]) == {"progress"}


def test_the_closed_month_wins_over_progress():
    performance = pd.DataFrame({"rep": ["张三", "李四"], "attainment": [1.05, 1.25], "base": [0.9, 0.9],
                                "challenge": [1.1, 1.1], "sprint": [1.2, 1.2]})
    reps = ranked_reps(performance, progress_reps())
    assert list(reps["rep"]) == ["李四", "张三"] and set(reps["source"]) == {"performance"}


def test_expense_burn_spreads_the_budget_over_working_days_and_counts_spend_by_request_date():
    """Budget 400 over 4 working days (day 3 is off): 100, 200, 200, 300, 400.
    Approvals 50 on day 1 and 30 on day 4: 50, 50, 50, 80; verified 20 + 10: 20, 30, 30, 30.
    The as-of day is day 4, so day 5 is blank; a November request is left out."""
    calendar = pd.DataFrame({"date": pd.date_range("2026-12-01", periods=5), "weight": [1.0, 1.0, 0.0, 1.0, 1.0]})
    log = pd.DataFrame({"date": pd.to_datetime(["2026-12-01", "2026-12-02", "2026-12-04", "2026-11-30"]),
                        "counted": [50.0, None, 30.0, 999.0], "verified": [20.0, 10.0, None, 999.0]})
    burn = expense_burn(400.0, log, calendar, MONTH, pd.Timestamp("2026-12-04"))
    assert list(burn["budget_to_date"]) == [100.0, 200.0, 200.0, 300.0, 400.0]
    assert list(burn["approved"][:4]) == [50.0, 50.0, 50.0, 80.0] and pd.isna(burn["approved"].iloc[4])
    assert list(burn["verified"][:4]) == [20.0, 30.0, 30.0, 30.0] and pd.isna(burn["verified"].iloc[4])
    assert set(burn["budget"]) == {400.0}


def test_expense_burn_without_progress_runs_to_the_last_request():
    calendar = pd.DataFrame({"date": pd.date_range("2026-12-01", periods=3), "weight": [1.0, 1.0, 1.0]})
    log = pd.DataFrame({"date": pd.to_datetime(["2026-12-02"]), "counted": [60.0], "verified": [None]})
    burn = expense_burn(300.0, log, calendar, MONTH, None)
    assert list(burn["approved"][:2]) == [0.0, 60.0] and pd.isna(burn["approved"].iloc[2])


def test_flag_counts_come_from_each_sheet():
    """Two reps behind pace (a missed visit is another flag); overdue 3 + blank + 2 = 5; two silent
    customers; signed yes / no / blank: two not signed."""
    flags = flag_counts({
        "dash_progress_flags": pd.DataFrame({"flag": [FLAG_LABELS["behind-pace"], FLAG_LABELS["visit-missed"],
                                                      FLAG_LABELS["behind-pace"]]}),
        "dash_followup_reps": pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "overdue": pd.array([3, None, 2],
                                                                                              dtype="Int64")}),
        "dash_followup_silent": pd.DataFrame({"customer_id": ["C1", "C2"], "days_silent": [22, 30]}),
        "agreed_signatures": pd.DataFrame({"rep_id": ["R1", "R2", "R3"],
                                           "signed": pd.array([True, False, None], dtype="boolean")}),
    })
    assert list(flags["count"]) == [2, 5, 2, 2]
    assert list(flags["where"]) == ["进度 Progress", "跟进计划 Follow-up Plan", "跟进计划 Follow-up Plan",
                                    "目标确认 Agreed Targets"]


def test_a_month_closed_without_tracking_takes_actual_and_attainment_from_the_close():
    """No Progress sheet; Performance's company row: 1,150 against 1,100, 104.5 %. No pace at month end."""
    totals = pd.DataFrame({"region": ["East", "全公司 Company"], "reps": [2, 3], "target": [700.0, 1100.0],
                           "actual": [800.0, 1150.0], "attainment": [800 / 700, 1150 / 1100]})
    board = dashboard({**target_only_sheets(), "dash_performance_totals": totals}, None, None, None)
    figures = board.key_figures.iloc[0]
    assert figures["actual"] == 1150.0 and figures["attainment"] == pytest.approx(1.04545, abs=1e-5)
    assert figures["pace"] is None


def test_a_month_target_sheet_without_its_figure_counts_as_not_run():
    sheets = {**target_only_sheets(), "dash_month_target": target_only_sheets()["dash_month_target"].iloc[:0]}
    board = dashboard(sheets, None, None, None)
    assert board.month is None and board.build_up is None and "salesxl target" in board.notes[0]


def test_after_the_close_the_key_figures_are_the_closed_months():
    """Tracking stopped on Dec 17 at 36 %; the month was then closed at 98 % (issue 21): the key figures are
    the Performance sheet's company row, as of the month's end, not the last tracking day."""
    burnup = pd.DataFrame({"date": pd.to_datetime(["2026-12-16", "2026-12-17"]), "working": [True, True],
                           "cumulative_target": [500.0, 600.0], "cumulative_actual": [300.0, 396.0]})
    totals = pd.DataFrame({"region": ["East", "全公司 Company"], "reps": [2, 3], "target": [700.0, 1100.0],
                           "actual": [700.0, 1078.0], "attainment": [1.0, 0.98]})
    sheets = {**target_only_sheets(), "dash_burnup": burnup, "dash_performance_totals": totals,
              "dash_progress_company": pd.DataFrame({"scope": ["公司"], "target": [1100.0], "actual": [396.0],
                                                     "attainment": [0.36], "pace": [0.62]})}
    figures = dashboard(sheets, None, None, None).key_figures.iloc[0]
    assert (figures["actual"], figures["attainment"]) == (1078.0, 0.98)
    assert figures["as_of"] == pd.Timestamp("2026-12-31") and figures["pace"] is None


def many_reps(n: int, top: float | None = None) -> pd.DataFrame:
    """``n`` reps at 40 %, 42 %, … (2 points apart), lines 100 / 110 / 120 %; the last at ``top`` if given."""
    attainment = [0.40 + 0.02 * i for i in range(n)]
    if top is not None:
        attainment[-1] = top
    return pd.DataFrame({"rep": [f"R{i:02d}" for i in range(1, n + 1)], "attainment": attainment,
                         "base": 1.0, "challenge": 1.1, "sprint": 1.2})


def test_up_to_30_reps_the_chart_shows_them_all_above_that_the_top_and_bottom_10_and_a_histogram():
    """31 reps at 40 %–100 %: the chart keeps the best 10 (100 %…82 %) and the worst 10 (58 %…40 %); the
    tiers: below base 30 (40 %–98 %), base 1 (100 %)."""
    board = dashboard({**target_only_sheets(), "dash_performance": many_reps(30)}, None, None, None)
    assert len(board.reps) == 30 and board.tiers is None
    board = dashboard({**target_only_sheets(), "dash_performance": many_reps(31)}, None, None, None)
    assert len(board.reps) == 20
    assert list(board.reps["attainment"].round(2)) == [round(1.0 - 0.02 * i, 2) for i in range(10)] + \
        [round(0.58 - 0.02 * i, 2) for i in range(10)]
    assert list(board.tiers["count"]) == [30, 1, 0, 0]
    assert list(board.tiers["tier"]) == ["未达基础 Below base", "基础 Base", "挑战 Challenge", "冲刺 Sprint"]
    assert any("31" in n and "10" in n for n in board.notes)


def test_one_rep_far_above_the_rest_does_not_flatten_the_chart():
    """Nine reps at 40 %–56 % and one at 450 %: the axis stops at 140 % (the sprint line 120 % × 1.15 = 138 %,
    rounded up to 10 points) and a note names the rep off the top. Without an outlier the axis is Excel's."""
    board = dashboard({**target_only_sheets(), "dash_performance": many_reps(10, top=4.5)}, None, None, None)
    assert board.attainment_cap == pytest.approx(1.4)
    assert any("R10" in n and "450" in n for n in board.notes)
    board = dashboard({**target_only_sheets(), "dash_performance": many_reps(10, top=1.3)}, None, None, None)
    assert board.attainment_cap is None
