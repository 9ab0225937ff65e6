"""Sales history at one grain: months.

The History sheet mixes daily rows (a date) and monthly rows (a month), so
older years can be monthly totals while the last year is order by order. Every
step that looks at history wants months, so the history is brought to months
here, once, and every later function works on the ``month`` column.
"""

from __future__ import annotations

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
