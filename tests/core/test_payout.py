"""How one rep is paid: every rule type worked by hand, with its boundaries (salesxl.core.payout)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from salesxl.core.allocation import to_unit
from salesxl.core.payout import (
    SIGN, RepFacts, accelerated, attainment, curve_payout, flat_commission, payout, settle, step_commission,
    tier_reached,
)
from salesxl.demo import make_incentive_rules

from .rules_sheet import COMPANY, SOUTHWEST, STANDARD, plan, rep, rules


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


def test_a_mix_condition_is_met_on_its_amount_to_the_cent():
    # Profit target 33,333.36 × 90 % = 30,000.024 → 30,000.02 to the cent. 30,000.02 sold meets it, though
    # 30,000.02 ÷ 33,333.36 = 89.99999988 % is under 90 %: challenge bonus 1,000 + 115,000 × 2 % = 2,300 = 3,300.
    met = settle(plan(*STANDARD), rep(115_000.0, {"profit": (33_333.36, 30_000.02)}, signed=True))
    assert (met.withheld, met.reward) == (0, 3300)
    # A cent short, 30,000.01: the 1,000 bonus is withheld, and the line gives the amounts: reward 2,300.
    short = settle(plan(*STANDARD), rep(115_000.0, {"profit": (33_333.36, 30_000.01)}, signed=True))
    assert (short.withheld, short.reward) == (1000, 2300)
    assert [line.en for line in short.lines if line.rule == "mix"] == [
        "mix: profit 30,000.01 < 33,333.36 × 90% = 30,000.02 → tier bonus withheld"]


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


# ---- the edges a payroll clerk asks about, on the month-end demo's reps (salesxl demo --month-end) ----

def lines_of(s):
    return [(line.part, line.rule, line.row, line.start, line.end, line.base, line.rate, line.amount)
            for line in s.lines]


def test_the_rules_worked_here_are_the_demos():
    demo = make_incentive_rules(pd.DataFrame({"rep_id": ["R001"], "hire_date": [pd.Timestamp("2026-01-01")]}))
    def records(frame):
        frame = frame.drop(columns=["scope", "note"]).astype(object)
        return frame.where(frame.notna(), None).to_dict("records")
    for scope, worked in ((None, COMPANY), ("西南", SOUTHWEST)):
        own = demo[demo["scope"].isna()] if scope is None else demo[demo["scope"] == scope]
        assert records(rules(*worked)) == records(own)


def test_a_rep_without_a_target_is_not_settled_and_the_line_says_what_was_not_paid():
    # R023 with its target set to 0 and 159,710 sold: no attainment, no tier, nothing paid or deducted. The
    # company's first band pays 0.8 % from the first yuan: 159,710 × 0.8 % = 1,277.68 — not paid, and said.
    s = settle(plan(*COMPANY), RepFacts(0.0, 0.0, 0.0, 0.0, 159_710.0, signed=True))
    assert (s.attainment, s.tier, s.bonus, s.commission, s.penalty, s.net) == (None, "none", 0, 0, 0, 0)
    assert lines_of(s) == [("", "target", None, None, None, None, None, 0.0)]
    assert s.reason_en == ("no target: not settled; the commission from the first yuan, 159,710 × 0.8% = 1,277.68, "
                           "is not paid")
    assert s.lines[0].zh == s.reason_zh == "无目标：不结算，从第一元起的提成 159,710 × 0.8% = 1,277.68 未发"
    assert settle(plan(*STANDARD), rep(5000.0, target=0.0)).reason_en == "no target: not settled"  # no such band


def test_a_tier_is_reached_on_its_issued_amount_and_the_gap_to_the_next_is_shown():
    # R001: target = base 175,136; challenge 175,136 × 1.1 = 192,649.60, issued as 192,650; sprint 210,163.
    # Sold 192,649.80: 192,649.80 ÷ 175,136 = 109.99989 % shows as 110.0 %, yet 192,649.80 < 192,650: base,
    # with challenge 0.20 away.
    facts = RepFacts(175_136.0, 175_136.0, 192_650.0, 210_163.0, 192_649.80, signed=True)
    s = settle(plan(*COMPANY), facts)
    assert f"{s.attainment:.1%}" == "110.0%"
    assert (s.tier, s.next_tier, s.next_at, s.short_by) == ("base", "challenge", 192_650.0, 0.20)
    assert "challenge at 192,650: short by 0.20" in s.reason_en and "距挑战 192,650 差 0.20" in s.reason_zh
    # Base bonus 800 (row 2). Step commission: 175,136 × 0.8 % = 1,401.088 → 1,401.09 (row 5), then
    # 192,649.80 − 175,136 = 17,513.80 × 1.2 % = 210.1656 → 210.17 (row 6). Net 800 + 1,401.09 + 210.17 = 2,411.26.
    assert lines_of(s) == [("bonus", "bonus", 2, None, None, None, None, 800),
                           ("commission", "commission", 5, 0.0, 175_136, 175_136, 0.008, 1401.09),
                           ("commission", "commission", 6, 175_136, 192_649.80, 17_513.80, 0.012, 210.17)]
    assert s.net == 2411.26
    # Twenty cents more: challenge, 1,500 + 1,401.09 + 17,514 × 1.2 % = 210.168 → 210.17 = 3,111.26; sprint next.
    more = settle(plan(*COMPANY), replace(facts, actual=192_650.0))
    assert (more.tier, more.net, more.next_tier, more.short_by) == ("challenge", 3111.26, "sprint", 17_513)
    top = settle(plan(*COMPANY), replace(facts, actual=210_163.0))
    assert (top.tier, top.next_tier, top.next_at, top.short_by) == ("sprint", None, None, None)


def test_a_tier_without_a_bonus_row_pays_the_bonus_of_the_tier_below():
    # R024 under 西南's rules: target = base 125,724, challenge 138,296, sprint 150,869; 175,400 sold reaches
    # sprint. 西南 has bonuses for base (1,000) and challenge (2,000) only: the challenge bonus, 2,000, is paid.
    # Flat commission: all 175,400 at the challenge band's 2 % = 3,508. Net 2,000 + 3,508 = 5,508.
    s = settle(plan(*SOUTHWEST), RepFacts(125_724.0, 125_724.0, 138_296.0, 150_869.0, 175_400.0, signed=True))
    assert (s.tier, s.bonus, s.commission, s.net) == ("sprint", 2000, 3508, 5508)
    assert lines_of(s) == [("bonus", "bonus", 3, None, None, None, None, 2000),
                           ("commission", "commission", 5, 0.0, 175_400, 175_400, 0.02, 3508)]
    assert s.lines[0].en == "tier bonus: no sprint bonus row, the challenge bonus is paid"
    assert "no sprint bonus row: challenge bonus paid" in s.reason_en


def test_two_floor_rules_both_apply_each_on_its_own_line():
    # R022: target = base 169,481; 100,280 sold = 59.2 % of base. Commission 100,280 × 0.8 % = 802.24 (row 5).
    # Below 60 % of base (169,481 × 60 % = 101,688.60, row 12): the reward is forfeited, −802.24 withheld.
    # Below 80 % (135,584.80, row 11): 500 deducted. Withholding comes before the cap, penalties after it.
    # Net 802.24 − 802.24 − 500 = −500.
    facts = RepFacts(169_481.0, 169_481.0, 186_429.0, 203_377.0, 100_280.0, signed=True)
    s = settle(plan(*COMPANY), facts)
    assert lines_of(s) == [("commission", "commission", 5, 0.0, 100_280, 100_280, 0.008, 802.24),
                           ("withheld", "floor", 12, None, None, 802.24, None, -802.24),
                           ("penalty", "floor", 11, None, None, None, None, -500)]
    assert (s.withheld, s.penalty, s.net, s.below_floor) == (802.24, 500, -500, True)
    assert s.lines[1].en == "floor: actual 100,280 < base 169,481 × 60% = 101,688.60 → reward forfeited"
    assert s.lines[2].en == "floor: actual 100,280 < base 169,481 × 80% = 135,584.80 → deduct 500"
    # R003 the same way: 114,030 of 227,024 = 50.2 %; 114,030 × 0.8 % = 912.24 forfeited, 500 deducted.
    assert settle(plan(*COMPANY), RepFacts(227_024.0, 227_024.0, 249_726.0, 272_429.0, 114_030.0, signed=True)
                  ).net == -500
    # A reward is forfeited once: unsigned as well, the signature's line takes nothing more.
    unsigned = settle(plan(*COMPANY), replace(facts, signed=False))
    assert [(line.rule, line.amount) for line in unsigned.lines] == [
        ("commission", 802.24), ("floor", -802.24), ("signed", 0), ("floor", -500)]
    assert unsigned.lines[2].en.endswith("(already withheld)") and unsigned.net == -500


def test_deductions_of_one_kind_add_up():
    # Two fixed floors: below 80 % of base −300, below 60 % −200 more. 50,000 of 100,000 is under both: −500.
    p = plan({"rule": "floor", "threshold": 0.8, "mode": "fixed", "amount": 300},
             {"rule": "floor", "threshold": 0.6, "mode": "fixed", "amount": 200})
    assert [line.amount for line in settle(p, rep(50_000.0)).lines] == [-300, -200]
    assert settle(p, rep(70_000.0)).penalty == 300


def test_the_cap_applies_after_withholding_and_before_penalties():
    # Sprint at 150,000: 2,000 + 150,000 × 3 % = 4,500: 6,500. The profit condition withholds the 2,000 first:
    # 4,500 is under the 5,000 cap, nothing cut. Unwithheld, 6,500 is cut by 1,500 to 5,000.
    roles = {"profit": (30_000.0, 20_000.0)}
    s = settle(plan(*STANDARD), rep(150_000.0, roles, signed=True))
    assert (s.withheld, s.cap_cut, s.reward) == (2000, 0, 4500)
    capped = settle(plan(*STANDARD), rep(150_000.0, signed=True))
    assert [(line.part, line.base, line.amount) for line in capped.lines][-1] == ("cap_cut", 6500, -1500)


def test_an_accelerator_applies_above_its_amount_to_the_cent():
    # Target 100,000.04: the accelerator at 120 % is 120,000.048 → 120,000.05. Sold exactly that, nothing is
    # above it (though 120,000.05 ÷ 100,000.04 = 120.00000002 %): one line, 120,000.05 × 1 % = 1,200.0005 → 1,200.
    p = plan({"rule": "commission", "threshold": 0.0, "rate": 0.01, "mode": "step"},
             {"rule": "accelerator", "threshold": 1.2, "factor": 2})
    at = settle(p, rep(120_000.05, target=100_000.04))
    assert [(line.rule, line.base, line.amount) for line in at.lines] == [("commission", 120_000.05, 1200)]
    assert "accelerated" not in at.reason_en
    # Ten yuan above: 10 × 1 % = 0.10 on its own line, doubled by the accelerator: 1,200 + 0.10 + 0.10 = 1,200.20.
    above = settle(p, rep(120_010.05, target=100_000.04))
    assert [(line.rule, line.start, line.base, line.amount) for line in above.lines] == [
        ("commission", 0.0, 120_000.05, 1200), ("commission", 120_000.05, 10, 0.1),
        ("accelerator", 120_000.05, 0.1, 0.1)]
    assert above.commission == 1200.2


def test_an_accelerator_read_as_1_05_percent_would_pay_4219_21_instead_of_2167_52():
    """The percentage trap: an accelerator threshold typed 1.05 in an unformatted cell once read as 1.05 %.
    The reader now refuses a bare 1.05 in the Threshold column (tests/workbook/test_cells.py, and the close's
    test on a workbook); here, what each reading pays.

    The issue's pair, on a rep paid 1 % of all sales from the first yuan and doubled above the accelerator:
    target 197,373, sold 211,996.80. Flat commission 211,996.80 × 1 % = 2,119.968 → 2,119.97.
    At 105 % = 207,241.65: earned above it 2,119.968 − 2,072.4165 = 47.5515 → 47.55, doubled: +47.55 = 2,167.52.
    At 1.05 % = 2,072.42: earned above it 2,119.968 − 20.7242 = 2,099.2438 → 2,099.24, doubled: +2,099.24 = 4,219.21.
    """
    facts = RepFacts(197_373.0, 197_373.0, 217_110.0, 236_848.0, 211_996.80)

    def paid(threshold):
        return settle(plan({"rule": "commission", "threshold": 0.0, "rate": 0.01, "mode": "flat"},
                           {"rule": "accelerator", "threshold": threshold, "factor": 2}), facts)
    meant, misread = paid(1.05), paid(0.0105)
    assert (meant.commission, misread.commission) == (2167.52, 4219.21)
    assert [(line.start, line.base, line.amount) for line in meant.lines] == [
        (0.0, 211_996.80, 2119.97), (207_241.65, 47.55, 47.55)]
    assert [(line.start, line.base, line.amount) for line in misread.lines] == [
        (0.0, 211_996.80, 2119.97), (2072.42, 2099.24, 2099.24)]


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
@given(actual=amounts, target=st.floats(min_value=1, max_value=1e7), signed=st.sampled_from([True, False, None]),
       used=st.floats(min_value=0, max_value=2e4))
def test_every_part_and_the_net_are_sums_of_lines_and_a_rate_line_pays_base_times_rate(actual, target, signed, used):
    target = round(target)
    facts = RepFacts(target, target, round(target * 1.1), round(target * 1.2), round(actual, 2),
                     {"profit": (target * 0.3, actual * 0.28)}, signed, 10_000.0, round(used, 2))
    s = settle(plan(*COMPANY), facts)
    for line in s.lines:
        assert line.amount == 0 if line.part == "" else SIGN[line.part] * line.amount >= 0  # a note pays nothing
        if line.rate is not None:
            assert line.amount == SIGN[line.part] * to_unit(line.base * line.rate, 0.01)
    for part in ("bonus", "commission", "withheld", "cap_cut", "penalty"):
        assert getattr(s, part) == pytest.approx(sum(SIGN[part] * x.amount for x in s.lines if x.part == part),
                                                 abs=1e-9)
    assert s.net == pytest.approx(sum(line.amount for line in s.lines), abs=1e-9)
    # The step lines, each rounded to the cent, are the step commission to within a cent a line.
    bands = [line for line in s.lines if line.rule == "commission"]
    exact = step_commission(min(facts.actual, 1e12) / target, target, [0, 1.0, 1.1, 1.2], [0.008, 0.012, 0.016, 0.02])
    assert abs(sum(line.amount for line in bands) - exact) <= 0.01 * len(bands) + 0.01


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
