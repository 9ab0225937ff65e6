"""Working days and the daily split, checked against the Chinese 2026 calendar by hand."""

from __future__ import annotations

import pandas as pd

from salesxl.core.calendar import month_calendar, split_by_workdays, working_days

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
    assert [(p.sheet, p.column, p.code) for p in problems] == [("settings", "value", "unknown-country")]
