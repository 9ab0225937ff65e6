"""Progress against the issued targets: pace, forecasts, gaps and flags, worked by hand on February 2026.

February 2026 in China has 16 working days: Feb 2–6, Feb 9–14 (Saturday the 14th is a make-up day) and
Feb 24–28 (Saturday the 28th too); Feb 15–23 is the Spring Festival break. Rep R1 has a month target of
16,000 (1,000 per working day), R2 of 8,000 (500 per working day).
"""

from __future__ import annotations

from dataclasses import replace
import pandas as pd
import pytest

from salesxl.core.calendar import month_calendar
from salesxl.core.settings import Settings
from salesxl.core.tracking import default_as_of, month_clock, month_weeks, track, weekly_review

MONTH = pd.Period("2026-02", "M")
CALENDAR, _ = month_calendar(MONTH, "CN")
WORKING = list(CALENDAR.loc[CALENDAR["working"], "date"])
SETTINGS = Settings(plan_month=MONTH, pace_threshold=0.9, run_rate_days=5, core_visit_days=7, expense_ratio_limit=0.06,
                    mix_lag_threshold=0.9)


def frame(rows, columns, first_row=2):
    out = pd.DataFrame(rows, columns=columns)
    out.index = pd.RangeIndex(first_row, first_row + len(out), name="excel_row")
    return out


def d(text):
    return pd.Timestamp(f"2026-{text}")


def issued():
    rep_targets = frame([(MONTH, "R1", "王伟", "华东", 16000.0, 16000.0, 17600.0, 19200.0),
                         (MONTH, "R2", "李娜", "华南", 8000.0, 8000.0, 8800.0, 9600.0)],
                        ["month", "rep_id", "name", "region", "target", "base", "challenge", "sprint"], 6)
    rep_skus = frame([("R1", "F01", "flagship", 6000.0), ("R1", "V01", "volume", 10000.0),
                      ("R2", "F01", "flagship", 3000.0), ("R2", "V01", "volume", 5000.0)],
                     ["rep_id", "sku", "role", "sku_target"], 12)
    outlets = frame([("O1", "R1", "华东", True, 8000.0), ("O2", "R1", "华东", False, 8000.0),
                     ("O3", "R2", "华南", True, 8000.0)],
                    ["outlet_id", "rep_id", "region", "core", "outlet_target"], 6)
    core_skus = frame([("O1", "F01", 3000.0), ("O1", "V01", 5000.0), ("O3", "F01", 3000.0), ("O3", "V01", 5000.0)],
                      ["outlet_id", "sku", "outlet_sku_target"], 12)
    daily = frame([(day, rep, per_day, per_day * (i + 1)) for rep, per_day in (("R1", 1000.0), ("R2", 500.0))
                   for i, day in enumerate(WORKING)], ["date", "rep_id", "daily_target", "target_to_date"], 6)
    return {"rep_targets": rep_targets, "rep_sku_targets": rep_skus, "outlet_targets": outlets,
            "core_outlet_sku_targets": core_skus, "daily_targets": daily}


# R1 sells 4,200 in week 1 and 4,600 in week 2 (8,800); R2 sells 500, 2,000 and 300 on Sunday the 15th.
ACTUALS = frame([
    (d("02-02"), "R1", "O1", "F01", 1000.0), (d("02-03"), "R1", "O1", "V01", 1000.0),
    (d("02-04"), "R1", "O2", "V01", 800.0), (d("02-05"), "R1", "O2", "V01", 800.0),
    (d("02-06"), "R1", "O1", "V01", 600.0), (d("02-09"), "R1", "O1", "F01", 1000.0),
    (d("02-10"), "R1", "O2", "V01", 700.0), (d("02-11"), "R1", "O2", "V01", 900.0),
    (d("02-12"), "R1", "O1", "V01", 1000.0), (d("02-13"), "R1", "O2", "V01", 600.0),
    (d("02-14"), "R1", "O2", "V01", 400.0),
    (d("02-02"), "R2", "O3", "V01", 500.0), (d("02-09"), "R2", "O3", "F01", 2000.0),
    (d("02-15"), "R2", "O3", "V01", 300.0),
], ["date", "rep_id", "outlet_id", "sku", "amount"])

