"""Expense budgets issued with the targets, worked by hand on small inline frames: each method, the ceiling, bad policy."""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from salesxl.core.expense_budget import expense_budget, scale_down
from salesxl.core.settings import Settings

from .frames import frame

DEC = pd.Period("2026-12", "M")


def policy(*rules) -> pd.DataFrame:
    """``(category, method, amount, rate, cap, held_by)`` per rule."""
    return frame([dict(category=c, method=m, amount=a, rate=r, cap=cap, held_by=h, note=None)
                  for c, m, a, r, cap, h in rules],
                 columns=["category", "method", "amount", "rate", "cap", "held_by", "note"])


NAN = np.nan
TARGETS = frame([
    dict(month=DEC, rep_id="R1", name="甲", region="东", target=100_000.0),
    dict(month=DEC, rep_id="R2", name="乙", region="东", target=150_000.0),
    dict(month=DEC, rep_id="R3", name="丙", region="西", target=80_000.0),
])
OUTLETS = frame([
    dict(outlet_id="O1", rep_id="R1", region="东", developing=True),
    dict(outlet_id="O2", rep_id="R1", region="东", developing=True),
    dict(outlet_id="O3", rep_id="R3", region="西", developing=False),
    dict(outlet_id="O4", rep_id="R9", region="西", developing=True),  # R9 has no target this month
])
NO_CEILING = Settings(plan_month=DEC, rounding_unit=1.0, expense_ceiling=0.0, expense_ceiling_rate=0.0,
                  expense_over_ceiling="error")


def budget_of(*rules, **settings):
    budget, problems = expense_budget(policy(*rules), TARGETS, OUTLETS, replace(NO_CEILING, **settings))
    return budget, problems


def lines(budget) -> list[tuple]:
    return [(l.level, l.region, l.rep_id if isinstance(l.rep_id, str) else None, l.budget)
            for l in budget.lines.itertuples()]


# ---- one method at a time -------------------------------------------------------------------------------------

