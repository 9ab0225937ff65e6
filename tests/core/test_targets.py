"""Step 2: the month target from four factors, worked out by hand.

The running example (the issue's): plan month 2026-12, budget B = 300,000,
the same month in 2025 / 2024 / 2023 sold 250,000 / 230,000 / 200,000,
industry growth +8 %, benchmark growth +12 %, factor weights
0.40 / 0.30 / 0.15 / 0.15, year weights 0.5 / 0.3 / 0.2, rounding unit 1.
"""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest

from salesxl.core.formulas import four_factors, month_target_value
from salesxl.core.settings import Settings
from salesxl.core.targets import monthly_target

MONTH = pd.Period("2026-12", freq="M")
SETTINGS = Settings(plan_month=MONTH, rounding_unit=1.0, history_method="trend", year_weight_1=0.5, year_weight_2=0.3,
                    year_weight_3=0.2)


def frame(rows: list[dict], first_row: int = 2) -> pd.DataFrame:
    """A sheet as the reader returns it: indexed by the Excel row."""
    out = pd.DataFrame(rows)
    out.index = pd.Index(range(first_row, first_row + len(out)), name="excel_row")
    return out


def budget(amount=300_000.0, region=None, month=12):
    return frame([{"year": 2026, "month": month, "region": region, "amount": amount}])


def factors(weights=(0.40, 0.30, 0.15, 0.15), industry=0.08, benchmark=0.12):
    return frame([
        {"factor": "budget", "weight": weights[0], "growth_rate": np.nan, "source": "budget 2026"},
        {"factor": "history", "weight": weights[1], "growth_rate": np.nan, "source": "History"},
        {"factor": "industry", "weight": weights[2], "growth_rate": industry, "source": "association"},
        {"factor": "benchmark", "weight": weights[3], "growth_rate": benchmark, "source": "rival report"},
    ])


def history(amounts={2025: 250_000.0, 2024: 230_000.0, 2023: 200_000.0}, region="North"):
    """Last year's December as two daily orders, older Decembers as monthly rows, plus a November."""
    rows = []
    for year, amount in amounts.items():
        if year == 2025:
            rows += [{"date": pd.Timestamp("2025-12-03"), "month": pd.NaT, "region": region, "amount": amount * 0.4},
                     {"date": pd.Timestamp("2025-12-19"), "month": pd.NaT, "region": region, "amount": amount * 0.6}]
        else:
            rows.append({"date": pd.NaT, "month": pd.Period(f"{year}-12", "M"), "region": region, "amount": amount})
    rows.append({"date": pd.Timestamp("2025-11-30"), "month": pd.NaT, "region": region, "amount": 999_999.0})
    out = frame(rows)
    out["month"] = pd.PeriodIndex(out["month"], freq="M")
    return out


def test_trend_method_by_hand():
    """Trend: H = last year × (1 + g_h).

    g(2025 over 2024) = 250,000 / 230,000 − 1 = 2/23 ≈ 8.6957 %, weight 0.5
    g(2024 over 2023) = 230,000 / 200,000 − 1 = 15 %,          weight 0.3
    g_h = (0.5 × 2/23 + 0.3 × 0.15) / 0.8 = (0.0434783 + 0.045) / 0.8 ≈ 11.0598 %
    H = 250,000 × 1.110598 ≈ 277,649.46
    I = 250,000 × 1.08 = 270,000;  C = 250,000 × 1.12 = 280,000
    target = 0.4 × 300,000 + 0.3 × 277,649.46 + 0.15 × 270,000 + 0.15 × 280,000
           = 120,000 + 83,294.84 + 40,500 + 42,000 = 285,794.84 -> 285,795
    """
    target, problems = monthly_target(budget(), history(), factors(), SETTINGS)
    assert problems == []
    assert target.total == 285_795
    by = target.factors.set_index("factor")
    assert by.loc["history", "value"] == pytest.approx(277_649.4565, abs=1e-3)
    assert by.loc["history", "growth_rate"] == pytest.approx(0.1105978, abs=1e-7)
    assert list(by["value"][["budget", "industry", "benchmark"]]) == pytest.approx([300_000, 270_000, 280_000])
    assert list(by["contribution"]) == pytest.approx([120_000, 83_294.837, 40_500, 42_000], abs=1e-3)
    assert target.last_year == 250_000
    assert target.growth_vs_last_year == pytest.approx(285_795 / 250_000 - 1)
    assert target.notes == [] and target.level == "company" and target.regions is None


