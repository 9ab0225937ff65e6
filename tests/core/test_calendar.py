"""Working days and the daily split, checked against the Chinese 2026 calendar by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from salesxl.core.calendar import (month_calendar, split_by_workdays, split_reps_by_workdays, weekday_pattern,
                                   working_days)

FEB_2026 = pd.Period("2026-02", "M")


def test_february_2026_in_china_has_16_working_days():
    calendar, problems = month_calendar(FEB_2026, "CN")
    assert problems == []
    worked = [d.day for d in calendar.loc[calendar.working, "date"]]
    # Feb 2-6, 9-14 (Sat 14th is a make-up day), 24-28 (Sat 28th too); 15-23 is Spring Festival.
    assert worked == [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 24, 25, 26, 27, 28]
    assert working_days(calendar) == 16


def test_309000_in_february_2026_is_19312_50_per_working_day():
    calendar, _ = month_calendar(FEB_2026, "CN")
    daily = split_by_workdays(309_000, calendar, unit=0.01)
    assert set(daily.loc[daily.working, "target"]) == {19_312.50}
    assert daily.loc[~daily.working, "target"].sum() == 0
    assert daily["target"].sum() == 309_000
    assert daily["cumulative"].iloc[-1] == 309_000


def test_with_unit_1_the_earliest_eight_days_take_the_extra_yuan():
    calendar, _ = month_calendar(FEB_2026, "CN")
    daily = split_by_workdays(309_000, calendar, unit=1)
    worked = daily.loc[daily.working, "target"].tolist()
    assert worked == [19_313] * 8 + [19_312] * 8


def test_calendar_sheet_overrides_days():
    overrides = pd.DataFrame({"date": pd.to_datetime(["2026-02-02", "2026-02-16", "2026-02-03"]),
                              "status": ["off", "working", "working"], "weight": [None, None, 0.5]})
    calendar, _ = month_calendar(FEB_2026, "CN", overrides)
    # 16 - Feb 2 + Feb 16 = 16 days; Feb 3 is a half day.
    assert working_days(calendar) == 16
    assert calendar.set_index("date").loc["2026-02-03", "weight"] == 0.5
    daily = split_by_workdays(15_500, calendar, unit=1).set_index("date")
    # weights: 15 full days + one half = 15.5, so 1,000 a full day and 500 for Feb 3.
    assert daily.loc["2026-02-03", "target"] == 500
    assert daily.loc["2026-02-16", "target"] == 1_000
    assert daily.loc["2026-02-02", "target"] == 0


def test_a_month_with_every_day_off_is_an_error():
    days = pd.date_range("2026-02-01", "2026-02-28")
    overrides = pd.DataFrame({"date": days, "status": "off", "weight": None})
    _, problems = month_calendar(FEB_2026, "CN", overrides)
    assert [(p.sheet, p.code) for p in problems] == [("calendar", "no-working-days")]


def test_unknown_country_points_at_settings():
    _, problems = month_calendar(FEB_2026, "XX")
    assert [(p.sheet, p.column, p.code) for p in problems] == [("settings", "country", "unknown-country")]


def test_two_reps_in_february_2026_split_in_cents():
    # 154,500 each over 16 days is 9,656.25 a day; the company's day is 19,312.50.
    calendar, _ = month_calendar(FEB_2026, "CN")
    by_rep, company = split_reps_by_workdays(pd.Series({"R1": 154_500.0, "R2": 154_500.0}), calendar, 0.01)
    assert set(by_rep["target"]) == {9_656.25} and len(by_rep) == 32
    assert set(company.loc[company.working, "target"]) == {19_312.50}
    assert by_rep.groupby("rep_id")["cumulative"].last().to_dict() == {"R1": 154_500, "R2": 154_500}


def test_two_reps_in_february_2026_in_yuan_keep_the_companys_day():
    """In yuan the company's days are 8 × 19,313 then 8 × 19,312 (earliest first).

    Each rep's 9,656.25 a day rounds to 4 days of 9,657 and 12 of 9,656, earliest first,
    which would put 19,314 on Feb 2–5 and 19,312 on Feb 6–11. The repair moves R1's extra
    yuan to Feb 6, 9, 10, 11 (R1 comes first), so every day matches the company's split.
    """
    calendar, _ = month_calendar(FEB_2026, "CN")
    by_rep, company = split_reps_by_workdays(pd.Series({"R1": 154_500.0, "R2": 154_500.0}), calendar, 1)
    days = by_rep.pivot(index="date", columns="rep_id", values="target")
    extra = {rep: [d.day for d in days.index[days[rep] == 9_657]] for rep in ("R1", "R2")}
    assert extra == {"R1": [6, 9, 10, 11], "R2": [2, 3, 4, 5]}
    assert company.loc[company.working, "target"].tolist() == [19_313] * 8 + [19_312] * 8
    assert (days.sum(axis=1).to_numpy() == company.loc[company.working, "target"].to_numpy()).all()
    assert by_rep.groupby("rep_id")["target"].sum().to_dict() == {"R1": 154_500, "R2": 154_500}


def test_each_rep_follows_the_calendar_overrides():
    # Feb 2 off, Feb 16 worked, Feb 3 a half day: 15.5 day-weights; 15,500 is 1,000 a full day.
    overrides = pd.DataFrame({"date": pd.to_datetime(["2026-02-02", "2026-02-16", "2026-02-03"]),
                              "status": ["off", "working", "working"], "weight": [None, None, 0.5]})
    calendar, _ = month_calendar(FEB_2026, "CN", overrides)
    by_rep, _ = split_reps_by_workdays(pd.Series({"R1": 15_500.0, "R2": 7_750.0}), calendar, 1)
    r1 = by_rep[by_rep.rep_id == "R1"].set_index("date")["target"]
    r2 = by_rep[by_rep.rep_id == "R2"].set_index("date")["target"]
    assert r1["2026-02-03"] == 500 and r1["2026-02-16"] == 1_000 and "2026-02-02" not in r1.index
    assert r2["2026-02-03"] == 250 and r2["2026-02-16"] == 500 and len(r2) == 16


def test_weekday_pattern_learned_from_daily_history():
    """February 2026 worked: Mon ×2, Tue–Fri ×3, Sat ×2 (make-up days) — 16 days.

    Every worked day sold 100 except Fridays, 200: 1,900 in all, 118.75 an average day.
    Monday: 200 / 2 days = 100 a day, factor 100 / 118.75; Friday 600 / 3 = 200, factor
    200 / 118.75; Sunday was never worked, factor 1.
    """
    calendar, _ = month_calendar(FEB_2026, "CN")
    worked = calendar.loc[calendar.working, ["date", "weekday"]]
    history = pd.DataFrame({"date": worked["date"].to_numpy(), "month": pd.NaT,
                            "amount": [200.0 if w == 5 else 100.0 for w in worked["weekday"]]})
    pattern = weekday_pattern(history, pd.Period("2026-03", "M"), 1, "CN")
    assert pattern[1] == pytest.approx(100 / 118.75) and pattern[5] == pytest.approx(200 / 118.75)
    assert pattern[6] == pytest.approx(100 / 118.75) and pattern[7] == 1.0
    # March 2026 by that pattern: Fridays take twice a Monday.
    march, _ = month_calendar(pd.Period("2026-03", "M"), "CN")
    by_rep, _ = split_reps_by_workdays(pd.Series({"R1": 100_000.0}), march, 1, pattern)
    day = by_rep.set_index("date")["target"]
    assert day["2026-03-06"] / day["2026-03-02"] == pytest.approx(2, abs=1e-3)
    assert day.sum() == 100_000


def test_no_daily_history_means_no_pattern():
    history = pd.DataFrame({"date": pd.to_datetime([None]), "month": [pd.Period("2026-02", "M")],
                            "amount": [100.0]})
    assert weekday_pattern(history, pd.Period("2026-03", "M"), 12, "CN") is None


def test_make_up_workdays_and_holidays_are_named_in_chinese_and_english():
    """February 2026 in China (issue 21): Saturday the 14th is worked to make up for Friday the 20th off, and
    Saturday the 28th for Monday the 23rd, both days off of the Spring Festival (16th–19th). The 14th showed
    only "工作日" with a blank holiday, and names were English only ("Day off (substituted from 02/14/2026)")."""
    calendar, _ = month_calendar(FEB_2026, "CN")
    day = calendar.set_index(calendar["date"].dt.day)
    assert day.loc[14, "kind"] == "make-up" and day.loc[14, "working"]
    assert day.loc[14, "holiday"] == "调休上班（补春节 02-20 休息） make-up workday for Chinese New Year (Spring Festival) (day off 02-20)"
    assert day.loc[28, "holiday"] == "调休上班（补春节 02-23 休息） make-up workday for Chinese New Year (Spring Festival) (day off 02-23)"
    assert day.loc[17, "holiday"] == "春节 Chinese New Year (Spring Festival)" and day.loc[17, "kind"] == "holiday"
    assert day.loc[16, "holiday"] == "农历除夕 Chinese New Year's Eve"
    assert day.loc[20, "holiday"] == "春节调休休息（02-14 上班） Chinese New Year (Spring Festival) day off (worked on 02-14)"
    assert day.loc[20, "kind"] == "holiday" and not day.loc[20, "working"]
    assert (day.loc[15, "kind"], day.loc[15, "holiday"]) == ("weekend", "")
    assert (day.loc[2, "kind"], day.loc[2, "holiday"]) == ("working", "")


def test_a_country_without_chinese_names_keeps_its_own():
    calendar, _ = month_calendar(pd.Period("2026-07", "M"), "US")
    day = calendar.set_index(calendar["date"].dt.day)
    assert day.loc[3, "holiday"] == "Independence Day (observed)" and day.loc[3, "kind"] == "holiday"