def test_fixed_per_rep_goes_to_every_rep_with_a_target():
    budget, problems = budget_of(("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, None))
    assert problems == []
    assert lines(budget) == [("rep", "东", "R1", 1_500), ("rep", "东", "R2", 1_500), ("rep", "西", "R3", 1_500)]
    assert budget.total == 4_500
    assert list(budget.lines.basis) == ["每人 1,500 per rep"] * 3


def test_fixed_per_rep_held_by_the_region_sums_its_reps():
    """东 has two reps: 2 × 1,500 = 3,000; 西 has one: 1,500."""
    budget, _ = budget_of(("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, "region"))
    assert lines(budget) == [("region", "东", None, 3_000), ("region", "西", None, 1_500)]
    assert list(budget.lines.basis) == ["2 人 reps × 1,500", "1 人 reps × 1,500"]
    assert list(budget.by_rep.total) == [0, 0, 0]


def test_fixed_per_region_is_held_by_each_region():
    budget, _ = budget_of(("陈列费 Display", "per_region", 5_000.0, NAN, NAN, None))
    assert lines(budget) == [("region", "东", None, 5_000), ("region", "西", None, 5_000)]
    by_region = budget.by_region.set_index("region")
    assert by_region.loc["东", "held_by_region"] == 5_000 and by_region.loc["东", "held_by_reps"] == 0


def test_per_developing_outlet_goes_to_the_serving_rep_or_else_the_region():
    """R1 serves two developing outlets: 2 × 800 = 1,600. O3 is not developing. O4's rep R9 has no target,
    so its 800 stays with the region 西, with a warning at the outlet's row (O4 is Excel row 5)."""
    budget, problems = budget_of(("开发费 Development", "per_developing_outlet", 800.0, NAN, NAN, None))
    assert lines(budget) == [("rep", "东", "R1", 1_600), ("region", "西", None, 800)]
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("outlets", 5, "rep_id", "developing-outlet-without-rep-target", "warning")]
    assert budget.lines.basis.iloc[0] == "2 个培育网点 developing outlets × 800"


def test_per_developing_outlet_held_by_the_region_counts_all_its_developing_outlets():
    """东: R1's two developing outlets, 1,600; 西: O4 (its rep has no target), 800. No rep holds any."""
    budget, _ = budget_of(("开发费 Development", "per_developing_outlet", 800.0, NAN, NAN, "region"))
    assert lines(budget) == [("region", "东", None, 1_600), ("region", "西", None, 800)]
    assert budget.rep_categories == []


def test_rate_on_target_with_a_cap_per_rep():
    """2 % of 100,000 = 2,000; 2 % of 150,000 = 3,000, capped at 2,500; 2 % of 80,000 = 1,600."""
    budget, _ = budget_of(("招待费 Entertainment", "rate_on_target", NAN, 0.02, 2_500.0, None))
    assert lines(budget) == [("rep", "东", "R1", 2_000), ("rep", "东", "R2", 2_500), ("rep", "西", "R3", 1_600)]
    assert budget.lines.basis.iloc[1] == "目标 target 150,000 × 2.00% → 上限 cap 2,500"
    assert budget.lines.policy_amount.iloc[1] == 2_500


def test_rate_on_target_held_by_the_region_uses_the_region_target_and_the_rounding_unit():
    """东: 1.5 % of (100,000 + 150,000) = 3,750; 西: 1.5 % of 80,000 = 1,200. At a unit of 1,000 they
    round to 4,000 and 1,000 (halves away from zero)."""
    rule = ("促销 Promotion", "rate_on_target", NAN, 0.015, NAN, "region")
    budget, _ = budget_of(rule)
    assert lines(budget) == [("region", "东", None, 3_750), ("region", "西", None, 1_200)]
    budget, _ = budget_of(rule, rounding_unit=1_000.0)
    assert lines(budget) == [("region", "东", None, 4_000), ("region", "西", None, 1_000)]


def test_ratios_rep_region_and_company():
    """R1: 1,500 travel + 2,000 entertainment = 3,500 on 100,000 → 3.5 %.
    东: reps 2 × 1,500 + 2,000 + 2,500 = 7,500 plus display 5,000 = 12,500 on 250,000 → 5 %.
    Company: 3 × 1,500 + 6,100 + 2 × 5,000 = 20,600 on 330,000."""
    budget, _ = budget_of(("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, None),
                          ("招待费 Entertainment", "rate_on_target", NAN, 0.02, 2_500.0, None),
                          ("陈列费 Display", "per_region", 5_000.0, NAN, NAN, None))
    by_rep = budget.by_rep.set_index("rep_id")
    assert by_rep.loc["R1", "total"] == 3_500 and by_rep.loc["R1", "ratio"] == pytest.approx(0.035)
    assert by_rep.loc["R1", "category:差旅费 Travel"] == 1_500
    assert budget.rep_categories == ["差旅费 Travel", "招待费 Entertainment"]  # display is held by regions
    assert "category:陈列费 Display" not in by_rep
    by_region = budget.by_region.set_index("region")
    assert by_region.loc["东", "total"] == 12_500 and by_region.loc["东", "ratio"] == pytest.approx(0.05)
    assert by_region.loc["东", "held_by_reps"] == 7_500
    assert budget.total == 20_600 and budget.total_target == 330_000
    by_category = budget.by_category.set_index("category")
    assert by_category.loc["陈列费 Display", "budget"] == 10_000
    assert by_category.loc["陈列费 Display", "ratio"] == pytest.approx(10_000 / 330_000)
    assert by_category["share"].sum() == pytest.approx(1)


# ---- the ceiling -----------------------------------------------------------------------------------------------

TRAVEL_AND_DISPLAY = (("差旅费 Travel", "per_rep", 1_500.0, NAN, NAN, None),
                      ("陈列费 Display", "per_region", 5_000.0, NAN, NAN, None))
"""3 × 1,500 + 2 × 5,000 = 14,500."""


def test_over_the_ceiling_is_an_error_with_the_amounts():
    budget, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_000.0)
    assert budget is None
    assert [(p.sheet, p.column, p.code, p.severity) for p in problems] == [
        ("settings", "expense_ceiling", "over-expense-ceiling", "error")]
    assert "14,500" in problems[0].message_en and "14,000" in problems[0].message_en
    assert "by 500" in problems[0].message_en and "超出 500" in problems[0].message_zh


def test_within_the_ceiling_is_fine():
    budget, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_500.0)
    assert problems == [] and budget.total == 14_500 and budget.ceiling == 14_500 and not budget.scaled


def test_the_lower_of_the_amount_and_rate_ceilings_applies():
    """5 % of the 330,000 target is 16,500; 4 % is 13,200, below the amount ceiling of 14,000."""
    budget, _ = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_000.0, expense_ceiling_rate=0.05,
                          expense_over_ceiling="scale_down")
    assert (budget.ceiling, budget.ceiling_source) == (14_000, "expense_ceiling")
    _, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=14_000.0, expense_ceiling_rate=0.04)
    assert [(p.column, p.code) for p in problems] == [("expense_ceiling_rate", "over-expense-ceiling")]
    assert "13,200" in problems[0].message_en


