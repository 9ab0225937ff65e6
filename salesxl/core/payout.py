"""Payout 奖金结算: how one rep is paid under one set of rules, and the numbers behind it.

How one rep is paid, in order (every figure is on the performance sheet):

1. **Attainment** = actual ÷ target, on the rep's month total. The tier reached
   is the highest of base 基础 / challenge 挑战 / sprint 冲刺 whose amount the
   actual reaches (exactly 100 % reaches base).
2. **Tier bonus**: the bonus of the highest tier reached that has a bonus (not
   cumulative: write cumulative amounts if that is the plan).
3. **Commission**, one mode per set of rules:
   ``flat`` — the whole actual at the rate of the highest band reached;
   ``step`` — each band of attainment at its own rate (marginal, like tax
   brackets): a band runs from its start to the next band's start;
   ``linear`` — a pay curve of points (attainment, % of target incentive),
   interpolated between points; nothing below the first point, the last
   point's payout above the last.
   A band may start at a tier (the rep's own tier attainment) or at a
   threshold. A cap's attainment limits the attainment commission is paid on.
4. **Accelerators**: above an accelerator's threshold, the commission earned
   beyond it is multiplied by its factor, up to the next accelerator's
   threshold (factors do not compound).
5. **Conditions** withhold what was earned: a product-mix condition not met
   withholds the tier bonus (or the whole reward, mode ``forfeit``); a floor,
   expense or signature rule in mode ``forfeit`` withholds the whole reward.
6. **Cap**: the reward (bonus + commission − withheld) is at most the cap amount.
7. **Penalties** are deductions: below a floor (attainment of the base target
   under the threshold, strictly) a fixed amount or a rate of the shortfall to
   base; over the expense threshold a fixed amount or a rate of the overspend.

Net payout = bonus + commission − withheld − cap cut − penalty, each part
rounded to the payout unit. Which rules a rep follows is
:mod:`salesxl.core.incentive_rules`' business; the month's totals are
:mod:`salesxl.core.performance`'s.

The small functions at the top (:func:`attainment`, :func:`tier_reached`,
:func:`flat_commission`, :func:`step_commission`, :func:`curve_payout`,
:func:`accelerated`) take plain numbers; with :func:`payout` (a simple tier plan
settled by :func:`settle`, the close's own rules) they back the worksheet
functions ``SALESXL_ATTAINMENT``, ``SALESXL_TIER`` and ``SALESXL_PAYOUT``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .. import terms
from ..terms import TIER_KEYS as TIERS
from .allocation import to_unit, unit_decimals
from .incentive_rules import Band, Deduction, Plan

EPS = 1e-9
"""Attainments this close to a threshold count as reaching it (float noise, not a real shortfall)."""

TIER_LABEL = {"none": "未达基础 below base", **{c.key: c.label for c in terms.TIERS}}
"""The tier a rep reached, as the performance sheet and ``SALESXL_TIER`` show it."""
TIER_ZH = {"none": "未达基础", **{c.key: f"{c.zh}档" for c in terms.TIERS}}
TIER_EN = {"none": "below base", **{c.key: f"reached {c.key}" for c in terms.TIERS}}
ROLE_ZH = {c.key: c.zh for c in terms.ROLES}


# ---- Worksheet-function-ready rules: plain numbers in, a number out ----

def attainment(actual: float, target: float) -> float | None:
    """Actual ÷ target; None when there is no target to measure against (0 or less)."""
    if target is None or not target > 0 or actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return None
    return actual / target


def reaches(value: float, threshold: float) -> bool:
    """``value ≥ threshold``, ignoring float noise: 0.9999999999 reaches 100 %."""
    return value >= threshold - EPS


def tier_reached(attainment: float | None, base: float = 1.0, challenge: float = 1.1, sprint: float = 1.2) -> str:
    """The highest tier reached: ``"sprint"``, ``"challenge"``, ``"base"`` or ``"none"``.

    ``attainment`` and the three tiers are in the same unit: attainments (1.0, 1.1,
    1.2) or amounts (the tier targets). Exactly reaching a tier counts.
    """
    if attainment is None or (isinstance(attainment, float) and math.isnan(attainment)):
        return "none"
    for tier, threshold in (("sprint", sprint), ("challenge", challenge), ("base", base)):
        if threshold is not None and reaches(attainment, threshold):
            return tier
    return "none"


def flat_commission(attainment: float, target: float, starts: Sequence[float], rates: Sequence[float]) -> float:
    """The whole amount (attainment × target) at the rate of the highest band reached.

    ``flat_commission(1.15, 100_000, [1.0, 1.1], [0.02, 0.03])`` = 115,000 × 3 % = 3,450.
    """
    reached = [(s, r) for s, r in zip(starts, rates) if reaches(attainment, s)]
    if not reached or attainment <= 0:
        return 0.0
    return attainment * target * max(reached)[1]


def step_commission(attainment: float, target: float, starts: Sequence[float], rates: Sequence[float]) -> float:
    """Each band of attainment at its own rate; a band ends where the next one starts.

    ``step_commission(1.15, 100_000, [0, 1.0, 1.1], [0.01, 0.02, 0.03])``
    = 100,000 × 1 % + 10,000 × 2 % + 5,000 × 3 % = 1,000 + 200 + 150 = 1,350.
    """
    bands = sorted(zip(starts, rates))
    total = 0.0
    for i, (start, rate) in enumerate(bands):
        end = bands[i + 1][0] if i + 1 < len(bands) else math.inf
        total += rate * max(0.0, min(attainment, end) - start)
    return total * target


def curve_payout(attainment: float, point_attainments: Sequence[float], point_payouts: Sequence[float],
                 target_incentive: float) -> float:
    """A pay curve: payout % of the target incentive, linear between the points.

    Nothing below the first point; the last point's payout above the last.
    With points (80 %, 50 %), (100 %, 100 %), (120 %, 150 %) and a target
    incentive of 3,000: attainment 90 % pays 75 % = 2,250; 79 % pays 0; 130 % pays 4,500.
    """
    points = sorted(zip(point_attainments, point_payouts))
    if not points or not reaches(attainment, points[0][0]):
        return 0.0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return float(np.interp(attainment, xs, ys)) * target_incentive


def accelerated(earn: Callable[[float], float], attainment: float, thresholds: Sequence[float],
                factors: Sequence[float]) -> float:
    """Commission with accelerators: what is earned above a threshold is multiplied by its factor.

    ``earn`` gives the commission at an attainment. Each factor applies from its
    threshold up to the next accelerator's threshold; factors do not compound.
    Flat 2 % of 100,000 with ×1.5 above 100 %: at 120 % the plain commission
    is 2,400, of which 400 is earned above 100 %, so 2,000 + 1.5 × 400 = 2,600.
    """
    steps = sorted(zip(thresholds, factors))
    if not steps or attainment <= steps[0][0]:
        return earn(attainment)
    total = earn(steps[0][0])
    for k, (threshold, factor) in enumerate(steps):
        if attainment <= threshold:
            break
        end = min(attainment, steps[k + 1][0]) if k + 1 < len(steps) else attainment
        total += factor * (earn(end) - earn(threshold))
    return total


# ---- One rep's settlement ----

@dataclass(frozen=True)
class RepFacts:
    """What a rep's payout depends on, as it stands on the performance sheet.

    Attributes:
        target, base, challenge, sprint: the issued amounts.
        actual: the month's actual sales.
        roles: role -> (role target, role actual).
        signed: True, False, or None when unknown.
        expense_budget, expense_used: None when there is no expense record.
    """

    target: float
    base: float
    challenge: float
    sprint: float
    actual: float
    roles: dict[str, tuple[float, float]] = field(default_factory=dict)
    signed: bool | None = None
    expense_budget: float | None = None
    expense_used: float | None = None


@dataclass(frozen=True)
class Settlement:
    """A rep's reward and penalty, part by part, with the reasons in both languages."""

    attainment: float | None
    tier: str
    bonus: float
    commission: float
    withheld: float
    cap_cut: float
    reward: float
    penalty: float
    net: float
    reason_zh: str
    reason_en: str
    below_floor: bool = False


