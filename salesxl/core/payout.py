"""Payout 奖金结算: how one rep is paid under one set of rules, line by line, and the numbers behind it.

How one rep is paid, in order; each rule applied is one :class:`PayLine` on the performance sheet:

1. **Tier**: the highest of base 基础 / challenge 挑战 / sprint 冲刺 whose *issued amount* the actual
   reaches, to the cent (192,649.80 does not reach 192,650, though it shows as 110.0 %). A rep without a
   target is not settled at all (:func:`unsettled`).
2. **Tier bonus**: the bonus of the highest tier reached that has a bonus row (not cumulative; a tier
   reached without a row pays the one below's).
3. **Commission**, one mode per set of rules: ``flat`` — the whole actual at the rate of the highest band
   reached; ``step`` — each band at its own rate (like tax brackets), a band running from its start to the
   next band's; ``linear`` — a pay curve of points (attainment, % of target incentive), interpolated,
   nothing below the first point, the last point's payout above the last. A band starts at a tier's issued
   amount or at a threshold × the target (to the cent); a cap's attainment ends the sales paid on.
4. **Accelerators**: above an accelerator's threshold (× the target, to the cent), the commission earned
   beyond it, up to the next accelerator's threshold, earns factor − 1 more (factors do not compound).
   Commission lines are split at the thresholds, so an accelerator's base is the lines above it.
5. **Withholding**: a product-mix condition not met (role's actual < its target × the threshold, to the cent)
   withholds the tier bonus (or the whole reward, mode ``forfeit``); a floor, expense or signature rule in
   mode ``forfeit`` withholds the whole reward. A reward is withheld once: a later forfeit's line shows 0.
6. **Cap**: the reward left after withholding is at most the cap amount.
7. **Penalties** add up: below each floor (the base × its threshold, strictly) a fixed amount or a rate
   of the shortfall to base; over each expense threshold a fixed amount or a rate of the overspend.

Each line is rounded to the payout unit; each part (bonus, commission, withheld, cap cut, penalty) is the
sum of its lines and the net payout the sum of them all, so the sheet alone recomputes it. Which rules a rep
follows is :mod:`salesxl.core.incentive_rules`' business; the month's totals :mod:`salesxl.core.performance`'s.

The plain-number functions at the top and :func:`payout` (a simple tier plan, settled by :func:`settle`)
back the worksheet functions ``SALESXL_ATTAINMENT``, ``SALESXL_TIER`` and ``SALESXL_PAYOUT``.
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


# ---- One rep's settlement, line by line ----

CENT = 0.005
"""An amount within half a cent of a threshold amount reaches it (amounts are compared to the cent)."""

TIER_NAME = {c.key: (c.zh, c.key) for c in terms.TIERS}
"""A tier as a pay line names it: ``("挑战", "challenge")``."""
NEXT_TIER = {"none": "base", "base": "challenge", "challenge": "sprint", "sprint": None}


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


SIGN = {"bonus": 1, "commission": 1, "withheld": -1, "cap_cut": -1, "penalty": -1, "": 0}
"""The parts of a rep's pay, in pay order, and the sign a line's amount has in each ("": a line that says a fact)."""
PARTS = tuple(SIGN)[:-1]


@dataclass(frozen=True)
class PayLine:
    """One rule applied to one rep: a line of the Performance sheet's pay lines.

    Attributes:
        part: the part of the pay it adds to (:data:`PARTS`), or ``""`` for a line that pays nothing and says
            why (no target, a hire date, a cap on the commission's attainment).
        rule: the rule kind (``bonus``, ``commission``, ``accelerator``, ``mix``, ``floor``, ``expense``,
            ``signed``, ``cap``), or ``target`` / ``hire`` for a fact.
        row: the rule's row on the Incentive Rules sheet, None for a fact.
        zh, en: the line in words, with the threshold amounts it was measured against.
        start, end: the sales a commission line pays on run from ``start`` to ``end`` (amounts).
        base: what ``rate`` applies to (a band's sales, an accelerator's commission above its threshold,
            a shortfall to base, an overspend); for a withholding or a cap, what was at stake.
        rate: the rate (for an accelerator, its factor − 1); None when the amount is fixed.
        amount: what the line adds to the net pay: positive for bonus and commission, negative for
            withheld, cap cut and penalty. A line with a rate pays ``base × rate`` rounded to the payout unit.
    """

    part: str
    rule: str
    row: int | None
    zh: str
    en: str
    start: float | None = None
    end: float | None = None
    base: float | None = None
    rate: float | None = None
    amount: float = 0.0


@dataclass(frozen=True)
class Settlement:
    """A rep's reward and penalty, part by part, with the lines that make them and the reasons in both languages.

    Each part is the sum of its lines; ``net`` is the sum of every line's amount.
    ``next_tier`` (None at sprint), ``next_at`` and ``short_by`` say how far the next tier was.
    """

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
    lines: tuple[PayLine, ...] = ()
    next_tier: str | None = None
    next_at: float | None = None
    short_by: float | None = None


def money(amount: float) -> str:
    """An amount as the sheet says it: ``192,650`` or ``192,649.80``."""
    return f"{amount:,.0f}" if abs(amount - round(amount)) < 0.005 else f"{amount:,.2f}"


def cents(amount: float) -> float:
    return round(amount + 0.0, 2)


def reaches_amount(amount: float, threshold: float) -> bool:
    """``amount ≥ threshold`` to the cent: 192,649.80 does not reach 192,650."""
    return amount >= threshold - CENT


def tier_of(facts: RepFacts) -> str:
    """The highest tier whose issued amount the actual reaches (the amounts, not the rounded percentages)."""
    for tier in ("sprint", "challenge", "base"):
        if reaches_amount(facts.actual, getattr(facts, tier)):
            return tier
    return "none"


def settle(plan: Plan, facts: RepFacts, unit: float = 0.01, signature_unknown: str = "pay") -> Settlement:
    """Apply one plan to one rep, line by line (see the module docstring for the order)."""
    att = attainment(facts.actual, facts.target)
    if att is None:
        return unsettled(plan, facts, unit)
    tier = tier_of(facts)
    following = NEXT_TIER[tier]
    next_at = getattr(facts, following) if following else None
    short_by = cents(next_at - facts.actual) if following else None
    zh = [f"{TIER_ZH[tier]} {att:.1%}"]
    en = [f"{TIER_EN[tier]} {att:.1%}"]
    if following:
        zh.append(f"距{TIER_NAME[following][0]} {money(next_at)} 差 {money(short_by)}")
        en.append(f"{following} at {money(next_at)}: short by {money(short_by)}")

    lines = bonus_lines(plan, tier, facts, unit, zh, en)
    lines += commission_lines(plan, facts, att, unit, zh, en)
    bonus = sum(line.amount for line in lines if line.part == "bonus")
    commission = sum(line.amount for line in lines if line.part == "commission")
    withholding, penalties, below_floor = condition_lines(plan, facts, bonus, commission, unit, signature_unknown,
                                                          zh, en)
    lines += withholding
    eligible = round(bonus + commission + sum(line.amount for line in withholding), 6)
    if plan.cap_amount is not None and eligible > plan.cap_amount + CENT:
        cut = to_unit(eligible - plan.cap_amount, unit)
        lines.append(PayLine("cap_cut", "cap", plan.rows.get("cap_amount"),
                             f"奖励封顶 {money(plan.cap_amount)}：奖励 {money(eligible)} 超出 {money(cut)}",
                             f"reward capped at {money(plan.cap_amount)}: {money(eligible)} is {money(cut)} over",
                             base=eligible, amount=-cut))
        zh.append(f"奖励封顶 {plan.cap_amount:,.0f}")
        en.append(f"reward capped at {plan.cap_amount:,.0f}")
    lines += penalties
    return settled(att, tier, lines, unit, "；".join(zh), "; ".join(en), below_floor, following, next_at, short_by)


def settled(att, tier, lines, unit, reason_zh, reason_en, below_floor=False, following=None, next_at=None,
            short_by=None) -> Settlement:
    """The settlement whose parts are the sums of its lines."""
    places = unit_decimals(unit)
    part = {p: round(sum(SIGN[p] * line.amount for line in lines if line.part == p) + 0.0, places) for p in PARTS}
    reward = round(part["bonus"] + part["commission"] - part["withheld"] - part["cap_cut"], places)
    return Settlement(att, tier, part["bonus"], part["commission"], part["withheld"], part["cap_cut"], reward,
                      part["penalty"], round(reward - part["penalty"], places), reason_zh, reason_en, below_floor,
                      tuple(lines), following, next_at, short_by)


def unsettled(plan: Plan, facts: RepFacts, unit: float) -> Settlement:
    """A rep without a target is not settled: every rule is measured against the target the rep signed.

    Not even a commission band from the first yuan is paid; the line says what it would have been, so the
    manager can decide outside the rules (or issue a target and close again).
    """
    zh, en = "无目标：不结算", "no target: not settled"
    first_yuan = [b for b in plan.bands if not isinstance(b.start, str) and b.start <= 0 and plan.mode != "linear"]
    if first_yuan and facts.actual > 0:
        band = max(first_yuan, key=lambda b: b.rate)
        would = to_unit(facts.actual * band.rate, unit)
        zh += f"，从第一元起的提成 {money(facts.actual)} × {band.rate:.1%} = {money(would)} 未发"
        en += f"; the commission from the first yuan, {money(facts.actual)} × {band.rate:.1%} = {money(would)}, " \
              "is not paid"
    line = PayLine("", "target", None, zh, en)
    return settled(None, "none", [line], unit, zh, en)


def bonus_tier(plan: Plan, tier: str) -> str | None:
    """Whose bonus a rep at ``tier`` is paid: the highest tier reached that has a bonus row (None: no bonus)."""
    reached = TIERS[:TIERS.index(tier) + 1] if tier != "none" else ()
    return next((t for t in reversed(reached) if t in plan.bonuses), None)


def bonus_lines(plan: Plan, tier: str, facts: RepFacts, unit: float, zh: list, en: list) -> list[PayLine]:
    """The tier bonus: the highest tier reached that has a bonus row (a tier without one pays the one below's)."""
    paying = bonus_tier(plan, tier)
    if paying is None:
        return []
    amount = to_unit(plan.bonuses[paying], unit)
    name_zh, name_en = TIER_NAME[paying]
    line_zh = f"档位奖金：{name_zh} {money(getattr(facts, paying))} 已达到"
    line_en = f"tier bonus: {name_en} at {money(getattr(facts, paying))} reached"
    if paying != tier:
        line_zh = f"档位奖金：{TIER_NAME[tier][0]}档没有奖金行，按{name_zh}档"
        line_en = f"tier bonus: no {tier} bonus row, the {name_en} bonus is paid"
        zh.append(f"{TIER_NAME[tier][0]}档无奖金行，按{name_zh}档奖金")
        en.append(f"no {tier} bonus row: {name_en} bonus paid")
    return [PayLine("bonus", "bonus", plan.rows.get(f"bonus:{paying}"), line_zh, line_en, amount=amount)]


def commission_lines(plan: Plan, facts: RepFacts, att: float, unit: float, zh: list, en: list) -> list[PayLine]:
    """The commission as lines: each band's sales at its rate (split at the accelerators' thresholds), then
    each accelerator's extra on the commission earned above its threshold."""
    if not plan.bands:
        return []
    target = facts.target
    paid_att = att if plan.cap_attainment is None else min(att, plan.cap_attainment)
    paid = facts.actual if paid_att == att else cents(plan.cap_attainment * target)
    lines = []
    if paid_att < att - EPS:
        lines.append(PayLine("", "cap", plan.rows.get("cap_attainment"),
                             f"提成按 {plan.cap_attainment:.0%} 封顶：只计到 {money(paid)}",
                             f"commission capped at {plan.cap_attainment:.0%}: paid up to {money(paid)}"))
        zh.append(f"提成按 {plan.cap_attainment:.0%} 封顶")
        en.append(f"commission capped at {plan.cap_attainment:.0%}")
    accelerators = [(cents(a.threshold * target), a) for a in plan.accelerators  # above its amount, to the cent
                    if paid > cents(a.threshold * target) + CENT]
    cuts = [amount for amount, _ in accelerators]
    if plan.mode == "linear":
        lines += curve_lines(plan, facts, paid_att, paid, cuts, unit)
    elif plan.mode == "step":
        lines += band_lines(plan, facts, paid, cuts, unit)
    else:
        lines += flat_lines(plan, facts, paid, unit)
    for k, (start, acc) in enumerate(accelerators):
        end = accelerators[k + 1][0] if k + 1 < len(accelerators) else paid
        if plan.mode == "flat":
            base = cents(flat_earned(plan, facts, end) - flat_earned(plan, facts, start))
        else:
            base = round(sum(line.amount for line in lines if line.part == "commission"
                             and line.start >= start - CENT and line.end <= end + CENT), 6)
        extra = to_unit(base * (acc.factor - 1), unit)
        lines.append(PayLine("commission", "accelerator", acc.row,
                             f"加速 ×{acc.factor:g}：{acc.threshold:.0%} = {money(start)} 以上的提成 {money(base)} "
                             f"再加 {acc.factor - 1:.0%}",
                             f"accelerator ×{acc.factor:g}: the {money(base)} earned above {acc.threshold:.0%} = "
                             f"{money(start)} earns {acc.factor - 1:.0%} more",
                             start=start, end=end, base=base, rate=acc.factor - 1, amount=extra))
    if accelerators:
        top = accelerators[-1][1]
        zh.append(f"加速 ×{top.factor:g}（{top.threshold:.0%} 以上）")
        en.append(f"accelerated ×{top.factor:g} above {top.threshold:.0%}")
    return lines


def band_start(band: Band, facts: RepFacts) -> float:
    """Where a band starts, in sales: its tier's issued amount, or its threshold × the target to the cent."""
    return getattr(facts, band.start) if isinstance(band.start, str) else cents(band.start * facts.target)


def band_words(band: Band) -> tuple[str, str]:
    if isinstance(band.start, str):
        return f"{TIER_NAME[band.start][0]}起", f"from {TIER_NAME[band.start][1]}"
    return f"{band.start:.0%}起", f"from {band.start:.0%}"


def band_lines(plan: Plan, facts: RepFacts, paid: float, cuts: list[float], unit: float) -> list[PayLine]:
    """Step commission: each band's sales, from its start to the next band's (or to the sales paid), at its rate."""
    bands = sorted(((band_start(b, facts), b.rate, b) for b in plan.bands), key=lambda x: x[:2])
    lines = []
    for i, (start, rate, band) in enumerate(bands):
        end = min(bands[i + 1][0] if i + 1 < len(bands) else math.inf, paid)
        if end <= start + CENT or rate == 0:
            continue
        points = [start, *(c for c in cuts if start + CENT < c < end - CENT), end]
        words_zh, words_en = band_words(band)
        for low, high in zip(points, points[1:]):
            base = cents(high - low)
            lines.append(PayLine("commission", "commission", band.row,
                                 f"分段提成（{words_zh}）：{money(low)} 至 {money(high)} 的 {money(base)} × {rate:.2%}",
                                 f"step commission ({words_en}): {money(base)} from {money(low)} to {money(high)} "
                                 f"× {rate:.2%}",
                                 start=low, end=high, base=base, rate=rate, amount=to_unit(base * rate, unit)))
    return lines


def flat_band(plan: Plan, facts: RepFacts, sales: float) -> Band | None:
    """The highest band ``sales`` reaches (flat commission pays all of it at that band's rate)."""
    reached = [(band_start(b, facts), b.rate, b) for b in plan.bands if reaches_amount(sales, band_start(b, facts))]
    return max(reached, key=lambda x: x[:2])[2] if reached and sales > 0 else None


def flat_earned(plan: Plan, facts: RepFacts, sales: float) -> float:
    return sales * band.rate if (band := flat_band(plan, facts, sales)) else 0.0


def flat_lines(plan: Plan, facts: RepFacts, paid: float, unit: float) -> list[PayLine]:
    band = flat_band(plan, facts, paid)
    if band is None or band.rate == 0:
        return []
    words_zh, words_en = band_words(band)
    return [PayLine("commission", "commission", band.row,
                    f"整体提成（{words_zh} {money(band_start(band, facts))}）：全部 {money(paid)} × {band.rate:.2%}",
                    f"flat commission ({words_en} at {money(band_start(band, facts))}): all {money(paid)} "
                    f"× {band.rate:.2%}", start=0.0, end=paid, base=paid, rate=band.rate,
                    amount=to_unit(paid * band.rate, unit))]


def curve_lines(plan: Plan, facts: RepFacts, paid_att: float, paid: float, cuts: list[float],
                unit: float) -> list[PayLine]:
    """A pay curve: the target incentive × the curve's % at the attainment paid, split at the accelerators."""
    xs = [getattr(facts, b.start) / facts.target if isinstance(b.start, str) else b.start for b in plan.bands]
    ys = [b.rate for b in plan.bands]
    row = min(b.row for b in plan.bands)
    incentive = plan.target_incentive
    points = [(0.0, 0.0), *((c / facts.target, c) for c in cuts), (paid_att, paid)]
    lines = []
    for (low_att, low), (high_att, high) in zip(points, points[1:]):
        share = curve_payout(high_att, xs, ys, 1.0) - curve_payout(low_att, xs, ys, 1.0)
        if share == 0:
            continue
        span_zh = f"达成 {high_att:.1%}" if low_att == 0 else f"达成 {low_att:.1%} 至 {high_att:.1%} 之间"
        span_en = f"at {high_att:.1%} attainment" if low_att == 0 else f"from {low_att:.1%} to {high_att:.1%}"
        lines.append(PayLine("commission", "commission", row,
                             f"曲线提成：{span_zh}，目标奖金 {money(incentive)} × {share:.2%}",
                             f"pay curve {span_en}: target incentive {money(incentive)} × {share:.2%}",
                             start=low, end=high, base=incentive, rate=share, amount=to_unit(incentive * share, unit)))
    return lines


def condition_lines(plan: Plan, facts: RepFacts, bonus: float, commission: float, unit: float,
                    signature_unknown: str, zh: list, en: list) -> tuple[list[PayLine], list[PayLine], bool]:
    """The conditions, as withholding lines (in the order mix, floor, expense, signature; the first to take the
    reward takes it all, the others say so at 0) and penalty lines (floors and expenses: they all add)."""
    stake = {"bonus": bonus, "commission": commission}
    withheld: list[PayLine] = []
    penalties: list[PayLine] = []

    def withhold(rule: str, row, whole: bool, what_zh: str, what_en: str) -> None:
        earned = bonus + commission if whole else bonus
        if earned <= 0:
            return  # a condition that can take nothing away is not worth a line
        taken = stake["bonus"] + (stake["commission"] if whole else 0.0)
        stake["bonus"] = 0.0
        if whole:
            stake["commission"] = 0.0
        done_zh, done_en = ("（已扣发）", " (already withheld)") if taken == 0 else ("", "")
        withheld.append(PayLine("withheld", rule, row, what_zh + done_zh, what_en + done_en, base=earned,
                                amount=-round(taken, 6)))

    for mix in plan.mixes:
        role_target, role_actual = facts.roles.get(mix.role, (0.0, 0.0))
        role_att = attainment(role_actual, role_target)
        needed = cents(role_target * mix.threshold)  # met on the amount, to the cent, as the line says it
        if role_att is None or reaches_amount(role_actual, needed):
            continue
        whole = mix.mode == "forfeit"
        what_zh, what_en = ("取消奖励", "reward forfeited") if whole else ("扣发档位奖金", "tier bonus withheld")
        if (bonus + commission if whole else bonus) > 0:
            zh.append(f"{ROLE_ZH[mix.role]} {role_att:.1%} < {mix.threshold:.0%} → {what_zh}")
            en.append(f"{mix.role} {role_att:.1%} < {mix.threshold:.0%} → {what_en}")
        withhold("mix", mix.row, whole,
                 f"结构条件：{ROLE_ZH[mix.role]} {money(role_actual)} < 目标 {money(role_target)} × {mix.threshold:.0%} = "
                 f"{money(needed)} → {what_zh}",
                 f"mix: {mix.role} {money(role_actual)} < {money(role_target)} × {mix.threshold:.0%} = "
                 f"{money(needed)} → {what_en}", )

    def deduct(kind: str, rule: Deduction, share: str, said_zh: str, said_en: str, base: float, words: tuple):
        cut, zh_what, en_what = deduction(rule, base, unit)
        zh.append(f"{words[0]} {share} < {rule.threshold:.0%} → {zh_what}" if kind == "floor" else
                  f"费用 {share} > 预算的{rule.threshold:.0%} → {zh_what}")
        en.append(f"below floor {share} of base < {rule.threshold:.0%} → {en_what}" if kind == "floor" else
                  f"expenses {share} > {rule.threshold:.0%} of budget → {en_what}")
        if rule.mode == "forfeit":
            withhold(kind, rule.row, True, f"{said_zh} → 取消奖励", f"{said_en} → reward forfeited")
        elif rule.mode == "rate":
            penalties.append(PayLine("penalty", kind, rule.row, f"{said_zh} → 扣{words[1]} {money(base)} × {rule.rate:.1%}",
                                     f"{said_en} → deduct {rule.rate:.1%} of the {money(base)} {words[2]}", base=base,
                                     rate=rule.rate, amount=-cut))
        else:
            penalties.append(PayLine("penalty", kind, rule.row, f"{said_zh} → 扣款 {money(cut)}",
                                     f"{said_en} → deduct {money(cut)}", amount=-cut))

    below_floor = False
    for floor in plan.floors:
        line_at = cents(facts.base * floor.threshold)
        if facts.base <= 0 or reaches_amount(facts.actual, line_at):
            continue
        below_floor = True
        deduct("floor", floor, f"{facts.actual / facts.base:.1%}",
               f"处罚线：实际 {money(facts.actual)} < 基础 {money(facts.base)} × {floor.threshold:.0%} = {money(line_at)}",
               f"floor: actual {money(facts.actual)} < base {money(facts.base)} × {floor.threshold:.0%} = "
               f"{money(line_at)}", cents(max(facts.base - facts.actual, 0.0)), ("低于处罚线 基础的", "差基础", "short of base"))

    budget, used = facts.expense_budget, facts.expense_used
    for rule in plan.expenses if budget is not None and used is not None else ():
        allowed = cents(rule.threshold * budget)
        if used > allowed + CENT:
            deduct("expense", rule, f"{used / budget:.1%}" if budget > 0 else f"{used:,.2f}",
                   f"费用条件：已用 {money(used)} > 预算 {money(budget)} × {rule.threshold:.0%} = {money(allowed)}",
                   f"expense: used {money(used)} > budget {money(budget)} × {rule.threshold:.0%} = {money(allowed)}",
                   cents(used - allowed), ("", "超支", "overspend"))

    if plan.must_sign and facts.signed is not True and bonus + commission > 0:
        if facts.signed is False:
            zh.append("军令状未签署 → 取消奖励")
            en.append("commitment not signed → reward forfeited")
            withhold("signed", plan.rows.get("signed"), True, "须签署：军令状未签署 → 取消奖励",
                     "must be signed: commitment not signed → reward forfeited")
        elif signature_unknown == "withhold":
            zh.append("签署状态未知 → 暂扣奖励")
            en.append("signature unknown → reward withheld")
            withhold("signed", plan.rows.get("signed"), True, "须签署：签署状态未知 → 暂扣奖励",
                     "must be signed: signature unknown → reward withheld")
        # unknown and paid: the sheet's note says so once, not on every row
    return withheld, penalties, below_floor


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