def test_scale_down_to_the_ceiling_sums_exactly():
    """10,000 / 14,500 of each line: 1,500 → 1,034.48 and 5,000 → 3,448.28. Whole yuan: 3 × 1,034 + 2 × 3,448
    = 9,998; the 2 yuan left go to the largest remainders (.48 beats .28), first come first: R1 and R2."""
    budget, problems = budget_of(*TRAVEL_AND_DISPLAY, expense_ceiling=10_000.0, expense_over_ceiling="scale_down")
    assert lines(budget) == [("rep", "东", "R1", 1_035), ("rep", "东", "R2", 1_035), ("rep", "西", "R3", 1_034),
                             ("region", "东", None, 3_448), ("region", "西", None, 3_448)]
    assert budget.total == 10_000 and budget.policy_total == 14_500 and budget.scaled
    assert list(budget.lines.policy_amount) == [1_500, 1_500, 1_500, 5_000, 5_000]
    assert [(p.code, p.severity) for p in problems] == [("expense-scaled-down", "notice")]


@hyp_settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=30),
       st.floats(min_value=0.01, max_value=0.999), st.sampled_from([1.0, 10.0, 0.01]))
def test_scale_down_sums_to_the_ceiling_and_never_raises_a_line(units, share, unit):
    amounts = pd.Series([u * unit for u in units], dtype="float64")
    if amounts.sum() == 0:
        return
    ceiling = float(amounts.sum()) * share
    scaled = scale_down(amounts, ceiling, unit)
    whole = np.floor(ceiling / unit + 1e-9) * unit
    assert round(scaled.sum(), 6) == round(whole, 6)
    assert np.all(scaled >= 0) and np.all(scaled <= amounts.to_numpy() + 1e-9)
    assert np.array_equal(scaled, scale_down(amounts, ceiling, unit))


# ---- policy and target problems ---------------------------------------------------------------------------------

def test_policy_mistakes_point_at_their_cells():
    rules = policy(("差旅费 Travel", "per_rep", NAN, NAN, NAN, None),                 # row 2: no amount
                   ("招待费", "rate_on_target", 300.0, NAN, NAN, None),               # row 3: no rate, amount unused
                   ("陈列费", "per_region", 5_000.0, NAN, NAN, "rep"),                # row 4: region amount held by reps
                   ("样品费", "per_rep", 600.0, 0.01, NAN, None),                     # row 5: rate unused
                   ("差旅费 travel", "per_rep", 100.0, NAN, NAN, None))               # row 6: same as row 2
    budget, problems = expense_budget(rules, TARGETS, OUTLETS, NO_CEILING)
    assert budget is None
    assert [(p.row, p.column, p.code, p.severity) for p in problems] == [
        (2, "amount", "needs-amount", "error"),
        (3, "rate", "needs-rate", "error"),
        (3, "amount", "amount-ignored", "warning"),
        (4, "held_by", "per-region-held-by-rep", "error"),
        (5, "rate", "rate-ignored", "warning"),
        (6, "category", "duplicate-category", "error"),
    ]
    assert all(p.sheet == "expense_policy" for p in problems)


def test_an_empty_policy_is_an_error():
    _, problems = expense_budget(policy(), TARGETS, OUTLETS, NO_CEILING)
    assert [(p.sheet, p.code) for p in problems] == [("expense_policy", "no-expense-policy")]


def test_without_rep_targets_run_the_breakdown_first():
    _, problems = expense_budget(policy(*TRAVEL_AND_DISPLAY), TARGETS.iloc[0:0], OUTLETS, NO_CEILING)
    assert [(p.sheet, p.code) for p in problems] == [("rep_targets", "run-breakdown-first")]
    assert "run the breakdown first" in problems[0].message_en


def test_rep_targets_of_another_month_are_refused():
    stale = TARGETS.assign(month=pd.Period("2026-11", "M"))
    _, problems = expense_budget(policy(*TRAVEL_AND_DISPLAY), stale, OUTLETS, NO_CEILING)
    assert [(p.sheet, p.row, p.column, p.code) for p in problems] == [
        ("rep_targets", 2, "month", "targets-of-another-month")]
