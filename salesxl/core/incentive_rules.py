"""Incentive rules 激励规则: the "game rules" on the sheet, read into one plan per scope.

The ``激励规则 Incentive Rules`` sheet holds the month-end rules, so reward and
penalty are visible and the same for everyone they apply to. Each row is one
rule of one kind (tier bonus, commission band or curve point, accelerator, cap,
floor penalty, expense condition, product-mix condition, must-be-signed); the
rows sharing an ``适用范围 Applies to`` value form one :class:`Plan`. A rep
follows one plan: the rows naming the rep, else their region, else the blank
ones (:func:`plan_for`).

Each rule kind has its own small reader (:data:`RULE_READERS`), which checks
that its row has what the rule needs and adds it to the scope's draft; a rule
that cannot be applied is a located problem, never a guess. How a plan pays is
:mod:`salesxl.core.payout`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from ..problems import Problem, problem

COMMISSION_MODES = ("flat", "step", "linear")
DEDUCTION_MODES = ("fixed", "rate", "forfeit")
MIX_MODES = ("withhold_bonus", "forfeit")
SHEET = "incentive_rules"


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
class Accelerator:
    """Above ``threshold`` (an attainment), commission earned is multiplied by ``factor``."""

    threshold: float
    factor: float
    row: int | None = None


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
        accelerators: the accelerators, by rising threshold.
        cap_amount: the most a rep's reward can be; None for no cap.
        cap_attainment: commission is paid up to this attainment; None for no limit.
        floors, expenses: penalty rules; mixes: product-mix conditions.
        must_sign: the reward needs a signed commitment 军令状.
        rows: where each single-valued rule is on the sheet, for the pay lines: ``bonus:<tier>``,
            ``cap_amount``, ``cap_attainment``, ``signed`` -> Excel row.
    """

    scope: str
    bonuses: dict[str, float] = field(default_factory=dict)
    mode: str = "flat"
    bands: tuple[Band, ...] = ()
    target_incentive: float = 0.0
    accelerators: tuple[Accelerator, ...] = ()
    cap_amount: float | None = None
    cap_attainment: float | None = None
    floors: tuple[Deduction, ...] = ()
    mixes: tuple[MixCondition, ...] = ()
    expenses: tuple[Deduction, ...] = ()
    must_sign: bool = False
    rows: dict[str, int] = field(default_factory=dict)


Bad = Callable[[int, str, str, str, str], None]
"""Records a located problem: ``bad(row, column, code, message_zh, message_en)``."""


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


@dataclass
class Draft:
    """One scope's rules as its rows are read, before they are checked as a whole and become a :class:`Plan`.

    Attributes:
        modes: commission mode -> the first row using it; incentives: target incentive -> its first row.
        The others as in :class:`Plan`.
    """

    bonuses: dict[str, float] = field(default_factory=dict)
    bands: list[Band] = field(default_factory=list)
    modes: dict[str, int] = field(default_factory=dict)
    incentives: dict[float, int] = field(default_factory=dict)
    accelerators: list[Accelerator] = field(default_factory=list)
    floors: list[Deduction] = field(default_factory=list)
    mixes: list[MixCondition] = field(default_factory=list)
    expenses: list[Deduction] = field(default_factory=list)
    cap_amount: float | None = None
    cap_attainment: float | None = None
    must_sign: bool = False
    rows: dict[str, int] = field(default_factory=dict)


def plan_of(scope: str, rows: pd.DataFrame, bad: Bad) -> Plan:
    """One scope's rows as a plan: each row read by its kind's reader, then the scope checked as a whole."""
    draft = Draft()
    for row, r in rows.iterrows():
        r = {k: (None if (v is None or (not isinstance(v, str) and pd.isna(v))) else v) for k, v in r.items()}
        reader = RULE_READERS.get(r["rule"])
        if reader is not None:
            reader(draft, row, r, bad)
    return finished(scope, draft, bad)


