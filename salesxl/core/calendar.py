"""Working days: which days of the month count, and how a month's target spreads over them.

The country calendar comes from the ``holidays`` package, which knows statutory
holidays and, for China, the make-up working days (调休) on weekends: February
2026 in China has 16 working days — Feb 2–6, 9–14 (Saturday the 14th is a
make-up day) and 24–28 (Saturday the 28th too). The planner's ``日历 Calendar``
sheet overrides any date: mark it working or off, or give it a weight (a half
day is 0.5).

``split_by_workdays(309000, february_2026_cn, unit=0.01)`` gives 19,312.50 to
each of the 16 working days and nothing to the other days.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from ..problems import Problem, problem
from .allocation import allocate

WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


def month_calendar(month: pd.Period, country: str, overrides: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    """Every day of ``month`` with whether it is worked and its weight.

    Columns: ``date``, ``weekday`` (1 = Monday), ``holiday`` (name or empty),
    ``working``, ``weight`` (1 for a working day, 0 otherwise, unless the
    Calendar sheet says otherwise), ``source`` (``calendar`` or ``override``).
    ``overrides`` has the Calendar sheet's columns ``date``, ``status``, ``weight``.
    """
    try:
        country_days = holidays.country_holidays(country, years=month.year)
    except NotImplementedError:
        return pd.DataFrame(), [problem("settings", None, "value", "unknown-country",
                                        f"不认识的日历国家“{country}”，请用两位国家代码，如 CN",
                                        f"unknown calendar country '{country}'; use a two-letter code such as CN")]
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
    working = np.array([country_days.is_working_day(d.date()) for d in days])
    frame = pd.DataFrame({
        "date": days,
        "weekday": days.day_of_week + 1,
        "holiday": [country_days.get(d.date(), "") for d in days],
        "working": working,
        "weight": working.astype("float64"),
        "source": "calendar",
    })
    if overrides is not None and len(overrides):
        frame = apply_overrides(frame, overrides)
    problems = []
    if frame["weight"].sum() <= 0:
        problems.append(problem("calendar", None, "status", "no-working-days",
                                f"{month} 没有工作日（或权重全为0），无法拆分到天",
                                f"{month} has no working days (or all weights are 0); nothing to split over"))
    return frame, problems


def apply_overrides(frame: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """Let the Calendar sheet decide for the dates it names."""
    frame = frame.copy()
    by_date = overrides.dropna(subset=["date"]).set_index(overrides["date"].dropna().dt.normalize())
    for when, row in by_date.iterrows():
        hit = frame["date"] == when
        if not hit.any():
            continue
        works = row["status"] == "working"
        weight = row.get("weight")
        frame.loc[hit, "working"] = works
        frame.loc[hit, "weight"] = (float(weight) if works and pd.notna(weight) else float(works))
        frame.loc[hit, "source"] = "override"
    return frame


def working_days(calendar: pd.DataFrame) -> int:
    """How many days of the month are worked (a half day counts as a day)."""
    return int(calendar["working"].sum())


def split_by_workdays(total: float, calendar: pd.DataFrame, unit: float = 1.0) -> pd.DataFrame:
    """The month's ``total`` spread over its days by weight, exact at ``unit``.

    Returns the calendar with ``target`` and ``cumulative`` (target to date).
    Days that are not worked get 0. The caller checks there is a working day
    (``month_calendar`` reports it as a problem).
    """
    out = calendar.copy()
    out["target"] = allocate(total, out["weight"].to_numpy(), unit)
    out["cumulative"] = np.round(out["target"].cumsum(), 10)
    return out
