"""The planning maths as plain functions: numbers and lists in, numbers out.

These are the formulas of steps 1–2 with nothing but numbers in their
signatures, so that the same code serves the core (which calls them on the
sheets' rows) and, later, worksheet functions such as ``=SALESXL.MONTHTARGET``
and ``=SALESXL.ALLOCATE``. A missing number is ``None`` (a blank cell).

The month target (the article's "Table 1") blends four factors:

* **B** the annual budget's amount for the month;
* **H** the same month in the last three years, by one of two methods:
  ``average`` — the weighted mean of the available same-month actuals (year
  weights renormalised over the years that exist); ``trend`` — the most recent
  same-month actual grown by ``g_h``, the weighted mean of the available
  year-on-year growth rates (y-1 over y-2 carries y-1's weight, y-2 over y-3
  carries y-2's weight; renormalised);
* **I** last year's same month grown by the industry's annual growth rate;
* **C** last year's same month grown by the benchmark competitor's growth rate.

target = w_B·B + w_H·H + w_I·I + w_C·C, the four weights ≥ 0 and summing to 1.

When last year's month is missing but an older one exists, that older month is
the base and is grown once per year it lies back (y-2 × (1 + r)²): the growth
rates are annual, so this is what they say the month would have become. With
no same-month history at all, H, I and C cannot be formed and their weights
move to B. Every such adjustment is returned as a note for the sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from ..terms import FACTOR_KEYS
from .allocation import allocate as _allocate
from .allocation import to_unit
from .settings import DEFAULT

METHODS = ("trend", "average")
DEFAULT_YEAR_WEIGHTS = (DEFAULT.year_weight_1, DEFAULT.year_weight_2, DEFAULT.year_weight_3)
WEIGHT_TOLERANCE = 1e-9


def is_missing(value) -> bool:
    """A blank cell: ``None`` or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value) -> float | None:
    return None if is_missing(value) else float(value)


def renormalise(weights: Sequence[float], available: Sequence[bool]) -> list[float]:
    """The weights of the available items scaled to sum to 1; the others 0.

    ``renormalise([0.5, 0.3, 0.2], [True, True, False])`` is ``[0.625, 0.375, 0]``.
    All zero when nothing available carries weight.
    """
    kept = [w if ok else 0.0 for w, ok in zip(weights, available)]
    total = sum(kept)
    return [w / total if total > 0 else 0.0 for w in kept]


def yoy_growth(later: float | None, earlier: float | None) -> float | None:
    """``later / earlier − 1``, or None when either is missing or the earlier is not positive."""
    if is_missing(later) or is_missing(earlier) or earlier <= 0:
        return None
    return later / earlier - 1


def grown(base: float, rate: float, years: int = 1) -> float:
    """``base × (1 + rate)^years``."""
    return base * (1 + rate) ** years


def latest_year(actuals: Sequence[float | None]) -> tuple[float | None, int | None]:
    """The most recent same-month actual and how many years back it lies (1 = last year)."""
    for back, value in enumerate(actuals, start=1):
        if not is_missing(value):
            return float(value), back
    return None, None


def history_average(history_y1=None, history_y2=None, history_y3=None,
                    year_weight_1: float = 0.5, year_weight_2: float = 0.3, year_weight_3: float = 0.2
                    ) -> float | None:
    """H by ``average``: the weighted mean of the same-month actuals that exist."""
    actuals = [number(history_y1), number(history_y2), number(history_y3)]
    used = renormalise([year_weight_1, year_weight_2, year_weight_3], [a is not None for a in actuals])
    if sum(used) == 0:
        return None
    return sum(w * a for w, a in zip(used, actuals) if a is not None)


def history_growth(history_y1=None, history_y2=None, history_y3=None,
                   year_weight_1: float = 0.5, year_weight_2: float = 0.3) -> float | None:
    """``g_h``: weighted mean of the available year-on-year growth rates, None if there are none."""
    rates = [yoy_growth(number(history_y1), number(history_y2)), yoy_growth(number(history_y2), number(history_y3))]
    used = renormalise([year_weight_1, year_weight_2], [r is not None for r in rates])
    if sum(used) == 0:
        return None
    return sum(w * r for w, r in zip(used, rates) if r is not None)


