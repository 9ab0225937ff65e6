"""Sales history at one grain: months.

The History sheet mixes daily rows (a date) and monthly rows (a month), so
older years can be monthly totals while the last year is order by order. Every
step that looks at history wants months, so the history is brought to months
here, once, and every later function works on the ``month`` column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def monthly_sales(history: pd.DataFrame) -> pd.DataFrame:
    """The history with a ``month`` on every row: its own month, or its date's month.

    Rows keep their index (the Excel row), so a problem found later still points
    at the right row. Rows with neither a date nor a month are dropped (the
    reader has already reported them).
    """
    frame = history.copy()
    months = pd.PeriodIndex(frame["month"], freq="M") if "month" in frame else None
    from_dates = (pd.to_datetime(frame["date"]).dt.to_period("M") if "date" in frame
                  else pd.Series(pd.NaT, index=frame.index, dtype="period[M]"))
    if months is None:
        frame["month"] = from_dates
    else:
        frame["month"] = pd.Series(months, index=frame.index).where(pd.notna(months), from_dates)
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce").fillna(0.0)
    return frame[frame["month"].notna()]


def in_window(monthly: pd.DataFrame, plan_month: pd.Period, months: int) -> pd.DataFrame:
    """The rows of the ``months`` full months before ``plan_month`` (the last-12-months window)."""
    first = plan_month - months
    return monthly[(monthly["month"] >= first) & (monthly["month"] < plan_month)]


def same_month_actuals(monthly: pd.DataFrame, plan_month: pd.Period, years: int = 3) -> list[float | None]:
    """Total sales of the plan month's calendar month in each of the last ``years`` years.

    ``[y-1, y-2, y-3]``; a year with no rows at all is ``None`` (missing), which
    is not the same as a year whose rows add up to zero.
    """
    totals = monthly.groupby("month")["amount"].sum()
    found = []
    for back in range(1, years + 1):
        month = plan_month - 12 * back
        found.append(float(totals[month]) if month in totals.index else None)
    return found


def sales_by(monthly: pd.DataFrame, column: str) -> pd.Series:
    """Total amount per value of ``column`` (region, SKU...), blanks left out."""
    rows = monthly[monthly[column].notna()]
    return rows.groupby(column, sort=False)["amount"].sum()


@dataclass(frozen=True)
class HistoryWindow:
    """The months of history a step reads, and at which grain: what a database or warehouse sums for it.

    A warehouse holds years of daily outlet × SKU rows; a step needs a few dozen monthly sums. The
    target and the breakdown look at the ``history_window_months`` months before the plan month, the
    same month last year and the reference month, by region × rep × outlet × SKU (``detail``); the
    four-factor target also looks at the same month two and three years back, by region only
    (``by_region``, summed by region × rep). The backtest replays past months and needs every month
    of its span by region × rep. Months in ``detail`` are never in ``by_region`` too, so no sale is
    counted twice.

    Attributes:
        detail: months summed by region × rep × outlet × SKU (× weekday for the weekday pattern).
        by_region: months summed by region × rep only.
    """

    detail: tuple[pd.Period, ...]
    by_region: tuple[pd.Period, ...] = ()

    @property
    def months(self) -> tuple[pd.Period, ...]:
        return tuple(sorted(set(self.detail) | set(self.by_region)))


def plan_window(settings) -> HistoryWindow | None:
    """The months the month target, the breakdown and the dashboard read (None without a plan month)."""
    if settings.plan_month is None:
        return None
    month = pd.Period(settings.plan_month, freq="M")
    detail = set(pd.period_range(month - int(settings.history_window_months), month - 1, freq="M"))
    detail |= {month - 12, month - int(settings.reference_offset)}
    same_month = {month - 12 * back for back in (1, 2, 3)}
    return HistoryWindow(tuple(sorted(detail)), tuple(sorted(same_month - detail)))


def backtest_window(settings, months: int | None = None) -> HistoryWindow | None:
    """The plan window, and every month the backtest replays with the three years and the window before it."""
    window = plan_window(settings)
    if window is None:
        return None
    month = pd.Period(settings.plan_month, freq="M")
    replayed = int(months if months is not None else settings.backtest_months)
    back = replayed + max(36, int(settings.history_window_months))
    span = set(pd.period_range(month - back, month - 1, freq="M"))
    return HistoryWindow(window.detail, tuple(sorted(span - set(window.detail))))
