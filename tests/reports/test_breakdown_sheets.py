"""What the release's sheets show, from hand-made core results."""

from __future__ import annotations

import pandas as pd

from salesxl.core.calendar import month_calendar
from salesxl.reports.breakdown import company_days


def test_the_company_calendar_labels_make_up_workdays_and_names_the_holiday():
    """Saturday 14 February 2026 is worked for the Spring Festival (issue 21): it showed only 工作日."""
    calendar, _ = month_calendar(pd.Period("2026-02", "M"), "CN")
    frame, columns = company_days(calendar)
    day = frame.set_index(frame["date"].dt.day)
    assert day.loc[14, "status"] == "调休上班 make-up workday"
    assert day.loc[14, "holiday"].startswith("调休上班（补春节 02-20 休息）")
    assert day.loc[17, "status"] == "节假日 holiday" and day.loc[15, "status"] == "周末 weekend"
    assert day.loc[16, "status"] == "节假日 holiday" and day.loc[2, "status"] == "工作日 working"
    assert [c.key for c in columns][:4] == ["date", "weekday", "status", "holiday"]