PRODUCTS = frame([("F01", "flagship"), ("V01", "volume")], ["sku", "role"])
REPS = frame([("R1", "王伟", "华东", "华东经理", True), ("R2", "李娜", "华南", "华南经理", True)],
             ["rep_id", "name", "region", "manager", "active"])

LOG_COLUMNS = ["date", "rep_id", "outlet_id", "planned", "visited", "expense", "feedback", "next_action"]
LOG = frame([
    (d("02-12"), "R1", "O1", True, True, 400.0, "要求加陈列", None),
    (d("02-12"), "R1", None, False, False, 200.0, None, None),
    (d("02-09"), "R2", "O3", True, True, 100.0, None, "下周送样"),
    (d("02-13"), "R2", "O3", True, False, None, None, None),
    (d("02-26"), "R2", "O3", True, False, None, None, None),  # planned after the as-of day: not missed yet
], LOG_COLUMNS)


def run(as_of, **changes):
    progress, problems = track(issued(), ACTUALS, LOG, PRODUCTS, REPS, CALENDAR, replace(SETTINGS, **changes),
                               d(as_of))
    return progress, problems


@pytest.mark.parametrize("as_of", ["02-14", "02-15", "02-17"])
def test_clock_stands_still_over_the_weekend_and_the_holiday(as_of):
    """Saturday the 14th is the 11th working day; Sunday the 15th and the holiday on the 17th add none."""
    clock = month_clock(CALENDAR, d(as_of), 5)
    assert (clock.total, clock.elapsed, clock.remaining) == (16, 11, 5)
    assert clock.time_elapsed == 11 / 16
    assert clock.window_start == d("02-10") and clock.window == 5  # Feb 10, 11, 12, 13, 14


def test_pace_and_forecasts_on_a_holiday():
    """As of Tuesday Feb 17 (Spring Festival), R1:

    target to date 11 × 1,000 = 11,000; actual 8,800; attainment 8,800 ÷ 16,000 = 55 %;
    time elapsed 11 ÷ 16 = 68.75 %; pace 55 % ÷ 68.75 % = 80 %; behind by 2,200.
    Recent rate: Feb 10–14 sold 700 + 900 + 1,000 + 600 + 400 = 3,600 over 5 days = 720;
    run-rate forecast 8,800 + 5 × 720 = 12,400 (77.5 %); calendar forecast 8,800 × 16,000 ÷ 11,000 = 12,800.
    Gaps: base 16,000 − 8,800 = 7,200 → 1,440 a day over 5 days; challenge 8,800 → 1,760; sprint 10,400 → 2,080.
    """
    progress, problems = run("02-17")
    assert problems == []
    r1 = progress.reps.set_index("rep_id").loc["R1"]
    assert r1["target_to_date"] == 11000 and r1["actual"] == 8800 and r1["ahead"] == -2200
    assert r1["attainment"] == pytest.approx(0.55)
    assert r1["time_elapsed"] == 0.6875
    assert r1["pace"] == pytest.approx(0.8)
    assert r1["daily_rate"] == pytest.approx(720)
    assert r1["forecast_run_rate"] == pytest.approx(12400)
    assert r1["forecast_attainment"] == pytest.approx(0.775)
    assert r1["forecast_calendar"] == pytest.approx(12800)
    assert [r1[f"gap_{t}"] for t in ("base", "challenge", "sprint")] == [7200, 8800, 10400]
    assert [r1[f"need_{t}"] for t in ("base", "challenge", "sprint")] == pytest.approx([1440, 1760, 2080])


def test_weekend_sale_counts_in_the_recent_rate():
    """R2 sold 300 on Sunday the 15th, inside the window that starts on Feb 10: rate 300 ÷ 5 = 60.

    Actual 500 + 2,000 + 300 = 2,800; run rate 2,800 + 5 × 60 = 3,100; calendar 2,800 × 8,000 ÷ 5,500 = 4,072.73;
    pace (2,800 ÷ 8,000) ÷ (11 ÷ 16) = 0.35 ÷ 0.6875 = 0.50909.
    """
    progress, _ = run("02-17")
    r2 = progress.reps.set_index("rep_id").loc["R2"]
    assert r2["daily_rate"] == pytest.approx(60)
    assert r2["forecast_run_rate"] == pytest.approx(3100)
    assert r2["forecast_calendar"] == pytest.approx(2800 * 8000 / 5500)
    assert r2["pace"] == pytest.approx(0.35 / 0.6875)


