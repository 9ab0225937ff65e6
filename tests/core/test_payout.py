"""How one rep is paid: every rule type worked by hand, with its boundaries (salesxl.core.payout)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from salesxl.core.payout import (
    RepFacts, accelerated, attainment, curve_payout, flat_commission, payout, settle, step_commission, tier_reached,
)

from .rules_sheet import STANDARD, plan, rep


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
