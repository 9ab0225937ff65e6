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

import datetime as dt
import functools
import re

import holidays
import numpy as np
import pandas as pd

from ..problems import Problem, problem
from .allocation import allocate, unit_decimals
from .fitting import round_to_margins

WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


def month_calendar(month: pd.Period, country: str, overrides: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    """Every day of ``month`` with whether it is worked and its weight.

    Columns: ``date``, ``weekday`` (1 = Monday), ``holiday`` (the holiday's or the make-up workday's
    name in Chinese and English, or empty), ``kind`` (``working``, ``make-up``, ``holiday``, ``weekend``),
    ``working``, ``weight`` (1 for a working day, 0 otherwise, unless the
    Calendar sheet says otherwise), ``source`` (``calendar`` or ``override``).
    ``overrides`` has the Calendar sheet's columns ``date``, ``status``, ``weight``.
    """
    try:
        country_days = holidays.country_holidays(country, years=month.year)
    except NotImplementedError:
        return pd.DataFrame(), [problem("settings", None, "country", "unknown-country",
                                        f"不认识的日历国家“{country}”，请用两位国家代码，如 CN",
                                        f"unknown calendar country '{country}'; use a two-letter code such as CN")]
    days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
    working = np.array([country_days.is_working_day(d.date()) for d in days])
    names, make_up = day_names(country, month.year)
    frame = pd.DataFrame({
        "date": days,
        "weekday": days.day_of_week + 1,
        "holiday": [names.get(d.date(), make_up.get(d.date(), "")) for d in days],
        "kind": [kind(d.date(), w, names, make_up) for d, w in zip(days, working)],
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


SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")
"""How ``holidays`` names a day off whose working day moved to a weekend (its ``en_US`` names)."""


@functools.lru_cache(maxsize=64)
def day_names(country: str, year: int) -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    """The year's holidays and its make-up workdays 调休上班, named in Chinese and English where the country
    calendar has both (China), else in its own names.

    A day off given for a make-up workday (Friday 20 February 2026, worked on Saturday the 14th) is named after
    the holiday it extends (the nearest one: the Spring Festival), and so is the make-up workday.
    """
    years = [year - 1, year, year + 1]  # a make-up day may fall in the year before its holiday
    default = holidays.country_holidays(country, years=years)
    languages = set(getattr(default, "supported_languages", ()) or ())
    english = holidays.country_holidays(country, years=years, language="en_US") if "en_US" in languages else default
    chinese = holidays.country_holidays(country, years=years, language="zh_CN") if "zh_CN" in languages else None
    moved = {}  # day off -> the weekend day worked for it
    for day, name in english.items():
        found = SUBSTITUTED.search(name)
        if found:
            month_, day_, year_ = map(int, found.groups())
            moved[day] = dt.date(year_, month_, day_)
    proper = sorted(day for day in english if day not in moved)

    def festival(day: dt.date) -> tuple[str, str]:
        nearest = min(proper, key=lambda d: abs((d - day).days)) if proper else None
        if nearest is None:
            return "", ""
        return (chinese.get(nearest, "") if chinese is not None else ""), english.get(nearest, "")

    names: dict[dt.date, str] = {}
    make_up: dict[dt.date, str] = {}
    for day in english:
        if day.year != year and moved.get(day, day).year != year:
            continue
        if day in moved:
            zh, en = festival(day)
            worked = moved[day]
            names[day] = (f"{zh}调休休息（{worked:%m-%d} 上班） {en} day off (worked on {worked:%m-%d})"
                          if chinese is not None else english[day])
            make_up[worked] = (f"调休上班（补{zh} {day:%m-%d} 休息） make-up workday for {en} (day off {day:%m-%d})")
        elif chinese is not None:
            names[day] = f"{chinese.get(day, '')} {english[day]}".strip()
        else:
            names[day] = default[day]
    for day in getattr(default, "weekend_workdays", ()):
        if day.year == year and day not in make_up:
            make_up[day] = "调休上班 make-up workday"
    return names, make_up


def kind(day: dt.date, working: bool, names: dict, make_up: dict) -> str:
    """``working``, ``make-up`` (a weekend day worked for a holiday), ``holiday`` or ``weekend``."""
    if working:
        return "make-up" if day in make_up else "working"
    return "holiday" if day in names else "weekend"


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


def weekday_pattern(history: pd.DataFrame, month: pd.Period, months: int, country: str) -> pd.Series | None:
    """How strongly each weekday sells, learned from daily history over the ``months`` before ``month``.

    For each weekday (1 = Monday), the sales on that weekday divided by the number of
    working days that fell on it, relative to the sales of an average working day:
    1.2 means a Friday sells 20 % more than an average working day. Weekdays that were
    never worked in the window (Sundays, usually) get 1, so a make-up Sunday this month
    counts as an average day. Returns None when the window has no daily history
    (monthly rows carry no weekday).
    """
    start = (month - months).start_time
    dated = history.dropna(subset=["date"])
    dated = dated[(dated["date"] >= start) & (dated["date"] < month.start_time)]
    if dated.empty or dated["amount"].sum() <= 0:
        return None
    worked = pd.concat([month_calendar(m, country)[0] for m in pd.period_range(month - months, month - 1)])
    worked = worked[worked["working"]]
    days_per_weekday = worked.groupby("weekday").size().reindex(range(1, 8), fill_value=0)
    sales = dated.groupby(dated["date"].dt.day_of_week + 1)["amount"].sum().reindex(range(1, 8), fill_value=0.0)
    average_day = sales.sum() / max(days_per_weekday.sum(), 1)
    per_day = sales / days_per_weekday.where(days_per_weekday > 0)
    return (per_day / average_day).fillna(1.0).rename("factor")


def day_weights(calendar: pd.DataFrame, pattern: pd.Series | None = None) -> np.ndarray:
    """Each day's weight in the daily split: the calendar's weight, times the weekday pattern if any."""
    weight = calendar["weight"].to_numpy(dtype="float64")
    if pattern is None:
        return weight
    return weight * calendar["weekday"].map(pattern).fillna(1.0).to_numpy(dtype="float64")


def split_reps_by_workdays(targets: pd.Series, calendar: pd.DataFrame, unit: float = 1.0,
                           pattern: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every rep's month target (``targets``: rep_id -> amount) spread over the worked days.

    The company's month (the sum of ``targets``) is split over the days first, exactly as
    :func:`split_by_workdays` does; each rep's month is then split in the same proportions,
    so that each rep's days sum exactly to the rep's target and each day's reps sum to the
    company's figure for that day (or, rarely, within one unit per rep of it).

    Returns ``(by_rep, company)``: ``by_rep`` has one row per rep and worked day with
    ``rep_id``, ``date``, ``weekday``, ``target`` and ``cumulative`` (the rep's target to
    date); ``company`` is the calendar with ``weight`` (pattern applied), ``target`` and
    ``cumulative`` summed over the reps.
    """
    company = calendar.copy()
    company["weight"] = day_weights(calendar, pattern)
    total = float(np.round(targets.sum() / unit) * unit)
    company_days = split_by_workdays(total, company, unit)["target"].to_numpy()
    worked = np.flatnonzero(company["weight"].to_numpy() > 0)
    reps = targets[targets > 0]
    n_reps, n_days = len(reps), len(worked)
    rows = np.repeat(np.arange(n_reps), n_days)
    cols = np.tile(np.arange(n_days), n_reps)
    day_share = company["weight"].to_numpy()[worked] / company["weight"].to_numpy()[worked].sum()
    exact = reps.to_numpy(dtype="float64")[rows] * day_share[cols]
    amounts, _ = round_to_margins(rows, cols, exact, reps.to_numpy(dtype="float64"), company_days[worked], unit)
    by_rep = pd.DataFrame({
        "rep_id": reps.index.to_numpy()[rows],
        "date": company["date"].to_numpy()[worked][cols],
        "weekday": company["weekday"].to_numpy()[worked][cols],
        "target": amounts,
    })
    places = unit_decimals(unit)
    by_rep["cumulative"] = np.round(by_rep.groupby("rep_id", sort=False)["target"].cumsum(), places)
    day_totals = by_rep.groupby("date")["target"].sum()
    company["target"] = np.round(company["date"].map(day_totals).fillna(0.0).to_numpy(), places)
    company["cumulative"] = np.round(company["target"].cumsum(), places)
    return by_rep, company