def test_pace_on_a_weekend_in_the_first_week():
    """As of Sunday Feb 8: 5 of 16 days gone; R1 sold 4,200 of 16,000.

    Attainment 26.25 %, time 31.25 %, pace 0.84; the window is all five days (840 a day), so the run rate
    4,200 + 11 × 840 = 13,440 equals the calendar forecast 4,200 × 16,000 ÷ 5,000.
    """
    progress, _ = run("02-08")
    r1 = progress.reps.set_index("rep_id").loc["R1"]
    assert (r1["target_to_date"], r1["actual"]) == (5000, 4200)
    assert r1["pace"] == pytest.approx(0.84)
    assert r1["forecast_run_rate"] == pytest.approx(13440)
    assert r1["forecast_calendar"] == pytest.approx(13440)


def test_on_the_last_day_pace_is_attainment_and_nothing_is_left_per_day():
    """As of Saturday Feb 28 (a make-up working day, the 16th): time elapsed 100 %, so pace = attainment;
    the run rate adds nothing, the gap to base stays 16,000 − 8,800 = 7,200 with no day left to close it."""
    progress, _ = run("02-28")
    r1 = progress.reps.set_index("rep_id").loc["R1"]
    assert progress.clock.remaining == 0 and r1["time_elapsed"] == 1
    assert r1["pace"] == pytest.approx(r1["attainment"]) == pytest.approx(0.55)
    assert r1["forecast_run_rate"] == r1["actual"] == 8800
    assert r1["gap_base"] == 7200 and pd.isna(r1["need_base"])
    behind = progress.flags[(progress.flags["code"] == "behind-pace") & (progress.flags["rep_id"] == "R1")]
    assert behind["detail"].iloc[0].endswith("no working days left")


def test_company_regions_and_roles_add_up():
    """Company: target 24,000, to date 16,500, actual 11,600. Flagship: 9,000 target, 2,000 + 2,000 sold.

    Roles are due in proportion to the company: 16,500 ÷ 24,000 = 68.75 % of 9,000 = 6,187.50 by now.
    """
    progress, _ = run("02-17")
    company = progress.company.iloc[0]
    assert (company["target"], company["target_to_date"], company["actual"]) == (24000, 16500, 11600)
    assert company["pace"] == pytest.approx((11600 / 24000) / 0.6875)
    assert progress.regions.set_index("region")["actual"].to_dict() == {"华东": 8800, "华南": 2800}
    roles = progress.roles.set_index("role")
    assert roles.loc["flagship", ["target", "actual"]].tolist() == [9000, 4000]
    assert roles.loc["flagship", "target_to_date"] == pytest.approx(6187.5)
    assert roles.loc["flagship", "target_share"] == pytest.approx(9000 / 24000)
    assert roles.loc["flagship", "actual_share"] == pytest.approx(4000 / 11600)


def test_burnup_is_cumulative_and_stops_at_the_as_of_day():
    progress, _ = run("02-17")
    burnup = progress.burnup.set_index("date")
    assert burnup.loc[d("02-14"), "cumulative_target"] == 16500
    assert burnup.loc[d("02-28"), "cumulative_target"] == 24000
    assert burnup.loc[d("02-17"), "cumulative_actual"] == 11600
    assert pd.isna(burnup.loc[d("02-18"), "cumulative_actual"])
    # The forecast line starts at the actual and climbs by the company rate (720 + 60 = 780) on working days.
    assert burnup.loc[d("02-17"), "forecast"] == 11600
    assert burnup.loc[d("02-23"), "forecast"] == 11600
    assert burnup.loc[d("02-28"), "forecast"] == pytest.approx(11600 + 5 * 780)
    assert pd.isna(burnup.loc[d("02-16"), "forecast"])