def given(bad: Bad, row, r: dict, column: str, what_zh: str, what_en: str) -> bool:
    """Whether the rule's row fills ``column``; if not, say the rule needs it."""
    if r[column] is None or (isinstance(r[column], float) and math.isnan(r[column])):
        bad(row, column, "rule-needs-value", f"“{what_zh}”规则需要填写此列", f"a {what_en} rule needs this column")
        return False
    return True


def read_bonus(draft: Draft, row, r: dict, bad: Bad) -> None:
    """A tier's bonus: a tier and an amount, once per tier."""
    if given(bad, row, r, "tier", "档位奖金", "tier bonus") and given(bad, row, r, "amount", "档位奖金", "tier bonus"):
        if r["tier"] in draft.bonuses:
            bad(row, "tier", "duplicate-rule", "同一范围内该档位奖金重复", "this tier's bonus is given twice for the scope")
        draft.bonuses[r["tier"]] = float(r["amount"])
        draft.rows[f"bonus:{r['tier']}"] = int(row)


def read_commission(draft: Draft, row, r: dict, bad: Bad) -> None:
    """A commission band (flat, step: from a tier or a threshold, at a rate) or a curve point (linear)."""
    mode = r["mode"] or "flat"
    if mode not in COMMISSION_MODES:
        bad(row, "mode", "wrong-mode", "提成方式须为 整体 flat / 分段 step / 曲线 linear",
            "a commission's mode must be flat, step or linear")
        return
    draft.modes.setdefault(mode, row)
    if not given(bad, row, r, "rate", "提成", "commission"):
        return
    if mode == "linear":
        if not given(bad, row, r, "threshold", "曲线提成", "linear commission") or \
                not given(bad, row, r, "amount", "曲线提成（目标奖金）", "linear commission (target incentive)"):
            return
        draft.incentives.setdefault(float(r["amount"]), row)
        draft.bands.append(Band(float(r["threshold"]), float(r["rate"]), int(row)))
    elif (r["tier"] is None) == (r["threshold"] is None):
        bad(row, "threshold", "band-start", "提成段须填“档位”或“门槛”其中一项",
            "a commission band starts at a tier or at a threshold: fill exactly one")
    else:
        draft.bands.append(Band(r["tier"] if r["tier"] is not None else float(r["threshold"]), float(r["rate"]),
                                int(row)))


def read_accelerator(draft: Draft, row, r: dict, bad: Bad) -> None:
    """Above a threshold, commission earned is multiplied by a factor."""
    if given(bad, row, r, "threshold", "加速", "accelerator") and given(bad, row, r, "factor", "加速", "accelerator"):
        draft.accelerators.append(Accelerator(float(r["threshold"]), float(r["factor"]), int(row)))


def read_cap(draft: Draft, row, r: dict, bad: Bad) -> None:
    """A cap on the reward (an amount), on the attainment commission is paid on (a threshold), or both."""
    if r["amount"] is None and r["threshold"] is None:
        bad(row, "amount", "rule-needs-value", "封顶规则须填“金额”或“门槛”", "a cap needs an amount or a threshold")
    if r["amount"] is not None:
        amount = float(r["amount"])
        if draft.cap_amount is None or amount < draft.cap_amount:  # two caps: the lower one holds
            draft.cap_amount, draft.rows["cap_amount"] = amount, int(row)
    if r["threshold"] is not None:
        t = float(r["threshold"])
        if draft.cap_attainment is None or t < draft.cap_attainment:
            draft.cap_attainment, draft.rows["cap_attainment"] = t, int(row)


def read_deduction(kind: str, draft: Draft, row, r: dict, bad: Bad) -> None:
    """A floor (below a threshold of base) or an expense condition (over a threshold of budget)."""
    mode = r["mode"]
    what_zh, what_en = ("处罚线", "floor") if kind == "floor" else ("费用条件", "expense")
    if kind == "floor" and not given(bad, row, r, "threshold", what_zh, what_en):
        return
    if mode not in DEDUCTION_MODES:
        bad(row, "mode", "wrong-mode", f"“{what_zh}”的方式须为 固定扣款 fixed / 比例扣款 rate / 取消奖励 forfeit",
            f"a {what_en} rule's mode must be fixed, rate or forfeit")
        return
    if mode == "fixed" and not given(bad, row, r, "amount", what_zh, what_en):
        return
    if mode == "rate" and not given(bad, row, r, "rate", what_zh, what_en):
        return
    threshold = float(r["threshold"]) if r["threshold"] is not None else 1.0
    rule = Deduction(threshold, mode, float(r["amount"] or 0.0), float(r["rate"] or 0.0), int(row))
    (draft.floors if kind == "floor" else draft.expenses).append(rule)