def history_trend(history_y1=None, history_y2=None, history_y3=None,
                  year_weight_1: float = 0.5, year_weight_2: float = 0.3, year_weight_3: float = 0.2
                  ) -> float | None:
    """H by ``trend``: the latest same-month actual × (1 + g_h) per year back (g_h = 0 if unknown)."""
    base, back = latest_year([number(history_y1), number(history_y2), number(history_y3)])
    if base is None:
        return None
    rate = history_growth(history_y1, history_y2, history_y3, year_weight_1, year_weight_2)
    return grown(base, rate or 0.0, back)


@dataclass(frozen=True)
class FactorIssue:
    """Why the four factors cannot give a target; ``factor`` says which input is at fault."""

    code: str
    factor: str | None
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class FourFactors:
    """Everything the month target is made of, for one scope (the company or one region).

    Attributes:
        values: factor key -> derived value (B, H, I, C); None when unavailable.
        weights_set: factor key -> weight from the Factors sheet.
        weights: factor key -> weight used (unavailable factors' weight moved to B).
        contributions: factor key -> weight used × value.
        total: the target before rounding; None when there are issues.
        actuals: same-month actuals ``[y-1, y-2, y-3]`` (None = missing).
        year_weights: the year weights used by ``average`` (renormalised).
        rates: year-on-year growth ``[y-1 over y-2, y-2 over y-3]`` (None = not available).
        rate_weights: the weights of those rates in ``g_h`` (renormalised).
        history_growth: ``g_h`` (trend method).
        base, base_back: the same-month actual I, C and trend grow, and how many years back it is.
        growth_rates: factor key -> the annual rate applied (industry, benchmark, history trend).
        notes: bilingual sentences for the sheet.
        issues: what is wrong; empty when the target could be formed.
    """

    values: dict[str, float | None]
    weights_set: dict[str, float]
    weights: dict[str, float]
    contributions: dict[str, float | None]
    total: float | None
    actuals: tuple[float | None, ...]
    year_weights: tuple[float, ...]
    rates: tuple[float | None, ...]
    rate_weights: tuple[float, ...]
    history_growth: float | None
    base: float | None
    base_back: int | None
    growth_rates: dict[str, float | None]
    notes: tuple[str, ...] = ()
    issues: tuple[FactorIssue, ...] = field(default=())