def test_flags():
    """R1 and R2 are behind pace (0.80 and 0.51 < 0.90); R1 spent 600 on 8,800 sales (6.8 % > 6 %);
    R1's flagship attainment 2,000 ÷ 6,000 = 33 % is below 0.9 × 55 %; core outlet O3 was last visited
    on Feb 9, 8 days before the 17th (≥ 7); R2's planned visit to O3 on Feb 13 (Daily Log row 5) was missed.
    """
    progress, _ = run("02-17")
    flags = [(f.code, f.rep_id, f.subject, f.row if pd.notna(f.row) else None) for f in progress.flags.itertuples()]
    assert flags == [
        ("behind-pace", "R2", "", None), ("behind-pace", "R1", "", None),
        ("expense-ahead", "R1", "", None),
        ("flagship-lag", "R1", "战斗机型 flagship", None),
        ("outlet-not-visited", "R2", "O3", None),
        ("visit-missed", "R2", "O3", 5),
    ]
    core = progress.core_outlets.set_index("outlet_id")
    assert core.loc["O1", "days_since_visit"] == 5 and not core.loc["O1", "not_visited"]
    assert core.loc["O1", "target_to_date"] == pytest.approx(8000 * 11 / 16)
    assert progress.reps.set_index("rep_id").loc["R1", "flag"] == "进度落后 Behind pace、费用超前 Expense ahead of sales、战斗机型落后 Flagship lagging"


def test_threshold_from_settings():
    progress, _ = run("02-17", pace_threshold=0.6, expense_ratio_limit=0.07, mix_lag_threshold=0.5)
    assert [(f.code, f.rep_id) for f in progress.flags.itertuples()][:2] == [("behind-pace", "R2"),
                                                                            ("outlet-not-visited", "R2")]


def test_targets_for_another_month_are_refused():
    targets = issued()
    targets["rep_targets"]["month"] = pd.Period("2026-01", "M")
    progress, problems = track(targets, ACTUALS, LOG, PRODUCTS, REPS, CALENDAR, SETTINGS, d("02-17"))
    assert progress is None
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("rep_targets", 6, "month", "targets-for-another-month")]


def test_as_of_outside_the_month_and_sales_outside_it():
    _, problems = run("03-01")
    assert [p.code for p in problems] == ["as-of-outside-month"]
    actuals = pd.concat([ACTUALS, frame([(pd.Timestamp("2026-01-30"), "R1", "O1", "F01", 999.0)],
                                        ACTUALS.columns, 16)])
    progress, problems = track(issued(), actuals, LOG, PRODUCTS, REPS, CALENDAR, SETTINGS, d("02-10"))
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("actuals", 16, "date", "outside-month", "warning"), ("actuals", 9, "date", "after-as-of", "notice")]
    assert progress.company.iloc[0]["actual"] == 1000 + 1000 + 800 + 800 + 600 + 1000 + 700 + 500 + 2000


def test_sales_by_a_rep_without_a_target_are_counted_with_a_warning():
    actuals = pd.concat([ACTUALS, frame([(d("02-03"), "R3", None, "V01", 250.0)], ACTUALS.columns, 16)])
    progress, problems = track(issued(), actuals, LOG, PRODUCTS, REPS, CALENDAR, SETTINGS, d("02-17"))
    assert [(p.row, p.code) for p in problems] == [(16, "sales-without-target")]
    assert progress.company.iloc[0]["actual"] == 11850
    assert progress.reps.set_index("rep_id").loc["R3", "target"] == 0


def test_default_as_of_is_the_last_day_with_data_in_the_month():
    assert default_as_of(MONTH, pd.Timestamp("2026-05-01"), ACTUALS["date"], LOG["date"]) == d("02-26")
    assert default_as_of(MONTH, pd.Timestamp("2026-05-01"), ACTUALS["date"]) == d("02-15")
    empty = pd.Series([], dtype="datetime64[ns]")
    assert default_as_of(MONTH, pd.Timestamp("2026-02-10 15:00"), empty) == d("02-10")
    assert default_as_of(MONTH, pd.Timestamp("2026-01-10"), empty) == d("02-01")
    assert default_as_of(MONTH, pd.Timestamp("2026-07-10"), empty) == d("02-28")


