"""Month-end close 月末考核: attainment, tiers, reward and penalty under the rules on the sheet.

At the end of the month each rep's actual sales are set against the target as
issued. The "game rules" (游戏规则) live on the ``激励规则 Incentive Rules``
sheet, so reward and penalty are visible and the same for everyone they apply
to. This module applies them; it reads no files.

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
rounded to the payout unit. A rep follows one set of rules: the rows whose
``适用范围 Applies to`` names the rep, else their region, else the blank ones.

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
import pandas as pd

from ..problems import Problem, problem
from .allocation import to_unit, unit_decimals
from .calendar import month_calendar

EPS = 1e-9
"""Attainments this close to a threshold count as reaching it (float noise, not a real shortfall)."""

TIERS = ("base", "challenge", "sprint")
TIER_LABEL = {"none": "未达基础 below base", "base": "基础 base", "challenge": "挑战 challenge",
              "sprint": "冲刺 sprint"}
TIER_ZH = {"none": "未达基础", "base": "基础档", "challenge": "挑战档", "sprint": "冲刺档"}
TIER_EN = {"none": "below base", "base": "reached base", "challenge": "reached challenge",
           "sprint": "reached sprint"}
ROLES = ("flagship", "volume", "profit", "image")
ROLE_ZH = {"flagship": "战斗机型", "volume": "规模型", "profit": "利润型", "image": "形象型"}
COMMISSION_MODES = ("flat", "step", "linear")
DEDUCTION_MODES = ("fixed", "rate", "forfeit")
MIX_MODES = ("withhold_bonus", "forfeit")


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


# ---- The rules on the sheet, read into one plan per scope ----

@dataclass(frozen=True)
class Band:
    """A commission band (flat/step) or curve point (linear).

    Attributes:
        start: the attainment it starts at, or a tier key (the rep's own tier attainment).
        rate: commission rate; for a curve point, the % of target incentive paid.
        row: the rule's Excel row.
    """

    start: float | str
    rate: float
    row: int


@dataclass(frozen=True)
class Deduction:
    """A floor or expense rule: below/over ``threshold``, deduct ``amount`` or ``rate`` or forfeit."""

    threshold: float
    mode: str
    amount: float
    rate: float
    row: int


@dataclass(frozen=True)
class MixCondition:
    """The rep's target of ``role`` must be reached to at least ``threshold``."""

    role: str
    threshold: float
    mode: str
    row: int


@dataclass(frozen=True)
class Plan:
    """One set of rules: the rows sharing an ``Applies to`` value.

    Attributes:
        scope: ``""`` (everyone), a region or a rep ID.
        bonuses: tier -> bonus for reaching it.
        mode: commission mode (``flat``, ``step``, ``linear``).
        bands: commission bands or curve points.
        target_incentive: what a linear curve's percentages are of.
        accelerators: ``(threshold, factor)`` pairs.
        cap_amount: the most a rep's reward can be; None for no cap.
        cap_attainment: commission is paid up to this attainment; None for no limit.
        floors, expenses: penalty rules; mixes: product-mix conditions.
        must_sign: the reward needs a signed commitment 军令状.
    """

    scope: str
    bonuses: dict[str, float] = field(default_factory=dict)
    mode: str = "flat"
    bands: tuple[Band, ...] = ()
    target_incentive: float = 0.0
    accelerators: tuple[tuple[float, float], ...] = ()
    cap_amount: float | None = None
    cap_attainment: float | None = None
    floors: tuple[Deduction, ...] = ()
    mixes: tuple[MixCondition, ...] = ()
    expenses: tuple[Deduction, ...] = ()
    must_sign: bool = False


SHEET = "incentive_rules"


def read_rules(rules: pd.DataFrame, regions: set[str], rep_ids: set[str]) -> tuple[dict[str, Plan], list[Problem]]:
    """Group the rule rows by scope into plans, checking each row has what its rule needs."""
    problems: list[Problem] = []

    def bad(row, column, code, zh, en):
        problems.append(problem(SHEET, int(row), column, code, zh, en))

    plans: dict[str, Plan] = {}
    frame = rules.copy()
    frame["scope"] = frame["scope"].map(lambda s: "" if s is None or pd.isna(s) else str(s).strip())
    for scope, rows in frame.groupby("scope", sort=False):
        if scope and scope not in regions and scope not in rep_ids:
            for row in rows.index:
                bad(row, "scope", "unknown-scope", f"“{scope}”既不是区域也不是业务员编号",
                    f"'{scope}' is neither a region nor a rep ID")
            continue
        plans[scope] = plan_of(scope, rows, bad)
    return plans, problems


def plan_of(scope: str, rows: pd.DataFrame, bad) -> Plan:
    """One scope's rows as a plan; ``bad`` records a located problem."""
    def need(row, r, column, what_zh, what_en):
        if r[column] is None or (isinstance(r[column], float) and math.isnan(r[column])):
            bad(row, column, "rule-needs-value", f"“{what_zh}”规则需要填写此列", f"a {what_en} rule needs this column")
            return False
        return True

    bonuses: dict[str, float] = {}
    bands: list[Band] = []
    modes: dict[str, int] = {}
    incentives: dict[float, int] = {}
    accelerators, floors, mixes, expenses = [], [], [], []
    cap_amount = cap_attainment = None
    must_sign = False
    for row, r in rows.iterrows():
        r = {k: (None if (v is None or (not isinstance(v, str) and pd.isna(v))) else v) for k, v in r.items()}
        kind, mode = r["rule"], r["mode"]
        if kind == "bonus":
            if need(row, r, "tier", "档位奖金", "tier bonus") and need(row, r, "amount", "档位奖金", "tier bonus"):
                if r["tier"] in bonuses:
                    bad(row, "tier", "duplicate-rule", "同一范围内该档位奖金重复", "this tier's bonus is given twice for the scope")
                bonuses[r["tier"]] = float(r["amount"])
        elif kind == "commission":
            mode = mode or "flat"
            if mode not in COMMISSION_MODES:
                bad(row, "mode", "wrong-mode", "提成方式须为 整体 flat / 分段 step / 曲线 linear",
                    "a commission's mode must be flat, step or linear")
                continue
            modes.setdefault(mode, row)
            if not need(row, r, "rate", "提成", "commission"):
                continue
            if mode == "linear":
                if not need(row, r, "threshold", "曲线提成", "linear commission") or \
                        not need(row, r, "amount", "曲线提成（目标奖金）", "linear commission (target incentive)"):
                    continue
                incentives.setdefault(float(r["amount"]), row)
                bands.append(Band(float(r["threshold"]), float(r["rate"]), int(row)))
            elif (r["tier"] is None) == (r["threshold"] is None):
                bad(row, "threshold", "band-start", "提成段须填“档位”或“门槛”其中一项",
                    "a commission band starts at a tier or at a threshold: fill exactly one")
            else:
                bands.append(Band(r["tier"] if r["tier"] is not None else float(r["threshold"]), float(r["rate"]),
                                  int(row)))
        elif kind == "accelerator":
            if need(row, r, "threshold", "加速", "accelerator") and need(row, r, "factor", "加速", "accelerator"):
                accelerators.append((float(r["threshold"]), float(r["factor"])))
        elif kind == "cap":
            if r["amount"] is None and r["threshold"] is None:
                bad(row, "amount", "rule-needs-value", "封顶规则须填“金额”或“门槛”", "a cap needs an amount or a threshold")
            if r["amount"] is not None:
                cap_amount = float(r["amount"]) if cap_amount is None else min(cap_amount, float(r["amount"]))
            if r["threshold"] is not None:
                t = float(r["threshold"])
                cap_attainment = t if cap_attainment is None else min(cap_attainment, t)
        elif kind in ("floor", "expense"):
            what_zh, what_en = ("处罚线", "floor") if kind == "floor" else ("费用条件", "expense")
            if kind == "floor" and not need(row, r, "threshold", what_zh, what_en):
                continue
            if mode not in DEDUCTION_MODES:
                bad(row, "mode", "wrong-mode", f"“{what_zh}”的方式须为 固定扣款 fixed / 比例扣款 rate / 取消奖励 forfeit",
                    f"a {what_en} rule's mode must be fixed, rate or forfeit")
                continue
            if mode == "fixed" and not need(row, r, "amount", what_zh, what_en):
                continue
            if mode == "rate" and not need(row, r, "rate", what_zh, what_en):
                continue
            threshold = float(r["threshold"]) if r["threshold"] is not None else 1.0
            rule = Deduction(threshold, mode, float(r["amount"] or 0.0), float(r["rate"] or 0.0), int(row))
            (floors if kind == "floor" else expenses).append(rule)
        elif kind == "mix":
            mode = mode or "withhold_bonus"
            if mode not in MIX_MODES:
                bad(row, "mode", "wrong-mode", "结构条件的方式须为 扣发档位奖金 withhold_bonus 或 取消奖励 forfeit",
                    "a mix condition's mode must be withhold_bonus or forfeit")
                continue
            if need(row, r, "role", "结构条件", "mix") and need(row, r, "threshold", "结构条件", "mix"):
                mixes.append(MixCondition(r["role"], float(r["threshold"]), mode, int(row)))
        elif kind == "signed":
            must_sign = True
    if len(modes) > 1:
        first, *others = sorted(modes.values())
        for row in others:
            bad(row, "mode", "mixed-modes", "同一范围内的提成须用同一种方式", "commission rows of one scope must share one mode")
    if len(incentives) > 1:
        for row in sorted(incentives.values())[1:]:
            bad(row, "amount", "mixed-target-incentive", "同一曲线的目标奖金须相同",
                "every point of one curve must give the same target incentive")
    seen: dict[object, int] = {}
    for band in bands:
        if band.start in seen:
            bad(band.row, "threshold" if isinstance(band.start, float) else "tier", "duplicate-rule",
                f"提成段起点与第{seen[band.start]}行相同", f"this band starts where row {seen[band.start]}'s does")
        seen.setdefault(band.start, band.row)
    return Plan(scope=scope, bonuses=bonuses, mode=next(iter(modes), "flat"), bands=tuple(bands),
                target_incentive=next(iter(incentives), 0.0), accelerators=tuple(accelerators),
                cap_amount=cap_amount, cap_attainment=cap_attainment, floors=tuple(floors), mixes=tuple(mixes),
                expenses=tuple(expenses), must_sign=must_sign)


def plan_for(plans: dict[str, Plan], rep_id: str, region: str) -> Plan:
    """The most specific plan for a rep: their own, their region's, everyone's, or no rules at all."""
    for scope in (rep_id, region, ""):
        if scope in plans:
            return plans[scope]
    return Plan(scope="")


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


# ---- The whole month: every rep, region, role and core outlet ----

@dataclass(frozen=True)
class MonthEnd:
    """What the close works from, each frame as its sheet reads (indexed by Excel row).

    Attributes:
        rep_targets: issued ``month, rep_id, name, region, target, base, challenge, sprint``.
        rep_sku_targets: issued ``rep_id, sku, role, sku_target``.
        outlet_targets: issued ``outlet_id, rep_id, region, core, outlet_target``.
        core_outlet_sku_targets: issued ``outlet_id, sku, outlet_sku_target``.
        actuals: ``date, rep_id, outlet_id, sku, qty, amount``.
        products: ``sku, role`` (the role of each SKU sold).
        rules: the Incentive Rules sheet.
        outlets: ``outlet_id, name``; regions: ``region``; reps: ``rep_id`` (names a scope may use).
        signatures: ``rep_id, signed`` from the agreement step, or None if it recorded none.
        expenses: ``rep_id, budget, used`` from the expense ledger, or None if there is none.
        calendar: the Calendar sheet's overrides (``date, status, weight``), to know the month's working days.
    """

    rep_targets: pd.DataFrame
    rep_sku_targets: pd.DataFrame
    outlet_targets: pd.DataFrame
    core_outlet_sku_targets: pd.DataFrame
    actuals: pd.DataFrame
    products: pd.DataFrame
    rules: pd.DataFrame
    outlets: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    reps: pd.DataFrame | None = None
    signatures: pd.DataFrame | None = None
    expenses: pd.DataFrame | None = None
    calendar: pd.DataFrame | None = None


@dataclass
class Performance:
    """The month-end result, one frame per block of the performance sheet.

    Attributes:
        month: the month closed.
        reps: one row per rep with a target, ranked by attainment.
        regions: one row per region and a company row.
        roles: one row per product role and a total row.
        core_outlets: one row per core outlet.
        summary: the month-end summary block (item, who, amount, attainment).
        chart: rep label, attainment and the three tier lines, best first.
        rules: the rule rows applied, with how many reps follow each scope.
        notes: bilingual lines the sheet shows under its title.
    """

    month: pd.Period
    reps: pd.DataFrame
    regions: pd.DataFrame
    roles: pd.DataFrame
    core_outlets: pd.DataFrame
    summary: pd.DataFrame
    chart: pd.DataFrame
    rules: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def close_month(books: MonthEnd, settings: dict, month: pd.Period) -> tuple[Performance | None, list[Problem]]:
    """Close ``month``: settle every rep under their rules and total by region, role and core outlet."""
    problems = check_targets(books.rep_targets, month)
    actuals, found = month_actuals(books.actuals, month, set(books.rep_targets["rep_id"].astype(str)))
    problems += found
    regions = set(books.rep_targets["region"].dropna().astype(str))
    if books.regions is not None:
        regions |= set(books.regions["region"].dropna().astype(str))
    rep_ids = set(books.rep_targets["rep_id"].astype(str))
    if books.reps is not None:
        rep_ids |= set(books.reps["rep_id"].dropna().astype(str))
    plans, found = read_rules(books.rules, regions, rep_ids)
    problems += found
    if any(p.severity == "error" for p in problems):
        return None, problems

    unit = float(settings.get("payout_unit") or 0.01)
    unknown_signature = settings.get("signature_unknown") or "pay"
    role_of = dict(zip(books.products["sku"].astype(str), books.products["role"]))
    actuals = actuals.assign(role=actuals["sku"].map(lambda s: role_of.get(str(s)) if s is not None else None))
    notes, found = checkability_notes(books, plans, unknown_signature)
    problems += found
    found = month_not_over(actuals, month, settings.get("country") or "CN", books.calendar)
    problems += found
    notes += [f"{p.message_zh} | {p.message_en}" for p in found]

    reps = settle_reps(books, plans, actuals, unit, unknown_signature)
    performance = Performance(
        month=month, reps=reps,
        regions=region_totals(reps),
        roles=role_totals(books.rep_sku_targets, actuals),
        core_outlets=core_outlet_totals(books, actuals),
        summary=summary_block(reps, int(settings.get("summary_top_n") or 3)),
        chart=chart_data(reps),
        rules=rules_applied(books.rules, plans, reps),
        notes=notes,
    )
    return performance, problems


def check_targets(rep_targets: pd.DataFrame, month: pd.Period) -> list[Problem]:
    """The issued targets exist and are for the month being closed."""
    if rep_targets.empty:
        return [problem("rep_targets", None, None, "no-targets",
                        "没有已下达的业务员目标，请先运行分解 (salesxl breakdown)",
                        "no issued rep targets; run the breakdown first (salesxl breakdown)")]
    problems = []
    wrong = rep_targets[rep_targets["month"] != month]
    for other, rows in wrong.groupby(wrong["month"].astype(str), sort=True):
        problems.append(problem("rep_targets", int(rows.index[0]), "month", "targets-other-month",
                                f"已下达的目标是 {other} 的，不是要考核的 {month}",
                                f"the issued targets are for {other}, not {month} being closed"))
    return problems


def month_actuals(actuals: pd.DataFrame, month: pd.Period, rep_ids: set[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """The actual sales rows of ``month`` by reps who have a target; the rest are said, not counted."""
    problems = []
    in_month = actuals[actuals["date"].dt.to_period("M") == month]
    if in_month.empty:
        return in_month, [problem("actuals", None, None, "no-actuals",
                                  f"没有 {month} 的实际销售，无法月末考核；请先填写“实际销售”",
                                  f"there are no actual sales for {month}, so the month cannot be closed; "
                                  "fill the Actuals sheet first")]
    outside = len(actuals) - len(in_month)
    if outside:
        problems.append(problem("actuals", None, "date", "outside-month",
                                f"{outside} 行不在 {month}，未计入", f"{outside} rows are not in {month} and were not counted",
                                "notice"))
    stray = in_month[~in_month["rep_id"].astype(str).isin(rep_ids)]
    for row, rep in stray["rep_id"].head(20).items():
        problems.append(problem("actuals", int(row), "rep_id", "rep-without-target",
                                f"业务员“{rep}”本月没有下达目标，此行未计入考核",
                                f"rep '{rep}' has no issued target this month; this row is not counted", "warning"))
    if len(stray) > 20:
        problems.append(problem("actuals", None, "rep_id", "rep-without-target",
                                f"另有 {len(stray) - 20} 行的业务员没有目标", f"{len(stray) - 20} more rows are by reps without a target",
                                "warning"))
    return in_month[in_month["rep_id"].astype(str).isin(rep_ids)], problems


def month_not_over(actuals: pd.DataFrame, month: pd.Period, country: str,
                   calendar: pd.DataFrame | None) -> list[Problem]:
    """Closing before the month's last working day is allowed (a preview) but said plainly."""
    days, found = month_calendar(month, country, calendar)
    if found or days.empty:
        return []
    last = actuals["date"].max()
    left = int(((days["date"] > last) & (days["weight"] > 0)).sum())
    if not left:
        return []
    return [problem("actuals", None, "date", "month-not-over",
                    f"实际销售只到 {last:%Y-%m-%d}，本月其后还有 {left} 个工作日：这是截至该日的结果",
                    f"actual sales run only to {last:%Y-%m-%d} and {left} working days of the month follow: "
                    "this is the result so far", "warning")]


def checkability_notes(books: MonthEnd, plans: dict[str, Plan], unknown_signature: str
                       ) -> tuple[list[str], list[Problem]]:
    """Say which rules could not be checked for want of a record (signatures, expense ledger)."""
    notes, problems = [], []
    signing = [p for p in plans.values() if p.must_sign]
    known = set()
    if books.signatures is not None:
        known = set(books.signatures.loc[books.signatures["signed"].notna(), "rep_id"].astype(str))
    if signing and not set(books.rep_targets["rep_id"].astype(str)) <= known:
        row = first_row(books.rules, "signed")
        how_zh, how_en = ("照发", "paid") if unknown_signature == "pay" else ("暂扣", "withheld")
        zh = f"部分或全部业务员没有签署记录：“须签署”规则无法核对，按设置{how_zh}"
        en = f"some or all reps have no signature record: the must-be-signed rule cannot be checked; per Settings {how_en}"
        notes.append(f"{zh} | {en}")
        problems.append(problem("incentive_rules", row, "rule", "not-checkable", zh, en, "notice"))
    if any(p.expenses for p in plans.values()) and books.expenses is None:
        row = first_row(books.rules, "expense")
        zh, en = "没有费用台账：费用条件未核对", "there is no expense ledger: the expense condition was not checked"
        notes.append(f"{zh} | {en}")
        problems.append(problem("incentive_rules", row, "rule", "not-checkable", zh, en, "notice"))
    if not plans:
        zh, en = "没有激励规则：只计算达成，不计奖罚", "there are no incentive rules: attainment only, no reward or penalty"
        notes.append(f"{zh} | {en}")
        problems.append(problem("incentive_rules", None, None, "no-rules", zh, en, "warning"))
    return notes, problems


def first_row(rules: pd.DataFrame, kind: str) -> int | None:
    rows = rules.index[rules["rule"] == kind]
    return int(rows[0]) if len(rows) else None


REP_COLUMNS = ["rep_id", "name", "region", "scope", "target", "base", "challenge", "sprint", "actual", "attainment",
               "tier", *[f"att_{r}" for r in ROLES], "expense_budget", "expense_used", "expense_ratio", "signed",
               "bonus", "commission", "withheld", "cap_cut", "reward", "penalty", "net", "below_floor",
               "rank_region", "rank_company", "reason_zh", "reason_en"]


def settle_reps(books: MonthEnd, plans: dict[str, Plan], actuals: pd.DataFrame, unit: float,
                unknown_signature: str) -> pd.DataFrame:
    """One row per rep with a target: the figures, the settlement and the ranks."""
    actual_by_rep = actuals.groupby(actuals["rep_id"].astype(str))["amount"].sum().to_dict()
    role_actual = actuals.groupby([actuals["rep_id"].astype(str), "role"])["amount"].sum().to_dict()
    skus = books.rep_sku_targets
    role_target = skus.groupby([skus["rep_id"].astype(str), "role"])["sku_target"].sum().to_dict()
    signed = {}
    if books.signatures is not None:
        signed = {str(r): (None if pd.isna(s) else bool(s))
                  for r, s in zip(books.signatures["rep_id"], books.signatures["signed"])}
    expense = {}
    if books.expenses is not None:
        expense = {str(r): (float(b), float(u)) for r, b, u in
                   zip(books.expenses["rep_id"], books.expenses["budget"], books.expenses["used"])}
    rows = []
    for _, t in books.rep_targets.iterrows():
        rep = str(t["rep_id"])
        plan = plan_for(plans, rep, str(t["region"]))
        roles = {r: (float(role_target.get((rep, r), 0.0)), round(float(role_actual.get((rep, r), 0.0)), 2))
                 for r in ROLES}
        budget, used = expense.get(rep, (None, None)) if books.expenses is not None else (None, None)
        if books.expenses is not None and rep not in expense:
            budget, used = 0.0, 0.0
        facts = RepFacts(float(t["target"]), float(t["base"]), float(t["challenge"]), float(t["sprint"]),
                         round(float(actual_by_rep.get(rep, 0.0)), 2), roles, signed.get(rep), budget, used)
        s = settle(plan, facts, unit, unknown_signature)
        rows.append({
            "rep_id": rep, "name": t.get("name"), "region": t["region"], "scope": plan.scope,
            "target": facts.target, "base": facts.base, "challenge": facts.challenge, "sprint": facts.sprint,
            "actual": facts.actual, "attainment": s.attainment, "tier": s.tier,
            **{f"att_{r}": attainment(roles[r][1], roles[r][0]) for r in ROLES},
            "expense_budget": budget, "expense_used": used,
            "expense_ratio": attainment(used, budget) if budget is not None else None,
            "signed": facts.signed, "bonus": s.bonus, "commission": s.commission, "withheld": s.withheld,
            "cap_cut": s.cap_cut, "reward": s.reward, "penalty": s.penalty, "net": s.net,
            "below_floor": s.below_floor, "reason_zh": s.reason_zh, "reason_en": s.reason_en,
        })
    frame = pd.DataFrame(rows, columns=[c for c in REP_COLUMNS if c not in ("rank_region", "rank_company")])
    for column in ["attainment", *[f"att_{r}" for r in ROLES], "expense_budget", "expense_used", "expense_ratio"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    score = frame["attainment"].round(9)
    frame["rank_company"] = score.rank(method="min", ascending=False).astype("Int64")
    frame["rank_region"] = score.groupby(frame["region"]).rank(method="min", ascending=False).astype("Int64")
    order = frame.assign(_missing=frame["rank_company"].isna()).sort_values(
        ["_missing", "rank_company", "rep_id"], kind="stable")
    return order[REP_COLUMNS].reset_index(drop=True)


COMPANY = "全公司 Company"
TOTAL = "合计 Total"


def region_totals(reps: pd.DataFrame) -> pd.DataFrame:
    """Per region and for the company: reps, target, actual, attainment, reps at base or above, payouts."""
    def block(frame: pd.DataFrame, name: str) -> dict:
        target, actual = frame["target"].sum(), frame["actual"].sum()
        return {"region": name, "reps": len(frame), "target": target, "actual": round(actual, 2),
                "attainment": attainment(actual, target), "reps_at_base": int((frame["tier"] != "none").sum()),
                "reward": round(frame["reward"].sum(), 2), "penalty": round(frame["penalty"].sum(), 2),
                "net": round(frame["net"].sum(), 2)}
    rows = [block(group, str(region)) for region, group in reps.groupby("region", sort=True)]
    rows.append(block(reps, COMPANY))
    out = pd.DataFrame(rows)
    out["attainment"] = out["attainment"].astype("float64")
    return out


def role_totals(rep_sku_targets: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """Per product role: issued target, actual and attainment; sales without a SKU on their own row."""
    target = rep_sku_targets.groupby("role")["sku_target"].sum()
    actual = actuals.groupby("role")["amount"].sum()
    rows = [{"role": r, "target": float(target.get(r, 0.0)), "actual": round(float(actual.get(r, 0.0)), 2)}
            for r in ROLES if r in target.index or r in actual.index]
    unassigned = actuals.loc[actuals["role"].isna(), "amount"].sum()
    if actuals["role"].isna().any():
        rows.append({"role": "none", "target": 0.0, "actual": round(float(unassigned), 2)})
    rows.append({"role": "total", "target": float(target.sum()), "actual": round(float(actuals["amount"].sum()), 2)})
    out = pd.DataFrame(rows, columns=["role", "target", "actual"])
    out["attainment"] = [attainment(a, t) for a, t in zip(out["actual"], out["target"])]
    out["attainment"] = out["attainment"].astype("float64")
    return out


def core_outlet_totals(books: MonthEnd, actuals: pd.DataFrame) -> pd.DataFrame:
    """Per core outlet: target, actual, attainment, and how many of its SKU targets were met."""
    columns = ["outlet_id", "name", "rep_id", "region", "target", "actual", "attainment", "skus_targeted",
               "skus_met"]
    outlets = books.outlet_targets[books.outlet_targets["core"].fillna(False).astype(bool)]
    if outlets.empty:
        return pd.DataFrame(columns=columns)
    sold = actuals[actuals["outlet_id"].notna()]
    sold = sold.assign(outlet_id=sold["outlet_id"].astype(str), sku=sold["sku"].astype(str))
    by_outlet = sold.groupby("outlet_id")["amount"].sum()
    by_outlet_sku = sold.groupby(["outlet_id", "sku"])["amount"].sum()
    lines = books.core_outlet_sku_targets
    lines = lines[lines["outlet_sku_target"] > 0]
    lines = pd.DataFrame({"outlet_id": lines["outlet_id"].astype(str).to_numpy(),
                          "sku": lines["sku"].astype(str).to_numpy(),
                          "target": lines["outlet_sku_target"].to_numpy(dtype="float64")})
    keys = pd.MultiIndex.from_arrays([lines["outlet_id"], lines["sku"]])
    lines["met"] = by_outlet_sku.reindex(keys).fillna(0.0).to_numpy() >= lines["target"].to_numpy() - EPS
    counted = lines.groupby("outlet_id").agg(targeted=("sku", "size"), met=("met", "sum"))
    names = {}
    if books.outlets is not None:
        names = dict(zip(books.outlets["outlet_id"].astype(str), books.outlets["name"]))
    ids = outlets["outlet_id"].astype(str)
    out = pd.DataFrame({
        "outlet_id": ids.to_numpy(), "name": ids.map(names).to_numpy(), "rep_id": outlets["rep_id"].to_numpy(),
        "region": outlets["region"].to_numpy(), "target": outlets["outlet_target"].to_numpy(dtype="float64"),
        "actual": ids.map(by_outlet).fillna(0.0).round(2).to_numpy(),
        "skus_targeted": ids.map(counted["targeted"]).fillna(0).astype("int64").to_numpy(),
        "skus_met": ids.map(counted["met"]).fillna(0).astype("int64").to_numpy(),
    })
    out["attainment"] = [attainment(a, t) for a, t in zip(out["actual"], out["target"])]
    out["attainment"] = out["attainment"].astype("float64")
    return out[columns]


def summary_block(reps: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The month on a few lines: total vs target, top and bottom performers, reps under the floor, payouts."""
    target, actual = reps["target"].sum(), round(reps["actual"].sum(), 2)
    rows = [
        ("month_target", "", target, None),
        ("month_actual", "", actual, attainment(actual, target)),
        ("month_gap", "", round(actual - target, 2), None),
    ]
    ranked = reps[reps["attainment"].notna()]
    who = lambda r: f"{r['name']} {r['rep_id']}" if isinstance(r["name"], str) and r["name"] else r["rep_id"]  # noqa: E731
    for i, (_, r) in enumerate(ranked.head(top_n).iterrows(), start=1):
        rows.append((f"top:{i}", who(r), r["actual"], r["attainment"]))
    bottom = ranked.iloc[::-1].head(min(top_n, max(len(ranked) - top_n, 0)))
    for i, (_, r) in enumerate(bottom.iterrows(), start=1):
        rows.append((f"bottom:{i}", who(r), r["actual"], r["attainment"]))
    under = reps[reps["below_floor"]]
    for _, r in under.iterrows():
        rows.append(("under_floor", who(r), r["actual"], r["attainment"]))
    if under.empty:
        rows.append(("under_floor", "", None, None))
    rows += [
        ("rewards", "", round(reps["reward"].sum(), 2), None),
        ("penalties", "", round(reps["penalty"].sum(), 2), None),
        ("net", "", round(reps["net"].sum(), 2), None),
    ]
    out = pd.DataFrame(rows, columns=["item", "who", "amount", "attainment"])
    out["amount"] = out["amount"].astype("float64")
    out["attainment"] = out["attainment"].astype("float64")
    return out


def chart_data(reps: pd.DataFrame) -> pd.DataFrame:
    """Attainment by rep, best first, with each rep's tier lines (tier amount ÷ target)."""
    ranked = reps[reps["attainment"].notna()]
    label = [f"{n} {r}" if isinstance(n, str) and n else r for n, r in zip(ranked["name"], ranked["rep_id"])]
    return pd.DataFrame({
        "rep": label,
        "attainment": ranked["attainment"].to_numpy(),
        "base": (ranked["base"] / ranked["target"]).to_numpy(),
        "challenge": (ranked["challenge"] / ranked["target"]).to_numpy(),
        "sprint": (ranked["sprint"] / ranked["target"]).to_numpy(),
    })


def rules_applied(rules: pd.DataFrame, plans: dict[str, Plan], reps: pd.DataFrame) -> pd.DataFrame:
    """The rule rows as read, with how many reps follow each row's scope."""
    out = rules.copy()
    out["scope"] = out["scope"].map(lambda s: "" if s is None or pd.isna(s) else str(s).strip())
    followers = reps.groupby("scope")["rep_id"].count()
    out["reps"] = out["scope"].map(lambda s: int(followers.get(s, 0))).astype("int64")
    return out.reset_index(drop=True)
