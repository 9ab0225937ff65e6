"""The Factors sheet's optional year column: a row for a year counts for that year only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesxl.core.settings import Settings
from salesxl.core.targets import factors_for_year, monthly_target


def factors(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["factor", "weight", "growth_rate", "source", "year"],
                         index=pd.RangeIndex(2, 2 + len(rows), name="excel_row"))
    frame["year"] = frame["year"].astype("Int64")
    return frame


SHEET = factors([
    ("budget", 0.4, np.nan, None, None), ("history", 0.3, np.nan, None, None),
    ("industry", 0.15, 0.08, None, None), ("benchmark", 0.15, 0.12, None, None),
    ("industry", 0.15, 0.05, "2025 report", 2025), ("benchmark", 0.15, 0.10, "2025 report", 2025),
])


def test_a_year_takes_its_own_rows_and_the_current_ones_for_the_rest():
    rows, problems = factors_for_year(SHEET, 2025)
    assert problems == [] and list(rows.index) == [2, 3, 6, 7]
    assert list(factors_for_year(SHEET, 2026)[0].index) == [2, 3, 4, 5]
    assert list(factors_for_year(SHEET, 2025, general=False)[0].index) == [6, 7]
    assert factors_for_year(SHEET, 2024, general=False)[0].empty


def test_sheets_without_a_year_column_are_read_as_before():
    plain = SHEET.drop(columns="year").iloc[:4]
    rows, problems = factors_for_year(plain, 2025)
    assert rows is plain and problems == []


def test_the_month_target_uses_the_rows_of_its_year():
    """Company budget 1,000; same month last year 500 (one year: H = 500); the year rows give industry +5 %
    and benchmark +10 % in 2025, the current rows +8 % and +12 %.

    2025: 0.4 × 1,000 + 0.3 × 500 + 0.15 × 525 + 0.15 × 550 = 400 + 150 + 78.75 + 82.5 = 711.25 → 711.
    2026: 0.4 × 1,000 + 0.3 × 500 + 0.15 × 540 + 0.15 × 560 = 400 + 150 + 81 + 84 = 715.
    """
    history = pd.DataFrame({"date": [pd.NaT, pd.NaT], "month": pd.PeriodIndex(["2024-06", "2025-06"], freq="M"),
                            "region": ["East", "East"], "amount": [500.0, 500.0]})
    budget = pd.DataFrame({"year": [2025, 2026], "month": [6, 6], "region": [None, None], "amount": [1000.0] * 2})
    t2025, problems = monthly_target(budget, history.iloc[:1], SHEET, Settings(plan_month=pd.Period("2025-06", "M")))
    assert problems == [] and t2025.total == 711
    t2026, _ = monthly_target(budget, history.iloc[1:], SHEET, Settings(plan_month=pd.Period("2026-06", "M")))
    assert t2026.total == 715


def test_a_sheet_with_only_other_years_is_a_located_error():
    only_2025 = SHEET.iloc[4:].assign(year=pd.array([2025, 2025], dtype="Int64"))
    rows, problems = factors_for_year(only_2025, 2026)
    assert rows.empty
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("factors", 6, "year", "no-factors-for-year")]