def test_weeks_of_a_month():
    weeks = month_weeks(pd.Period("2026-12", "M"))
    assert [(w.week, f"{w.start:%m-%d}", f"{w.end:%m-%d}") for w in weeks.itertuples()] == [
        (1, "12-01", "12-06"), (2, "12-07", "12-13"), (3, "12-14", "12-20"), (4, "12-21", "12-27"),
        (5, "12-28", "12-31")]
    # February 2026 starts on a Sunday: that lone weekend day joins the first Monday-to-Sunday week.
    weeks = month_weeks(MONTH)
    assert [(w.week, f"{w.start:%m-%d}", f"{w.end:%m-%d}") for w in weeks.itertuples()] == [
        (1, "02-01", "02-08"), (2, "02-09", "02-15"), (3, "02-16", "02-22"), (4, "02-23", "02-28")]


def test_weekly_review_of_week_two():
    """Week 2 of Feb 2026 is Feb 9–15: 6 working days (the 14th is a make-up day).

    R1: week target 6,000, week actual 1,000 + 700 + 900 + 1,000 + 600 + 400 = 4,600 (76.7 %); month to
    date at the week's end 8,800 of 11,000 due. R2: week actual 2,000 + 300 (Sunday) = 2,300 of 3,000.
    """
    review, problems = weekly_review(2, issued(), ACTUALS, LOG, PRODUCTS, REPS, CALENDAR, SETTINGS)
    assert problems == []
    assert (review.start, review.end) == (d("02-09"), d("02-15"))
    reps = review.reps.set_index("rep_id")
    assert reps.loc["R1", ["week_target", "week_actual", "target_to_date", "actual"]].tolist() == [
        6000, 4600, 11000, 8800]
    assert reps.loc["R2", ["week_target", "week_actual"]].tolist() == [3000, 2300]
    assert reps.loc["R2", ["week_visits_planned", "week_visits_done", "week_visits_missed"]].tolist() == [2, 1, 1]
    assert reps.loc["R1", "week_expense"] == 600
    assert review.issues[["rep_id", "feedback", "next_action"]].fillna("").values.tolist() == [
        ["R1", "要求加陈列", ""], ["R2", "", "下周送样"]]


def test_weekly_review_of_a_week_that_does_not_exist():
    review, problems = weekly_review(6, issued(), ACTUALS, LOG, PRODUCTS, REPS, CALENDAR, SETTINGS)
    assert review is None and [p.code for p in problems] == ["no-such-week"]


# ---------------------------------------------------------------- invariants

from hypothesis import given, settings as hypothesis_settings, strategies as st  # noqa: E402

FEB_DAYS = list(CALENDAR["date"])


@hypothesis_settings(max_examples=25, deadline=None)
@given(sales=st.lists(st.tuples(st.sampled_from(FEB_DAYS), st.sampled_from(["R1", "R2"]),
                                st.sampled_from(["F01", "V01"]), st.integers(-500, 5000)), max_size=30),
       as_of=st.sampled_from(FEB_DAYS), window=st.integers(1, 20))
def test_progress_adds_up_whatever_the_sales(sales, as_of, window):
    """Company = sum of reps = sum of regions = burn-up at the as-of day = the Actuals rows up to it;
    attainment = pace × time elapsed; each gap is the need per day times the days left."""
    actuals = frame([(day, rep, "O1" if rep == "R1" else "O3", sku, float(amount)) for day, rep, sku, amount in sales],
                    ["date", "rep_id", "outlet_id", "sku", "amount"])
    progress, problems = track(issued(), actuals, LOG, PRODUCTS, REPS, CALENDAR,
                               replace(SETTINGS, run_rate_days=window), as_of)
    counted = sum(a for day, _, _, a in sales if day <= as_of)
    company = progress.company.iloc[0]
    assert company["actual"] == pytest.approx(counted)
    assert progress.reps["actual"].sum() == pytest.approx(counted)
    assert progress.regions["actual"].sum() == pytest.approx(counted)
    assert progress.roles["actual"].sum() == pytest.approx(counted)
    assert progress.burnup.set_index("date").loc[as_of, "cumulative_actual"] == pytest.approx(counted)
    clock = progress.clock
    assert clock.elapsed + clock.remaining == clock.total == 16
    reps = progress.reps
    if clock.elapsed:
        assert list(reps["attainment"]) == pytest.approx(list(reps["pace"] * clock.time_elapsed))
    else:
        assert reps["pace"].isna().all()
    if clock.remaining:
        assert list(reps["gap_base"]) == pytest.approx(list(reps["need_base"] * clock.remaining))
    assert (reps["gap_base"] >= 0).all()
    assert progress.burnup["cumulative_target"].iloc[-1] == 24000


