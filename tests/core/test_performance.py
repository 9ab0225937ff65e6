"""Month-end close: every rule type worked by hand, with its boundaries."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from salesxl.core.performance import (
    RepFacts, accelerated, attainment, curve_payout, flat_commission, payout, plan_for, read_rules, settle,
    step_commission, tier_reached,
)

RULE_COLUMNS = ["scope", "rule", "tier", "threshold", "amount", "rate", "factor", "mode", "role", "note"]


def rules(*rows: dict) -> pd.DataFrame:
    """An Incentive Rules sheet as the reader gives it: one row per dict, Excel rows from 2."""
    frame = pd.DataFrame([{c: r.get(c) for c in RULE_COLUMNS} for r in rows], columns=RULE_COLUMNS)
    for c in ("threshold", "amount", "rate", "factor"):
        frame[c] = pd.to_numeric(frame[c]).astype("float64")
    frame.index = pd.Index(range(2, 2 + len(rows)), name="excel_row")
    return frame


def plan(*rows: dict, regions=("华东",), reps=("R001",)):
    plans, problems = read_rules(rules(*rows), set(regions), set(reps))
    assert problems == []
    return plan_for(plans, "R001", "华东")


def rep(actual, roles=None, signed=None, budget=None, used=None, target=100_000.0):
    """A rep with target 100,000 and tiers 100,000 / 110,000 / 120,000."""
    return RepFacts(target, target, target * 1.1, target * 1.2, actual, roles or {}, signed, budget, used)


STANDARD = (  # the demo's kind of plan
    {"rule": "bonus", "tier": "base", "amount": 500},
    {"rule": "bonus", "tier": "challenge", "amount": 1000},
    {"rule": "bonus", "tier": "sprint", "amount": 2000},
    {"rule": "commission", "tier": "base", "rate": 0.01, "mode": "flat"},
    {"rule": "commission", "tier": "challenge", "rate": 0.02, "mode": "flat"},
    {"rule": "commission", "tier": "sprint", "rate": 0.03, "mode": "flat"},
    {"rule": "floor", "threshold": 0.8, "mode": "fixed", "amount": 300},
    {"rule": "mix", "role": "profit", "threshold": 0.9},
    {"rule": "signed"},
    {"rule": "cap", "amount": 5000},
)


# ---- the worksheet functions ----

def test_attainment_is_actual_over_target_and_none_without_a_target():
    assert attainment(115_000, 100_000) == 1.15
    assert attainment(0, 100_000) == 0.0
    assert attainment(5, 0) is None


@pytest.mark.parametrize("att, tier", [(0.999, "none"), (1.0, "base"), (0.99999999999, "base"), (1.0999, "base"),
                                       (1.1, "challenge"), (1.2, "sprint"), (2.5, "sprint"), (None, "none")])
def test_tier_reached_counts_exactly_reaching_a_tier(att, tier):
    assert tier_reached(att, 1.0, 1.1, 1.2) == tier


def test_tier_reached_works_on_amounts_too():
    assert tier_reached(110_000, 100_000, 110_000, 120_000) == "challenge"
    assert tier_reached(109_999.99, 100_000, 110_000, 120_000) == "base"


def test_flat_commission_pays_the_whole_amount_at_the_highest_band_reached():
    # 115,000 reaches the 110 % band: 115,000 × 3 % = 3,450.
    assert flat_commission(1.15, 100_000, [1.0, 1.1], [0.02, 0.03]) == pytest.approx(3450)
    # Exactly 100 %: 100,000 × 2 % = 2,000; just under: nothing.
    assert flat_commission(1.0, 100_000, [1.0, 1.1], [0.02, 0.03]) == pytest.approx(2000)
    assert flat_commission(0.99, 100_000, [1.0, 1.1], [0.02, 0.03]) == 0.0


def test_step_commission_pays_each_band_at_its_own_rate():
    # 100,000 × 1 % + 10,000 × 2 % + 5,000 × 3 % = 1,000 + 200 + 150 = 1,350.
    assert step_commission(1.15, 100_000, [0, 1.0, 1.1], [0.01, 0.02, 0.03]) == pytest.approx(1350)
    # Bands from 100 % only: 95 % earns nothing, exactly 100 % earns nothing yet, 105 % earns 5,000 × 2 % = 100.
    assert step_commission(0.95, 100_000, [1.0], [0.02]) == 0.0
    assert step_commission(1.0, 100_000, [1.0], [0.02]) == 0.0
    assert step_commission(1.05, 100_000, [1.0], [0.02]) == pytest.approx(100)


def test_curve_payout_interpolates_between_points():
    xs, ys = [0.8, 1.0, 1.2], [0.5, 1.0, 1.5]
    assert curve_payout(0.9, xs, ys, 3000) == pytest.approx(2250)   # halfway 50 %→100 %: 75 % of 3,000
    assert curve_payout(0.8, xs, ys, 3000) == pytest.approx(1500)   # exactly the first point
    assert curve_payout(0.79, xs, ys, 3000) == 0.0                  # below the first point: nothing
    assert curve_payout(1.3, xs, ys, 3000) == pytest.approx(4500)   # above the last: the last point's 150 %


def test_accelerator_multiplies_only_what_is_earned_above_its_threshold():
    earn = lambda a: flat_commission(a, 100_000, [0.0], [0.02])  # noqa: E731
    # 2 % of 120,000 = 2,400; 2,000 up to 100 %, 400 above it × 1.5 = 600: 2,600.
    assert accelerated(earn, 1.2, [1.0], [1.5]) == pytest.approx(2600)
    assert accelerated(earn, 1.0, [1.0], [1.5]) == pytest.approx(2000)
    # Two accelerators do not compound: 2,000 + 1.5 × 200 (100→110 %) + 2 × 200 (110→120 %) = 2,700.
    assert accelerated(earn, 1.2, [1.0, 1.1], [1.5, 2.0]) == pytest.approx(2700)


def test_payout_of_a_simple_tier_plan():
    args = dict(base=100_000, challenge=110_000, sprint=120_000, bonus=(500, 1000, 2000), rate=(0.01, 0.02, 0.03))
    # 112,000 reaches challenge: 1,000 + 112,000 × 2 % = 3,240.
    assert payout(112_000, 100_000, **args) == pytest.approx(3240)
    # Step: 1,000 bonus + 10,000 × 1 % + 2,000 × 2 % = 1,000 + 100 + 40 = 1,140.
    assert payout(112_000, 100_000, mode="step", **args) == pytest.approx(1140)
    assert payout(112_000, 100_000, cap=3000, **args) == 3000
    assert payout(99_999, 100_000, **args) == 0.0
    assert payout(50_000, 0, **args) == 0.0


# ---- one rep under the rules on the sheet ----

def test_exactly_100_percent_earns_base_bonus_and_base_commission():
    s = settle(plan(*STANDARD), rep(100_000.0, signed=True))
    # 500 base bonus + 100,000 × 1 % = 1,500.
    assert (s.tier, s.bonus, s.commission, s.reward, s.penalty, s.net) == ("base", 500, 1000, 1500, 0, 1500)


def test_exactly_the_floor_is_not_punished_and_just_under_it_is():
    at_floor = settle(plan(*STANDARD), rep(80_000.0, signed=True))
    assert (at_floor.tier, at_floor.reward, at_floor.penalty, at_floor.net, at_floor.below_floor) == \
        ("none", 0, 0, 0, False)
    under = settle(plan(*STANDARD), rep(79_999.99, signed=True))
    assert (under.penalty, under.net, under.below_floor) == (300, -300, True)
    assert "低于处罚线" in under.reason_zh and "below floor" in under.reason_en


def test_floor_rate_deducts_a_share_of_the_shortfall_to_base():
    p = plan({"rule": "floor", "threshold": 0.8, "mode": "rate", "rate": 0.1})
    # 70,000 is 70 % of base < 80 %: (100,000 − 70,000) × 10 % = 3,000.
    assert settle(p, rep(70_000.0)).penalty == 3000


def test_floor_forfeit_takes_back_what_was_earned():
    p = plan({"rule": "commission", "threshold": 0.0, "rate": 0.01, "mode": "step"},
             {"rule": "floor", "threshold": 0.8, "mode": "forfeit"})
    s = settle(p, rep(60_000.0))
    # 60,000 × 1 % = 600 earned, all withheld; no deduction.
    assert (s.commission, s.withheld, s.reward, s.penalty, s.net) == (600, 600, 0, 0, 0)


def test_mix_condition_withholds_the_tier_bonus():
    roles = {"profit": (30_000.0, 25_800.0), "flagship": (30_000.0, 40_000.0)}
    s = settle(plan(*STANDARD), rep(115_000.0, roles, signed=True))
    # Challenge: bonus 1,000 and 115,000 × 2 % = 2,300; profit 25,800/30,000 = 86 % < 90 % withholds the 1,000.
    assert (s.tier, s.bonus, s.commission, s.withheld, s.reward) == ("challenge", 1000, 2300, 1000, 2300)
    assert "利润型 86.0% < 90% → 扣发档位奖金" in s.reason_zh
    assert "profit 86.0% < 90% → tier bonus withheld" in s.reason_en


def test_mix_condition_met_exactly_keeps_the_bonus():
    roles = {"profit": (30_000.0, 27_000.0)}  # exactly 90 %
    assert settle(plan(*STANDARD), rep(115_000.0, roles, signed=True)).reward == 3300


def test_mix_forfeit_withholds_the_whole_reward():
    p = plan({"rule": "bonus", "tier": "base", "amount": 800},
             {"rule": "commission", "tier": "base", "rate": 0.01},
             {"rule": "mix", "role": "flagship", "threshold": 0.95, "mode": "forfeit"})
    s = settle(p, rep(105_000.0, {"flagship": (20_000.0, 10_000.0)}))
    assert (s.bonus, s.commission, s.withheld, s.reward) == (800, 1050, 1850, 0)


def test_a_role_without_target_does_not_block_the_bonus():
    s = settle(plan(*STANDARD), rep(100_000.0, {"profit": (0.0, 0.0)}, signed=True))
    assert s.reward == 1500


def test_cap_limits_the_reward():
    s = settle(plan(*STANDARD), rep(150_000.0, signed=True))
    # Sprint: 2,000 + 150,000 × 3 % = 6,500, capped at 5,000.
    assert (s.tier, s.bonus, s.commission, s.cap_cut, s.reward) == ("sprint", 2000, 4500, 1500, 5000)
    assert "奖励封顶 5,000" in s.reason_zh


def test_cap_on_attainment_limits_the_commission_base():
    p = plan({"rule": "commission", "threshold": 0.0, "rate": 0.02}, {"rule": "cap", "threshold": 1.5})
    # 200 % attainment is paid as 150 %: 150,000 × 2 % = 3,000.
    assert settle(p, rep(200_000.0)).commission == 3000


def test_unsigned_rep_gets_no_reward_but_penalties_still_apply():
    s = settle(plan(*STANDARD), rep(112_000.0, signed=False))
    # Earned 1,000 + 112,000 × 2 % = 3,240, all withheld.
    assert (s.bonus, s.commission, s.withheld, s.reward, s.net) == (1000, 2240, 3240, 0, 0)
    assert "军令状未签署" in s.reason_zh
    under = settle(plan(*STANDARD), rep(50_000.0, signed=False))
    assert under.net == -300


def test_unknown_signature_follows_the_setting():
    paid = settle(plan(*STANDARD), rep(112_000.0, signed=None), signature_unknown="pay")
    held = settle(plan(*STANDARD), rep(112_000.0, signed=None), signature_unknown="withhold")
    assert (paid.reward, held.reward) == (3240, 0)
    assert "签署" not in paid.reason_zh and "signature unknown → reward withheld" in held.reason_en


def test_step_commission_with_a_band_from_zero():
    p = plan({"rule": "commission", "threshold": 0.0, "rate": 0.01, "mode": "step"},
             {"rule": "commission", "tier": "base", "rate": 0.02, "mode": "step"},
             {"rule": "commission", "tier": "challenge", "rate": 0.03, "mode": "step"})
    # 1,000 + 200 + 150 = 1,350 (see test_step_commission...).
    assert settle(p, rep(115_000.0)).commission == 1350


def test_linear_curve_with_accelerator_above_100_percent():
    curve = ({"rule": "commission", "mode": "linear", "threshold": 0.8, "rate": 0.5, "amount": 3000},
             {"rule": "commission", "mode": "linear", "threshold": 1.0, "rate": 1.0, "amount": 3000},
             {"rule": "commission", "mode": "linear", "threshold": 1.2, "rate": 1.5, "amount": 3000})
    assert settle(plan(*curve), rep(90_000.0)).commission == 2250
    accelerated_plan = plan(*curve, {"rule": "accelerator", "threshold": 1.0, "factor": 2})
    # At 110 %: the curve pays 125 % = 3,750; 3,000 up to 100 %, 750 above it × 2: 4,500.
    s = settle(accelerated_plan, rep(110_000.0))
    assert s.commission == 4500
    assert "加速 ×2（100% 以上）" in s.reason_zh


def test_expense_condition_deducts_a_share_of_the_overspend():
    p = plan({"rule": "expense", "mode": "rate", "rate": 0.5})
    # Used 4,600 of 4,000: 600 over × 50 % = 300; exactly on budget: nothing.
    assert settle(p, rep(100_000.0, budget=4000.0, used=4600.0)).penalty == 300
    assert settle(p, rep(100_000.0, budget=4000.0, used=4000.0)).penalty == 0
    fixed = plan({"rule": "expense", "mode": "fixed", "amount": 200, "threshold": 1.1})
    # Threshold 110 %: 4,400 allowed; 4,600 is over, 4,400 is not.
    assert settle(fixed, rep(100_000.0, budget=4000.0, used=4600.0)).penalty == 200
    assert settle(fixed, rep(100_000.0, budget=4000.0, used=4400.0)).penalty == 0
    # No expense record: the rule cannot be checked, nothing is deducted.
    assert settle(p, rep(100_000.0)).penalty == 0


def test_payouts_are_rounded_to_the_payout_unit():
    p = plan({"rule": "commission", "threshold": 0.0, "rate": 0.0123})
    # 100,001 × 1.23 % = 1,230.0123
    assert settle(p, rep(100_001.0)).commission == 1230.01
    assert settle(p, rep(100_001.0), unit=1).commission == 1230


def test_rep_without_target_is_not_paid():
    s = settle(plan(*STANDARD), rep(5000.0, target=0.0))
    assert (s.attainment, s.tier, s.net, s.reason_en) == (None, "none", 0, "no target")


def test_most_specific_scope_wins():
    plans, problems = read_rules(rules(
        {"rule": "bonus", "tier": "base", "amount": 100},
        {"scope": "华东", "rule": "bonus", "tier": "base", "amount": 200},
        {"scope": "R001", "rule": "bonus", "tier": "base", "amount": 300},
    ), {"华东", "华南"}, {"R001", "R002"})
    assert problems == []
    assert plan_for(plans, "R001", "华东").bonuses == {"base": 300}
    assert plan_for(plans, "R002", "华东").bonuses == {"base": 200}
    assert plan_for(plans, "R002", "华南").bonuses == {"base": 100}


# ---- rules that cannot be applied are located ----

@pytest.mark.parametrize("rows, expected", [
    ([{"rule": "bonus", "amount": 500}], [(2, "tier", "rule-needs-value")]),
    ([{"rule": "bonus", "tier": "base"}], [(2, "amount", "rule-needs-value")]),
    ([{"rule": "commission", "tier": "base", "threshold": 1.0, "rate": 0.01}], [(2, "threshold", "band-start")]),
    ([{"rule": "commission", "tier": "base", "rate": 0.01, "mode": "fixed"}], [(2, "mode", "wrong-mode")]),
    ([{"rule": "commission", "tier": "base", "rate": 0.01, "mode": "flat"},
      {"rule": "commission", "tier": "sprint", "rate": 0.02, "mode": "step"}], [(3, "mode", "mixed-modes")]),
    ([{"rule": "commission", "mode": "linear", "threshold": 1.0, "rate": 1.0}], [(2, "amount", "rule-needs-value")]),
    ([{"rule": "commission", "mode": "linear", "threshold": 0.8, "rate": 0.5, "amount": 3000},
      {"rule": "commission", "mode": "linear", "threshold": 1.0, "rate": 1.0, "amount": 2000}],
     [(3, "amount", "mixed-target-incentive")]),
    ([{"rule": "commission", "tier": "base", "rate": 0.01}, {"rule": "commission", "tier": "base", "rate": 0.02}],
     [(3, "tier", "duplicate-rule")]),
    ([{"rule": "floor", "threshold": 0.8}], [(2, "mode", "wrong-mode")]),
    ([{"rule": "floor", "mode": "fixed", "amount": 300}], [(2, "threshold", "rule-needs-value")]),
    ([{"rule": "floor", "threshold": 0.8, "mode": "rate"}], [(2, "rate", "rule-needs-value")]),
    ([{"rule": "mix", "threshold": 0.9}], [(2, "role", "rule-needs-value")]),
    ([{"rule": "accelerator", "threshold": 1.0}], [(2, "factor", "rule-needs-value")]),
    ([{"rule": "cap"}], [(2, "amount", "rule-needs-value")]),
    ([{"scope": "火星", "rule": "signed"}], [(2, "scope", "unknown-scope")]),
])
def test_bad_rules_are_located(rows, expected):
    _, problems = read_rules(rules(*rows), {"华东"}, {"R001"})
    assert [(p.row, p.column, p.code) for p in problems] == expected
    assert all(p.sheet == "incentive_rules" and p.severity == "error" for p in problems)


# ---- invariants ----

amounts = st.floats(min_value=0, max_value=1e7, allow_nan=False)


@hsettings(max_examples=200, deadline=None)
@given(actual=amounts, target=st.floats(min_value=1, max_value=1e7), signed=st.sampled_from([True, False, None]))
def test_net_is_reward_minus_penalty_and_reward_stays_within_the_cap(actual, target, signed):
    facts = RepFacts(target, target, target * 1.1, target * 1.2, round(actual, 2), {}, signed)
    s = settle(plan(*STANDARD), facts)
    assert s.net == pytest.approx(s.reward - s.penalty, abs=1e-9)
    assert s.reward == pytest.approx(s.bonus + s.commission - s.withheld - s.cap_cut, abs=1e-9)
    assert 0 <= s.reward <= 5000 and s.penalty >= 0
    assert settle(plan(*STANDARD), facts) == s  # deterministic


@hsettings(max_examples=200, deadline=None)
@given(low=amounts, high=amounts)
def test_step_commission_never_falls_as_sales_rise(low, high):
    low, high = sorted((low, high))
    starts, rates = [0, 1.0, 1.1, 1.2], [0.01, 0.02, 0.03, 0.05]
    assert step_commission(low / 1e5, 1e5, starts, rates) <= step_commission(high / 1e5, 1e5, starts, rates) + 1e-6


@hsettings(max_examples=200, deadline=None)
@given(actual=amounts, mode=st.sampled_from(["flat", "step"]))
def test_payout_function_agrees_with_the_rules_sheet(actual, mode):
    """=SALESXL.PAYOUT and the close give the same reward for the same simple plan."""
    actual = round(actual, 2)
    rows = [{"rule": "bonus", "tier": t, "amount": b} for t, b in zip(("base", "challenge", "sprint"), (500, 1000, 2000))]
    rows += [{"rule": "commission", "tier": t, "rate": r, "mode": mode}
             for t, r in zip(("base", "challenge", "sprint"), (0.01, 0.02, 0.03))]
    sheet = settle(plan(*rows), rep(actual), unit=0.0001).reward
    plain = payout(actual, 100_000, 100_000, 110_000, 120_000, (500, 1000, 2000), (0.01, 0.02, 0.03), mode,
                   unit=0.0001)
    assert math.isclose(sheet, plain, abs_tol=0.001)


# ---- a whole (tiny) month closed from inline frames ----

def framed(rows: list[tuple], columns: str, first_row: int = 2) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns.split())
    frame.index = pd.Index(range(first_row, first_row + len(rows)), name="excel_row")
    return frame


def tiny_month(actual_rows=None):
    from salesxl.core.performance import MonthEnd
    dec = pd.Period("2026-12", "M")
    day = pd.Timestamp("2026-12-10")
    actual_rows = actual_rows or [
        (day, "R1", "O1", "A", 30_000.0), (day, "R1", "O1", "B", 40_000.0), (day, "R1", "O2", "B", 40_000.0),
        (day, "R2", "O3", "A", 10_000.0), (day, "R2", "O3", "B", 29_000.0),
        (day, "R3", "O4", "A", 40_000.0), (day, "R3", "O4", "B", 48_000.0),
        (pd.Timestamp("2026-11-30"), "R1", "O1", "A", 5_000.0),   # last month: not counted
        (day, "R9", None, "A", 1_000.0),                          # a rep with no target: not counted
    ]
    return MonthEnd(
        rep_targets=framed([(dec, "R1", "甲", "华东", 100_000.0, 100_000.0, 110_000.0, 120_000.0),
                            (dec, "R2", "乙", "华东", 50_000.0, 50_000.0, 55_000.0, 60_000.0),
                            (dec, "R3", "丙", "华南", 80_000.0, 80_000.0, 88_000.0, 96_000.0)],
                           "month rep_id name region target base challenge sprint", 6),
        rep_sku_targets=framed([("R1", "A", "flagship", 40_000.0), ("R1", "B", "profit", 60_000.0),
                                ("R2", "A", "flagship", 20_000.0), ("R2", "B", "profit", 30_000.0),
                                ("R3", "A", "flagship", 30_000.0), ("R3", "B", "profit", 50_000.0)],
                               "rep_id sku role sku_target", 13),
        outlet_targets=framed([("O1", "R1", "华东", True, 60_000.0), ("O2", "R1", "华东", False, 40_000.0),
                               ("O3", "R2", "华东", True, 50_000.0), ("O4", "R3", "华南", True, 80_000.0)],
                              "outlet_id rep_id region core outlet_target", 6),
        core_outlet_sku_targets=framed([("O1", "A", 24_000.0), ("O1", "B", 36_000.0), ("O3", "A", 20_000.0),
                                        ("O3", "B", 30_000.0), ("O4", "A", 30_000.0), ("O4", "B", 50_000.0)],
                                       "outlet_id sku outlet_sku_target", 12),
        actuals=framed(actual_rows, "date rep_id outlet_id sku amount"),
        products=framed([("A", "flagship"), ("B", "profit")], "sku role"),
        rules=rules({"rule": "bonus", "tier": "base", "amount": 500},
                    {"rule": "bonus", "tier": "challenge", "amount": 1000},
                    {"rule": "commission", "tier": "base", "rate": 0.01},
                    {"rule": "commission", "tier": "challenge", "rate": 0.02},
                    {"rule": "floor", "threshold": 0.8, "mode": "fixed", "amount": 300},
                    {"rule": "mix", "role": "profit", "threshold": 0.9}),
        outlets=framed([("O1", "一店"), ("O2", "二店"), ("O3", "三店"), ("O4", "四店")], "outlet_id name"),
    )


def test_close_month_settles_ranks_and_totals_by_hand():
    from salesxl.core.performance import close_month
    result, problems = close_month(tiny_month(), {"summary_top_n": 1}, pd.Period("2026-12", "M"))
    assert [(p.sheet, p.row, p.column, p.code, p.severity) for p in problems] == [
        ("actuals", None, "date", "outside-month", "notice"),
        ("actuals", 10, "rep_id", "rep-without-target", "warning"),
        ("actuals", None, "date", "month-not-over", "warning")]
    # Sales run to Thursday 10 December: the 11th, 14–18, 21–25 and 28–31 are 15 working days still to come.
    assert "15 working days of the month follow" in problems[-1].message_en
    assert any("result so far" in note for note in result.notes)
    reps = result.reps.set_index("rep_id")
    # R1: 110,000 = challenge exactly: 1,000 + 110,000 × 2 % = 3,200. R3: 88,000/80,000 = 110 %: 1,000 + 1,760.
    # R2: 39,000/50,000 = 78 % < 80 % of base: −300.
    assert reps["tier"].to_dict() == {"R1": "challenge", "R3": "challenge", "R2": "none"}
    assert reps["net"].to_dict() == {"R1": 3200, "R3": 2760, "R2": -300}
    assert reps["rank_company"].tolist() == [1, 1, 3] and list(reps.index) == ["R1", "R3", "R2"]
    assert reps["rank_region"].to_dict() == {"R1": 1, "R3": 1, "R2": 2}
    assert reps.loc["R1", "att_profit"] == pytest.approx(80_000 / 60_000)
    assert reps.loc["R2", "below_floor"] and not reps.loc["R1", "below_floor"]
    regions = result.regions.set_index("region")
    assert regions.loc["华东", ["reps", "target", "actual", "reps_at_base", "reward", "penalty", "net"]].tolist() == \
        [2, 150_000, 149_000, 1, 3200, 300, 2900]
    assert regions.loc["全公司 Company", "attainment"] == pytest.approx(237_000 / 230_000)
    assert result.roles.set_index("role")[["target", "actual"]].to_dict("index") == {
        "flagship": {"target": 90_000, "actual": 80_000}, "profit": {"target": 140_000, "actual": 157_000},
        "total": {"target": 230_000, "actual": 237_000}}
    outlets = result.core_outlets.set_index("outlet_id")
    # O1: A 30,000 ≥ 24,000 and B 40,000 ≥ 36,000; O3: neither; O4: A only.
    assert outlets[["actual", "skus_targeted", "skus_met"]].to_dict("index") == {
        "O1": {"actual": 70_000, "skus_targeted": 2, "skus_met": 2},
        "O3": {"actual": 39_000, "skus_targeted": 2, "skus_met": 0},
        "O4": {"actual": 88_000, "skus_targeted": 2, "skus_met": 1}}
    summary = result.summary.set_index("item")
    assert summary.loc["top:1", "who"] == "甲 R1" and summary.loc["bottom:1", "who"] == "乙 R2"
    assert summary.loc["under_floor", "who"] == "乙 R2" and summary.loc["net", "amount"] == 5660
    assert result.chart["rep"].tolist() == ["甲 R1", "丙 R3", "乙 R2"]
    assert result.chart["challenge"].tolist() == pytest.approx([1.1, 1.1, 1.1])


def test_closing_a_month_without_actuals_is_an_error():
    from salesxl.core.performance import close_month
    november = [(pd.Timestamp("2026-11-30"), "R1", "O1", "A", 5_000.0)]
    result, problems = close_month(tiny_month(november), {}, pd.Period("2026-12", "M"))
    assert result is None
    assert [(p.sheet, p.code, p.severity) for p in problems] == [("actuals", "no-actuals", "error")]


def test_closing_a_month_the_targets_are_not_for_is_an_error():
    from salesxl.core.performance import close_month
    _, problems = close_month(tiny_month(), {}, pd.Period("2027-01", "M"))
    assert [(p.sheet, p.row, p.column, p.code) for p in problems if p.severity == "error"] == [
        ("rep_targets", 6, "month", "targets-other-month"), ("actuals", None, None, "no-actuals")]


def test_close_month_is_deterministic():
    from salesxl.core.performance import close_month
    first, _ = close_month(tiny_month(), {}, pd.Period("2026-12", "M"))
    again, _ = close_month(tiny_month(), {}, pd.Period("2026-12", "M"))
    for name in ("reps", "regions", "roles", "core_outlets", "summary", "chart", "rules"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