def four_factors(budget, history_y1, history_y2, history_y3, industry_growth, benchmark_growth,
                 weight_budget: float, weight_history: float, weight_industry: float, weight_benchmark: float,
                 method: str = "trend", year_weights: Sequence[float] = DEFAULT_YEAR_WEIGHTS,
                 year_labels: Sequence[str] = ("y-1", "y-2", "y-3"), scope: str = "") -> FourFactors:
    """Form B, H, I and C, apply the weights, and say what was adjusted and why.

    ``year_labels`` name the three years in notes (``"2025"``); ``scope`` names the
    region in messages. Nothing raises: problems come back in ``issues``.
    """
    where = f"{scope}: " if scope else ""
    weights_set = dict(zip(FACTOR_KEYS, (float(weight_budget or 0), float(weight_history or 0),
                                         float(weight_industry or 0), float(weight_benchmark or 0))))
    issues: list[FactorIssue] = []
    notes: list[str] = []
    for key, w in weights_set.items():
        if w < 0 or math.isnan(w):
            issues.append(FactorIssue("negative-weight", key, f"权重 {w:g} 不能为负", f"the weight {w:g} is negative"))
    weight_sum = sum(weights_set.values())
    if abs(weight_sum - 1) > WEIGHT_TOLERANCE and not issues:
        issues.append(FactorIssue("weights-not-100", None, f"四项权重之和为 {weight_sum:.2%}，应为 100%",
                                  f"the four weights sum to {weight_sum:.2%}, not 100%"))
    if method not in METHODS:
        issues.append(FactorIssue("unknown-method", "history", f"未知的历史同期算法“{method}”",
                                  f"unknown history method '{method}'"))
    year_weights = tuple(float(w) for w in year_weights)
    if any(w < 0 for w in year_weights) or sum(year_weights) <= 0:
        issues.append(FactorIssue("bad-year-weights", "history", "年权重须不小于0且不全为0",
                                  "the year weights must be zero or more and not all zero"))

    actuals = (number(history_y1), number(history_y2), number(history_y3))
    base, back = latest_year(actuals)
    year_used = tuple(renormalise(year_weights, [a is not None for a in actuals]))
    rates = (yoy_growth(actuals[0], actuals[1]), yoy_growth(actuals[1], actuals[2]))
    rate_used = tuple(renormalise(year_weights[:2], [r is not None for r in rates]))
    g_h = sum(w * r for w, r in zip(rate_used, rates) if r is not None) if sum(rate_used) > 0 else None
    rates_in = {"industry": number(industry_growth), "benchmark": number(benchmark_growth)}

    values: dict[str, float | None] = {"budget": number(budget), "history": None, "industry": None, "benchmark": None}
    weights = dict(weights_set)
    if base is None:
        moved = weights["history"] + weights["industry"] + weights["benchmark"]
        weights.update(budget=weights["budget"] + moved, history=0.0, industry=0.0, benchmark=0.0)
        notes.append(f"{where}计划月份在过去三年没有同期销售，历史、行业、标杆三项权重（{moved:.0%}）移至年度预算。"
                     f" {where}No sales in the same month of the last three years: the weights of history, "
                     f"industry and benchmark ({moved:.0%}) move to the budget.")
    else:
        if method == "average":
            values["history"] = sum(w * a for w, a in zip(year_used, actuals) if a is not None)
        else:
            values["history"] = grown(base, g_h or 0.0, back)
        for key in ("industry", "benchmark"):
            if rates_in[key] is not None:
                values[key] = grown(base, rates_in[key], back)
            elif weights[key] > 0:
                label = {"industry": ("行业增长率", "industry growth rate"),
                         "benchmark": ("标杆增长率", "benchmark growth rate")}[key]
                issues.append(FactorIssue("missing-growth-rate", key, f"权重大于0，但未填写{label[0]}",
                                          f"the weight is above 0 but the {label[1]} is blank"))
        missing = [label for label, a in zip(year_labels, actuals) if a is None]
        if missing:
            notes.append(f"{where}{'、'.join(missing)}年同期无销售数据，年权重按其余年份重新归一。"
                         f" {where}No sales in the same month of {', '.join(missing)}: the year weights are "
                         "renormalised over the other years.")
        if back > 1:
            notes.append(f"{where}去年同期无数据，以{year_labels[back - 1]}年同期为基数，按增长率逐年递推{back}年。"
                         f" {where}Last year's month is missing: {year_labels[back - 1]}'s month is the base, "
                         f"grown by each rate for {back} years.")
        if method == "trend" and g_h is None:
            notes.append(f"{where}只有一年同期数据，无法计算同比增长，历史因素取该年实际。"
                         f" {where}Only one year of same-month sales: no year-on-year growth, so history "
                         "takes that year's actual.")

    if weights["budget"] > 0:
        if values["budget"] is None:
            issues.append(FactorIssue("missing-budget", "budget", f"{where}缺少计划月份的年度预算",
                                      f"{where}the budget for the plan month is missing"))
        elif values["budget"] <= 0:
            issues.append(FactorIssue("zero-budget", "budget",
                                      f"{where}计划月份的预算为 {values['budget']:,.2f}，预算权重大于0时须大于0",
                                      f"{where}the month's budget is {values['budget']:,.2f}; it must be above 0 "
                                      "while the budget's weight is above 0"))

    contributions = {k: (weights[k] * values[k] if values[k] is not None else None) for k in FACTOR_KEYS}
    total = None
    if not issues:
        total = sum(c for c in contributions.values() if c is not None)
        if total < 0:
            issues.append(FactorIssue("negative-target", None, f"{where}算出的目标为负（{total:,.2f}）",
                                      f"{where}the target comes out negative ({total:,.2f})"))
            total = None
    growth_rates = {"budget": None, "history": g_h if method == "trend" else None, **rates_in}
    return FourFactors(values, weights_set, weights, contributions, total, actuals, year_used, rates, rate_used,
                       g_h, base, back, growth_rates, tuple(notes), tuple(issues))