def settle(plan: Plan, facts: RepFacts, unit: float = 0.01, signature_unknown: str = "pay") -> Settlement:
    """Apply one plan to one rep (see the module docstring for the order)."""
    att = attainment(facts.actual, facts.target)
    zh: list[str] = []
    en: list[str] = []
    if att is None:
        return Settlement(None, "none", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, "无目标", "no target")
    tier_att = {t: getattr(facts, t) / facts.target for t in TIERS}
    tier = tier_reached(att, *(tier_att[t] for t in TIERS))
    zh.append(f"{TIER_ZH[tier]} {att:.1%}")
    en.append(f"{TIER_EN[tier]} {att:.1%}")

    bonus = 0.0
    for t in TIERS[:TIERS.index(tier) + 1] if tier != "none" else ():
        bonus = plan.bonuses.get(t, bonus)
    bonus = to_unit(bonus, unit)
    commission = to_unit(plan_commission(plan, att, facts.target, tier_att), unit)
    if plan.cap_attainment is not None and att > plan.cap_attainment + EPS and plan.bands:
        zh.append(f"提成按 {plan.cap_attainment:.0%} 封顶")
        en.append(f"commission capped at {plan.cap_attainment:.0%}")
    if plan.accelerators and plan.bands and any(att > t + EPS for t, _ in plan.accelerators):
        t, f = max((a for a in plan.accelerators if att > a[0] + EPS), key=lambda a: a[0])
        zh.append(f"加速 ×{f:g}（{t:.0%} 以上）")
        en.append(f"accelerated ×{f:g} above {t:.0%}")

    withhold_bonus = forfeit = False
    for mix in plan.mixes:
        role_target, role_actual = facts.roles.get(mix.role, (0.0, 0.0))
        role_att = attainment(role_actual, role_target)
        if role_att is None or reaches(role_att, mix.threshold):
            continue
        what_zh, what_en = ("取消奖励", "reward forfeited") if mix.mode == "forfeit" else ("扣发档位奖金", "tier bonus withheld")
        at_stake = bonus + commission if mix.mode == "forfeit" else bonus
        if at_stake > 0:  # a condition that takes nothing away is not worth a word
            zh.append(f"{ROLE_ZH[mix.role]} {role_att:.1%} < {mix.threshold:.0%} → {what_zh}")
            en.append(f"{mix.role} {role_att:.1%} < {mix.threshold:.0%} → {what_en}")
        if mix.mode == "forfeit":
            forfeit = True
        else:
            withhold_bonus = True

    penalty = 0.0
    below_floor = False
    base_att = facts.actual / facts.base if facts.base > 0 else None
    for floor in plan.floors:
        if base_att is None or reaches(base_att, floor.threshold):
            continue
        below_floor = True
        cut, zh_what, en_what = deduction(floor, max(facts.base - facts.actual, 0.0), unit)
        penalty += cut
        forfeit = forfeit or floor.mode == "forfeit"
        zh.append(f"低于处罚线 基础的{base_att:.1%} < {floor.threshold:.0%} → {zh_what}")
        en.append(f"below floor {base_att:.1%} of base < {floor.threshold:.0%} → {en_what}")

    if plan.expenses and facts.expense_budget is not None and facts.expense_used is not None:
        budget, used = facts.expense_budget, facts.expense_used
        for rule in plan.expenses:
            allowed = rule.threshold * budget
            if used <= allowed + 0.005:
                continue
            cut, zh_what, en_what = deduction(rule, used - allowed, unit)
            penalty += cut
            forfeit = forfeit or rule.mode == "forfeit"
            shown = f"{used / budget:.1%}" if budget > 0 else f"{used:,.2f}"
            zh.append(f"费用 {shown} > 预算的{rule.threshold:.0%} → {zh_what}")
            en.append(f"expenses {shown} > {rule.threshold:.0%} of budget → {en_what}")

    if plan.must_sign and facts.signed is not True and bonus + commission > 0:
        if facts.signed is False:
            forfeit = True
            zh.append("军令状未签署 → 取消奖励")
            en.append("commitment not signed → reward forfeited")
        elif signature_unknown == "withhold":
            forfeit = True
            zh.append("签署状态未知 → 暂扣奖励")
            en.append("signature unknown → reward withheld")
        # unknown and paid: the sheet's note says so once, not on every row

    withheld = bonus + commission if forfeit else (bonus if withhold_bonus else 0.0)
    eligible = bonus + commission - withheld
    cap_cut = 0.0
    if plan.cap_amount is not None and eligible > plan.cap_amount:
        cap_cut = to_unit(eligible - plan.cap_amount, unit)
        zh.append(f"奖励封顶 {plan.cap_amount:,.0f}")
        en.append(f"reward capped at {plan.cap_amount:,.0f}")
    places = unit_decimals(unit)
    reward = round(eligible - cap_cut, places)
    penalty = round(penalty, places)
    return Settlement(att, tier, bonus, commission, round(withheld, places), cap_cut, reward, penalty,
                      round(reward - penalty, places), "；".join(zh), "; ".join(en), below_floor)