def test_average_method_by_hand():
    """Average: H = 0.5 × 250,000 + 0.3 × 230,000 + 0.2 × 200,000 = 125,000 + 69,000 + 40,000 = 234,000.

    target = 120,000 + 0.3 × 234,000 + 40,500 + 42,000 = 120,000 + 70,200 + 40,500 + 42,000 = 272,700
    """
    target, problems = monthly_target(budget(), history(), factors(), replace(SETTINGS, history_method="average"))
    assert problems == []
    assert target.total == 272_700
    assert target.factors.set_index("factor").loc["history", "value"] == pytest.approx(234_000)


def test_the_plain_formula_gives_the_same_numbers():
    args = (300_000, 250_000, 230_000, 200_000, 0.08, 0.12, 0.4, 0.3, 0.15, 0.15)
    assert month_target_value(*args, method="trend", unit=1) == 285_795
    assert month_target_value(*args, method="average") == pytest.approx(272_700)


def test_a_missing_year_renormalises_the_year_weights():
    """2023 missing. Average: weights 0.5/0.3 -> 0.625/0.375;
    H = 0.625 × 250,000 + 0.375 × 230,000 = 156,250 + 86,250 = 242,500;
    target = 120,000 + 72,750 + 40,500 + 42,000 = 275,250.
    Trend: only g = 2/23 is left, so H = 250,000 × 25/23 = 271,739.13;
    target = 120,000 + 81,521.74 + 40,500 + 42,000 = 284,021.74 -> 284,022.
    """
    partial = history({2025: 250_000.0, 2024: 230_000.0})
    target, problems = monthly_target(budget(), partial, factors(), replace(SETTINGS, history_method="average"))
    assert problems == [] and target.total == 275_250
    assert list(target.years["weight_used"]) == pytest.approx([0.625, 0.375, 0])
    assert len(target.notes) == 1 and "2023" in target.notes[0] and "renormalised" in target.notes[0]
    target, _ = monthly_target(budget(), partial, factors(), SETTINGS)
    assert target.total == 284_022


def test_last_year_missing_grows_the_older_year_once_per_year():
    """2025 missing, trend: base 2024 = 230,000, two years back; g_h = 15 % (2024 over 2023 only).
    H = 230,000 × 1.15² = 304,175; I = 230,000 × 1.08² = 268,272; C = 230,000 × 1.12² = 288,512.
    target = 120,000 + 91,252.5 + 40,240.8 + 43,276.8 = 294,770.1 -> 294,770
    """
    target, problems = monthly_target(budget(), history({2024: 230_000.0, 2023: 200_000.0}), factors(), SETTINGS)
    assert problems == [] and target.total == 294_770
    assert target.last_year is None and target.growth_vs_last_year is None
    assert any("2024" in n and "2 years" in n for n in target.notes)


def test_no_history_moves_the_weights_to_the_budget():
    """No December in 2023–2025: H, I and C are unavailable; B takes all 100 %, target = 300,000."""
    only_november = history({}).iloc[-1:]
    target, problems = monthly_target(budget(), only_november, factors(), SETTINGS)
    assert problems == [] and target.total == 300_000
    by = target.factors.set_index("factor")
    assert list(by["weight"]) == [1.0, 0.0, 0.0, 0.0]
    assert list(by["weight_set"]) == [0.40, 0.30, 0.15, 0.15]
    assert len(target.notes) == 1 and "move to the budget" in target.notes[0] and "60%" in target.notes[0]


def test_no_history_and_no_budget_weight_still_needs_a_budget():
    target, problems = monthly_target(budget(amount=0.0), history({}).iloc[-1:], factors((0, 0.5, 0.25, 0.25)),
                                      SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("budget", 2, "amount", "zero-budget")]


def test_a_zero_budget_is_fine_when_its_weight_is_zero():
    """Weights 0 / 0.5 / 0.25 / 0.25 (average): 0.5 × 234,000 + 0.25 × 270,000 + 0.25 × 280,000
    = 117,000 + 67,500 + 70,000 = 254,500."""
    target, problems = monthly_target(budget(amount=0.0), history(), factors((0, 0.5, 0.25, 0.25)),
                                      replace(SETTINGS, history_method="average"))
    assert problems == [] and target.total == 254_500