def month_target_value(budget, history_y1, history_y2, history_y3, industry_growth, benchmark_growth,
                       weight_budget, weight_history, weight_industry, weight_benchmark, method: str = "trend",
                       year_weight_1: float = 0.5, year_weight_2: float = 0.3, year_weight_3: float = 0.2,
                       unit: float | None = None) -> float:
    """The month target from the four factors; raises ``ValueError`` saying what is wrong.

    The worksheet-function form of :func:`four_factors`: blanks are ``None``,
    the result is rounded to ``unit`` when one is given.
    """
    result = four_factors(budget, history_y1, history_y2, history_y3, industry_growth, benchmark_growth,
                          weight_budget, weight_history, weight_industry, weight_benchmark, method,
                          (year_weight_1, year_weight_2, year_weight_3))
    if result.issues:
        raise ValueError("; ".join(f"{i.message_zh} {i.message_en}" for i in result.issues))
    return to_unit(result.total, unit) if unit else result.total


def region_weight(history_share: float, potential_share: float, alpha: float = 0.7) -> float:
    """α × history share + (1 − α) × potential share."""
    return alpha * history_share + (1 - alpha) * potential_share


def shares(values: Sequence[float]) -> list[float]:
    """Each value's share of the total (all zero when the total is not positive)."""
    clean = [max(0.0, number(v) or 0.0) for v in values]
    total = sum(clean)
    return [v / total if total > 0 else 0.0 for v in clean]


def region_shares(history_sales: Sequence[float], capacities: Sequence[float | None], alpha: float = 0.7,
                  manual: Sequence[float | None] | None = None) -> list[float]:
    """Final region shares from last-12-months sales and market capacity.

    Potential is capacity − sales, floored at 0. When nobody has history (or
    nobody has potential), the other share is used alone. A manual share
    replaces the formula for its region; the others share what is left in
    proportion to their formula weights.
    """
    sales = [max(0.0, number(s) or 0.0) for s in history_sales]
    potential = [max(0.0, (number(c) or 0.0) - s) if number(c) is not None else 0.0
                 for c, s in zip(capacities, sales)]
    h, p = shares(sales), shares(potential)
    a = alpha if sum(p) > 0 else 1.0
    a = a if sum(h) > 0 else 0.0
    formula = [region_weight(hs, ps, a) for hs, ps in zip(h, p)]
    return with_manual_shares(formula, manual or [None] * len(formula))


def with_manual_shares(base: Sequence[float], manual: Sequence[float | None]) -> list[float]:
    """Manual shares where given; the rest of 100 % split over the others in proportion to ``base``."""
    fixed = [number(m) for m in manual]
    left = max(0.0, 1 - sum(m for m in fixed if m is not None))
    free = sum(b for b, m in zip(base, fixed) if m is None)
    return [m if m is not None else (b / free * left if free > 0 else 0.0) for b, m in zip(base, fixed)]


def sku_shares_in_role(sales: Sequence[float], manual: Sequence[float | None], reserve: float = 0.05) -> list[float]:
    """Each SKU's share of its role's amount.

    A SKU with a manual share keeps it. SKUs with sales in the window share the
    rest by their sales; SKUs without sales (new products) share the new-product
    ``reserve`` equally — or all of the rest when no SKU in the role has sales.
    """
    fixed = [number(m) for m in manual]
    amounts = [max(0.0, number(s) or 0.0) for s in sales]
    left = max(0.0, 1 - sum(m for m in fixed if m is not None))
    selling = [m is None and a > 0 for m, a in zip(fixed, amounts)]
    new = [m is None and a <= 0 for m, a in zip(fixed, amounts)]
    new_part = (min(reserve, left) if any(selling) else left) if any(new) else 0.0
    selling_total = sum(a for a, s in zip(amounts, selling) if s)
    out = []
    for m, a, s, n in zip(fixed, amounts, selling, new):
        if m is not None:
            out.append(m)
        elif s:
            out.append((left - new_part) * (a / selling_total))
        else:
            out.append(new_part / sum(new))
    return out


def allocate(total: float, weights: Sequence[float], unit: float = 1.0) -> list[float]:
    """Split ``total`` by ``weights`` into multiples of ``unit`` that add up exactly (a plain list)."""
    return [float(x) for x in _allocate(total, [number(w) or 0.0 for w in weights], unit)]