def plan_commission(plan: Plan, att: float, target: float, tier_att: dict[str, float]) -> float:
    """The plan's commission at ``att``, after the attainment cap and the accelerators."""
    if not plan.bands:
        return 0.0
    starts = [tier_att[b.start] if isinstance(b.start, str) else b.start for b in plan.bands]
    rates = [b.rate for b in plan.bands]
    if plan.mode == "linear":
        def earn(a):
            return curve_payout(a, starts, rates, plan.target_incentive)
    elif plan.mode == "step":
        def earn(a):
            return step_commission(a, target, starts, rates)
    else:
        def earn(a):
            return flat_commission(a, target, starts, rates)
    capped = min(att, plan.cap_attainment) if plan.cap_attainment is not None else att
    return accelerated(earn, capped, [a[0] for a in plan.accelerators], [a[1] for a in plan.accelerators])


def deduction(rule: Deduction, base_amount: float, unit: float) -> tuple[float, str, str]:
    """The amount a penalty rule deducts (``base_amount`` is the shortfall or overspend) and how to say it."""
    if rule.mode == "fixed":
        cut = to_unit(rule.amount, unit)
        return cut, f"扣款 {cut:,.2f}", f"deduct {cut:,.2f}"
    if rule.mode == "rate":
        cut = to_unit(rule.rate * base_amount, unit)
        return cut, f"扣款 {base_amount:,.2f}×{rule.rate:.1%} = {cut:,.2f}", \
            f"deduct {base_amount:,.2f} × {rule.rate:.1%} = {cut:,.2f}"
    return 0.0, "取消奖励", "reward forfeited"