# ---- expense ahead of sales, against each rep's issued expense budget ----
# As of Feb 17: R1 spent 400 + 200 = 600 and achieved 8,800 ÷ 16,000 = 55 % of target;
# R2 spent 100 and achieved 2,800 ÷ 8,000 = 35 %.

BUDGET_COLUMNS = ["level", "region", "rep_id", "category", "budget"]


def budget(*lines):
    return frame(list(lines), BUDGET_COLUMNS, 8)


def expense_flags(expense_budget, **changes):
    progress, problems = track(issued(), ACTUALS, LOG, PRODUCTS, REPS, CALENDAR, replace(SETTINGS, **changes),
                               d("02-17"), expense_budget)
    assert problems == []
    return progress, [(f.rep_id, f.detail) for f in progress.flags.itertuples() if f.code == "expense-ahead"]


def test_spending_within_the_margin_of_attainment_is_not_flagged():
    """R1's budget 1,000: 60 % spent on 55 % achieved is 5 points ahead, within the 10-point margin,
    though 600 ÷ 8,800 = 6.8 % of sales is over the 6 % ratio the flag used to apply. R2 has no budget
    line and falls back to the ratio: 100 ÷ 2,800 = 3.6 % ≤ 6 %."""
    progress, flags = expense_flags(budget(("rep", "华东", "R1", "差旅 travel", 1000.0)))
    assert flags == []
    r1 = progress.reps.set_index("rep_id").loc["R1"]
    assert r1["expense_budget"] == 1000 and r1["budget_used"] == pytest.approx(0.6)
    assert pd.isna(progress.reps.set_index("rep_id").loc["R2", "expense_budget"])


def test_spending_more_than_the_margin_ahead_is_flagged_most_ahead_first():
    """R1: 600 of 600 + 300 = 900 (two categories) is 66.7 % spent on 55 % achieved, 11.7 points ahead.
    R2: 100 of 200 is 50 % spent on 35 %, 15 points ahead, so R2 comes first. The region's own line
    (no rep) is nobody's budget."""
    _, flags = expense_flags(budget(("rep", "华东", "R1", "差旅 travel", 600.0),
                                    ("rep", "华东", "R1", "招待 entertainment", 300.0),
                                    ("region", "华南", None, "差旅 travel", 5000.0),
                                    ("rep", "华南", "R2", "差旅 travel", 200.0)))
    assert flags == [
        ("R2", "费用 100，已用预算 50.0%，目标完成 35.0%，超前超过 10% / expenses 100: 50.0% of budget spent, "
               "35.0% of target achieved, more than 10% ahead"),
        ("R1", "费用 600，已用预算 66.7%，目标完成 55.0%，超前超过 10% / expenses 600: 66.7% of budget spent, "
               "55.0% of target achieved, more than 10% ahead"),
    ]


def test_the_margin_is_a_setting_and_exactly_the_margin_is_not_ahead():
    """R1's budget 1,000: 5 points ahead. Margin 5 %: exactly the margin, no flag; margin 4 %: flagged."""
    line = budget(("rep", "华东", "R1", "差旅 travel", 1000.0))
    assert expense_flags(line, expense_budget_margin=0.05)[1] == []
    assert [rep for rep, _ in expense_flags(line, expense_budget_margin=0.04)[1]] == ["R1"]


def test_spending_on_a_budget_of_zero_is_flagged():
    _, flags = expense_flags(budget(("rep", "华东", "R1", "差旅 travel", 0.0)))
    assert flags == [("R1", "费用 600，预算为0 / expenses 600 on a budget of 0")]


def test_without_the_budget_sheet_the_ratio_applies():
    """No Expense Budget sheet: R1's 600 ÷ 8,800 = 6.8 % of sales is over the 6 % limit."""
    _, flags = expense_flags(None)
    assert flags == [("R1", "费用 600，费用率 6.8%，上限 6%（无费用预算） / expenses 600, 6.8% of sales, limit 6% "
                            "(no expense budget)")]