@pytest.mark.parametrize("amount, rows, code", [(0.0, 1, "zero-budget"), (None, 0, "missing-budget")])
def test_a_zero_or_missing_budget_is_an_error(amount, rows, code):
    sheet = budget(amount=amount if amount is not None else 1.0, month=12 if rows else 11)
    target, problems = monthly_target(sheet, history(), factors(), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("budget", 2 if rows else None, "amount", code, "error")]
    assert target.total == 0


def test_weights_not_summing_to_one_are_located_on_the_factors_sheet():
    target, problems = monthly_target(budget(), history(), factors((0.4, 0.3, 0.15, 0.10)), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("factors", 5, "weight", "weights-not-100")]
    assert "95.00%" in problems[0].message_en


def test_a_negative_weight_is_located_at_its_row():
    target, problems = monthly_target(budget(), history(), factors((0.6, -0.05, 0.3, 0.15)), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("factors", 3, "weight", "negative-weight")]


def test_a_weighted_growth_factor_needs_its_rate():
    target, problems = monthly_target(budget(), history(), factors(industry=np.nan), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("factors", 4, "growth_rate", "missing-growth-rate")]


def test_regional_budget_is_computed_per_region_then_summed():
    """North: the running example (trend) -> 285,795.
    South: budget 100,000, no December history -> all weight on the budget -> 100,000.
    total = 285,795 + 100,000 = 385,795; last year = North's 250,000 only.
    """
    sheet = frame([{"year": 2026, "month": 12, "region": "North", "amount": 300_000.0},
                   {"year": 2026, "month": 12, "region": "South", "amount": 100_000.0},
                   {"year": 2026, "month": 11, "region": "South", "amount": 5.0}])
    regions = frame([{"region": "North"}, {"region": "South"}])
    target, problems = monthly_target(sheet, history(), factors(), SETTINGS, regions=regions)
    assert problems == []
    assert target.level == "region" and target.total == 385_795
    assert list(target.regions["region"]) == ["North", "South"]
    assert list(target.regions["target"]) == [285_795, 100_000]
    assert target.last_year == 250_000
    assert len(target.notes) == 1 and target.notes[0].startswith("South: ")
    assert set(target.factors["scope"]) == {"North", "South"}


def test_regional_budget_must_cover_every_region():
    sheet = frame([{"year": 2026, "month": 12, "region": "North", "amount": 300_000.0}])
    regions = frame([{"region": "North"}, {"region": "South"}])
    _, problems = monthly_target(sheet, history(), factors(), SETTINGS, regions=regions)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [("budget", None, "region", "missing-budget")]


def test_company_row_beside_regional_rows_must_equal_their_sum():
    sheet = frame([{"year": 2026, "month": 12, "region": None, "amount": 350_000.0},
                   {"year": 2026, "month": 12, "region": "North", "amount": 300_000.0}])
    _, problems = monthly_target(sheet, history(), factors(), SETTINGS)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("budget", 2, "amount", "company-budget-differs")]
    sheet.loc[2, "amount"] = 300_000.0
    target, problems = monthly_target(sheet, history(), factors(), SETTINGS)
    assert problems == [] and target.total == 285_795


def test_rounding_unit_hundreds():
    """285,794.84 to the nearest 100 is 285,800."""
    target, _ = monthly_target(budget(), history(), factors(), replace(SETTINGS, rounding_unit=100.0))
    assert target.total == 285_800


def test_one_year_only_trend_takes_that_year():
    result = four_factors(300_000, 250_000, None, None, 0.08, 0.12, 0.4, 0.3, 0.15, 0.15, "trend")
    assert result.values["history"] == 250_000 and result.history_growth is None
    assert any("Only one year" in n for n in result.notes)


def test_plain_formula_refuses_bad_weights():
    with pytest.raises(ValueError, match="not 100%"):
        month_target_value(300_000, 250_000, 230_000, 200_000, 0.08, 0.12, 0.5, 0.3, 0.15, 0.15)
    with pytest.raises(ValueError, match="negative"):
        month_target_value(300_000, 250_000, 230_000, 200_000, 0.08, 0.12, 0.8, -0.1, 0.15, 0.15)