# ---- A simple tier plan from plain numbers: the worksheet function SALESXL_PAYOUT ----

def tier_plan(bonus: Sequence[float | None] = (0.0, 0.0, 0.0), rate: Sequence[float | None] = (0.0, 0.0, 0.0),
              mode: str = "flat", cap: float | None = None, target_incentive: float = 0.0,
              floor: float | None = None, floor_penalty: float = 0.0) -> Plan:
    """The plan a rules sheet with one row per tier would give.

    ``bonus`` and ``rate`` hold the base, challenge and sprint values (blank or 0:
    none). Commission bands start at the rep's own tiers: in ``flat`` and ``step``
    ``rate`` is the commission rate from that tier on; in ``linear`` it is the
    curve's payout at that tier, as a share of ``target_incentive``. ``floor`` is
    the attainment of base under which ``floor_penalty`` is deducted.
    """
    bonuses = {t: float(b) for t, b in zip(TIERS, bonus) if b}
    bands = tuple(Band(t, float(r), 0) for t, r in zip(TIERS, rate) if r)
    floors = (Deduction(float(floor), "fixed", float(floor_penalty or 0.0), 0.0, 0),) if floor is not None else ()
    return Plan(scope="", bonuses=bonuses, mode=mode, bands=bands, target_incentive=float(target_incentive or 0.0),
                cap_amount=cap, floors=floors)


def payout(actual: float, target: float, base: float, challenge: float, sprint: float,
           bonus: Sequence[float | None] = (0.0, 0.0, 0.0), rate: Sequence[float | None] = (0.0, 0.0, 0.0),
           mode: str = "flat", cap: float | None = None, target_incentive: float = 0.0,
           floor: float | None = None, floor_penalty: float = 0.0, unit: float = 0.01) -> float:
    """Net payout of a simple tier plan (:func:`tier_plan`), settled exactly as the close settles a rep.

    Target 100,000, tiers 100/110/120 k, bonuses 500/1,000/2,000, flat rates
    1/2/3 %: an actual of 112,000 reaches challenge and earns 1,000 + 112,000 × 2 % = 3,240.
    """
    plan = tier_plan(bonus, rate, mode, cap, target_incentive, floor, floor_penalty)
    return settle(plan, RepFacts(target, base, challenge, sprint, actual), unit=unit).net