def read_floor(draft: Draft, row, r: dict, bad: Bad) -> None:
    read_deduction("floor", draft, row, r, bad)


def read_expense(draft: Draft, row, r: dict, bad: Bad) -> None:
    read_deduction("expense", draft, row, r, bad)


def read_mix(draft: Draft, row, r: dict, bad: Bad) -> None:
    """A product-mix condition: the rep's target of a role reached to a threshold."""
    mode = r["mode"] or "withhold_bonus"
    if mode not in MIX_MODES:
        bad(row, "mode", "wrong-mode", "结构条件的方式须为 扣发档位奖金 withhold_bonus 或 取消奖励 forfeit",
            "a mix condition's mode must be withhold_bonus or forfeit")
        return
    if given(bad, row, r, "role", "结构条件", "mix") and given(bad, row, r, "threshold", "结构条件", "mix"):
        draft.mixes.append(MixCondition(r["role"], float(r["threshold"]), mode, int(row)))


def read_signed(draft: Draft, row, r: dict, bad: Bad) -> None:
    """The reward needs a signed commitment 军令状."""
    draft.must_sign = True
    draft.rows.setdefault("signed", int(row))


RULE_READERS: dict[str, Callable[[Draft, int, dict, Bad], None]] = {
    "bonus": read_bonus,
    "commission": read_commission,
    "accelerator": read_accelerator,
    "cap": read_cap,
    "floor": read_floor,
    "expense": read_expense,
    "mix": read_mix,
    "signed": read_signed,
}
"""The reader of each rule kind (the sheet's ``规则 Rule`` column)."""


def finished(scope: str, draft: Draft, bad: Bad) -> Plan:
    """The scope's plan, once its rows agree with each other: one commission mode, one target incentive,
    no two bands starting at the same point."""
    if len(draft.modes) > 1:
        first, *others = sorted(draft.modes.values())
        for row in others:
            bad(row, "mode", "mixed-modes", "同一范围内的提成须用同一种方式", "commission rows of one scope must share one mode")
    if len(draft.incentives) > 1:
        for row in sorted(draft.incentives.values())[1:]:
            bad(row, "amount", "mixed-target-incentive", "同一曲线的目标奖金须相同",
                "every point of one curve must give the same target incentive")
    seen: dict[object, int] = {}
    for band in draft.bands:
        if band.start in seen:
            bad(band.row, "threshold" if isinstance(band.start, float) else "tier", "duplicate-rule",
                f"提成段起点与第{seen[band.start]}行相同", f"this band starts where row {seen[band.start]}'s does")
        seen.setdefault(band.start, band.row)
    return Plan(scope=scope, bonuses=draft.bonuses, mode=next(iter(draft.modes), "flat"), bands=tuple(draft.bands),
                target_incentive=next(iter(draft.incentives), 0.0),
                accelerators=tuple(sorted(draft.accelerators, key=lambda a: a.threshold)),
                cap_amount=draft.cap_amount, cap_attainment=draft.cap_attainment, floors=tuple(draft.floors),
                mixes=tuple(draft.mixes), expenses=tuple(draft.expenses), must_sign=draft.must_sign,
                rows=draft.rows)


def plan_for(plans: dict[str, Plan], rep_id: str, region: str) -> Plan:
    """The most specific plan for a rep: their own, their region's, everyone's, or no rules at all."""
    for scope in (rep_id, region, ""):
        if scope in plans:
            return plans[scope]
    return Plan(scope="")
