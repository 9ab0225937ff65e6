"""History at one grain: daily and monthly rows both become months."""

from __future__ import annotations

import pandas as pd

from salesxl.core.history import in_window, monthly_sales, same_month_actuals

from .test_targets import frame


def mixed_history() -> pd.DataFrame:
    out = frame([
        {"date": pd.Timestamp("2025-12-03"), "month": pd.NaT, "amount": 100.0},
        {"date": pd.NaT, "month": pd.Period("2024-12", "M"), "amount": 0.0},
        {"date": pd.Timestamp("2025-11-30"), "month": pd.NaT, "amount": 7.0},
        {"date": pd.Timestamp("2025-12-31"), "month": pd.NaT, "amount": 50.0},
    ])
    out["month"] = pd.PeriodIndex(out["month"], freq="M")
    return out


def test_every_row_gets_a_month_and_keeps_its_excel_row():
    monthly = monthly_sales(mixed_history())
    assert [str(m) for m in monthly["month"]] == ["2025-12", "2024-12", "2025-11", "2025-12"]
    assert list(monthly.index) == [2, 3, 4, 5]


def test_a_year_with_no_rows_is_missing_but_a_zero_year_is_zero():
    actuals = same_month_actuals(monthly_sales(mixed_history()), pd.Period("2026-12", "M"))
    assert actuals == [150.0, 0.0, None]


def test_the_window_is_the_full_months_before_the_plan_month():
    monthly = monthly_sales(mixed_history())
    assert list(in_window(monthly, pd.Period("2026-01", "M"), 1)["amount"]) == [100.0, 50.0]
    assert list(in_window(monthly, pd.Period("2026-01", "M"), 2)["amount"]) == [100.0, 7.0, 50.0]
