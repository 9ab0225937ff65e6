"""Expense budgets issued with the targets: headquarters → region → rep, within the ceiling.

The article's step 5: expenses go out *with* the sales targets, not as a bare
percentage of sales, and are spent through two approval levels — headquarters
→ region, region → rep — each with application 申请, approval 批复 and
verification 核查. This module works out the budget; the review of the
requests spent against it is :mod:`salesxl.core.expense_review`.

The ``费用政策 Expense Policy`` sheet lists categories, each with a method:

* ``per_rep`` — a fixed amount for every rep with a target (travel);
* ``per_region`` — a fixed amount for every region (display fees negotiated by
  the region);
* ``per_developing_outlet`` — market-building funds for each outlet flagged
  ``developing`` on the Outlets sheet, going to the rep who serves it;
* ``rate_on_target`` — a rate on the holder's target amount (entertainment,
  promotion), optionally capped.

Each category's budget is *held* by reps or by regions (``held_by``; blank means
per-region amounts go to the region and the rest to reps). A cap limits what one
holder gets in the category. Amounts are rounded to the rounding unit. The
company total must stay within the ceiling from Settings (an amount, a share of
the total target, or both — the lower applies): over it, the step stops with
the amounts, or — when Settings says ``scale_down`` — every line is scaled down
so the lines sum exactly to the ceiling (largest remainders,
:func:`salesxl.core.allocation.allocate`).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..problems import Problem, problem
from .allocation import allocate, to_unit, unit_decimals
from .settings import Settings

DEFAULT_HOLDER = {"per_rep": "rep", "per_region": "region", "per_developing_outlet": "rep", "rate_on_target": "rep"}
FIXED_METHODS = ("per_rep", "per_region", "per_developing_outlet")

EPSILON = 1e-6


def folded(text) -> str:
    """A name as compared: full-width folded, case folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def text(value) -> str:
    """A text cell as a key: blank (None or NaN) becomes ``""``."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def money(amount: float) -> str:
    return f"{amount:,.2f}".rstrip("0").rstrip(".") if amount != int(amount) else f"{amount:,.0f}"


@dataclass
class ExpenseBudget:
    """The month's expense budget, headquarters → region → rep.

    Attributes:
        categories: category names in policy order.
        rep_categories: the categories reps hold (the columns of ``by_rep``).
        lines: one row per holder and category with a budget: ``level`` (rep/region), ``region``,
            ``rep_id`` (None for a region), ``name``, ``category``, ``method``, ``basis`` (how the amount
            was worked out), ``policy_amount`` (before the ceiling), ``budget`` (as issued).
        by_rep: one row per rep: ``rep_id``, ``name``, ``region``, ``target``, one column per category reps
            hold (``category:<name>``), ``total``, ``ratio`` (expense to target).
        by_region: one row per region: ``region``, ``target``, one column per category (region-held plus
            its reps), ``held_by_region``, ``held_by_reps``, ``total``, ``ratio``.
        by_category: one row per category: ``category``, ``method``, ``held_by``, ``policy_amount``,
            ``budget``, ``share`` of the total, ``ratio`` to the total target.
        total_target, policy_total, total: the company's target, budget before and after the ceiling.
        ceiling: the ceiling that applies (None when Settings sets none); ``ceiling_source`` says which.
        scaled: the lines were scaled down to the ceiling.
    """

    categories: list[str]
    rep_categories: list[str]
    lines: pd.DataFrame
    by_rep: pd.DataFrame
    by_region: pd.DataFrame
    by_category: pd.DataFrame
    total_target: float = 0.0
    policy_total: float = 0.0
    total: float = 0.0
    ceiling: float | None = None
    ceiling_source: str | None = None
    scaled: bool = False


def category_column(category: str) -> str:
    return f"category:{category}"


def expense_budget(policy: pd.DataFrame, rep_targets: pd.DataFrame, outlets: pd.DataFrame,
                   settings: Settings) -> tuple[ExpenseBudget | None, list[Problem]]:
    """Work out the budget of every category for every holder, and check it against the ceiling.

    ``policy`` has the Expense Policy columns, ``rep_targets`` the issued Rep Targets columns (``month``,
    ``rep_id``, ``name``, ``region``, ``target``...), ``outlets`` the Outlets columns. Settings used:
    ``plan_month``, ``rounding_unit``, ``expense_ceiling``, ``expense_ceiling_rate``, ``expense_over_ceiling``.
    Returns None with errors when the inputs cannot make a budget.
    """
    problems = check_policy(policy) + check_rep_targets(rep_targets, settings.plan_month)
    if any(p.severity == "error" for p in problems):
        return None, problems
    unit = float(settings.rounding_unit)
    targets = rep_targets.reset_index(drop=True)
    regions = list(dict.fromkeys(targets["region"]))
    rep_region = dict(zip(targets["rep_id"], targets["region"]))
    rep_name = dict(zip(targets["rep_id"], targets["name"]))

    developing, found = developing_outlets(outlets, rep_region)
    if (policy["method"] == "per_developing_outlet").any():
        problems += found

    rows = []
    for _, rule in policy.iterrows():
        method, category = rule["method"], rule["category"]
        holder_level = rule["held_by"] if isinstance(rule["held_by"], str) else DEFAULT_HOLDER[method]
        for level, region, rep_id, amount, how in holder_amounts(rule, holder_level, targets, regions, developing):
            cap = rule["cap"]
            if pd.notna(cap) and amount > cap + EPSILON:
                amount, how = float(cap), f"{how} → 上限 cap {money(float(cap))}"
            amount = to_unit(amount, unit)
            if amount <= 0:
                continue
            rows.append({"level": level, "region": region, "rep_id": rep_id,
                         "name": rep_name.get(rep_id) if rep_id else None, "category": category,
                         "method": method, "basis": how, "policy_amount": amount})
    lines = pd.DataFrame(rows, columns=["level", "region", "rep_id", "name", "category", "method", "basis",
                                        "policy_amount"])
    lines["policy_amount"] = lines["policy_amount"].astype("float64")
    lines["budget"] = lines["policy_amount"]

    total_target = float(targets["target"].sum())
    policy_total = round(float(lines["policy_amount"].sum()), unit_decimals(unit) + 2)
    ceiling, source = expense_ceiling(settings, total_target)
    scaled = False
    if ceiling is not None and policy_total > ceiling + EPSILON:
        if settings.expense_over_ceiling == "scale_down":
            lines["budget"] = scale_down(lines["policy_amount"], ceiling, unit)
            scaled = True
            problems.append(problem(
                "settings", None, source, "expense-scaled-down",
                f"费用预算合计 {money(policy_total)} 超过上限 {money(ceiling)}，已按比例压缩到 "
                f"{money(float(lines['budget'].sum()))}（约 {ceiling / policy_total:.1%}）",
                f"the expense budget of {money(policy_total)} is over the ceiling of {money(ceiling)}; every line "
                f"was scaled down to total {money(float(lines['budget'].sum()))} (about {ceiling / policy_total:.1%})",
                "notice"))
        else:
            problems.append(problem(
                "settings", None, source, "over-expense-ceiling",
                f"费用预算合计 {money(policy_total)} 超过公司上限 {money(ceiling)}，超出 {money(policy_total - ceiling)}；"
                "请调整费用政策，或把设置“超上限处理”改为“按比例压缩”",
                f"the expense budget of {money(policy_total)} is over the company ceiling of {money(ceiling)} by "
                f"{money(policy_total - ceiling)}; change the Expense Policy, or set 'Over the ceiling' to scale_down"))
            return None, problems

    categories = list(policy["category"])
    rep_categories = [c for c in categories if ((lines["level"] == "rep") & (lines["category"] == c)).any()]
    budget = ExpenseBudget(
        categories=categories, rep_categories=rep_categories, lines=lines,
        by_rep=budget_by_rep(lines, targets, rep_categories),
        by_region=budget_by_region(lines, targets, regions, categories),
        by_category=budget_by_category(lines, policy, total_target),
        total_target=total_target, policy_total=policy_total, total=float(lines["budget"].sum()),
        ceiling=ceiling, ceiling_source=source, scaled=scaled,
    )
    return budget, problems


def check_policy(policy: pd.DataFrame) -> list[Problem]:
    """Each method needs its number; per-region amounts belong to regions; categories differ in more than case."""
    problems = []
    if policy.empty:
        return [problem("expense_policy", None, None, "no-expense-policy",
                        "“费用政策”表为空：请列出费用类别及核定方式",
                        "the Expense Policy sheet is empty: list the expense categories and how each is budgeted")]
    seen: dict[str, int] = {}
    for row, rule in policy.iterrows():
        method, category = rule["method"], rule["category"]
        key = folded(category)
        if key in seen and str(policy.at[seen[key], "category"]) != str(category):
            problems.append(problem("expense_policy", row, "category", "duplicate-category",
                                    f"类别“{category}”与第{seen[key]}行的“{policy.at[seen[key], 'category']}”相同",
                                    f"the category '{category}' is the same as "
                                    f"'{policy.at[seen[key], 'category']}' on row {seen[key]}"))
        seen.setdefault(key, row)
        if method in FIXED_METHODS and pd.isna(rule["amount"]):
            problems.append(problem("expense_policy", row, "amount", "needs-amount",
                                    f"“{category}”按固定金额核定，请填写标准金额",
                                    f"'{category}' is a fixed amount: fill in the amount"))
        if method == "rate_on_target" and pd.isna(rule["rate"]):
            problems.append(problem("expense_policy", row, "rate", "needs-rate",
                                    f"“{category}”按目标比例核定，请填写费用比例",
                                    f"'{category}' is a rate on target: fill in the rate"))
        if method == "rate_on_target" and pd.notna(rule["amount"]):
            problems.append(problem("expense_policy", row, "amount", "amount-ignored",
                                    f"“{category}”按目标比例核定，标准金额不使用",
                                    f"'{category}' is a rate on target: the amount is not used", "warning"))
        if method in FIXED_METHODS and pd.notna(rule["rate"]):
            problems.append(problem("expense_policy", row, "rate", "rate-ignored",
                                    f"“{category}”按固定金额核定，费用比例不使用",
                                    f"'{category}' is a fixed amount: the rate is not used", "warning"))
        if method == "per_region" and rule["held_by"] == "rep":
            problems.append(problem("expense_policy", row, "held_by", "per-region-held-by-rep",
                                    f"“{category}”每区固定，预算只能由区域持有",
                                    f"'{category}' is fixed per region, so the region holds it, not reps"))
    return problems


def check_rep_targets(rep_targets: pd.DataFrame, month: pd.Period) -> list[Problem]:
    """The issued targets must exist and be this month's."""
    if rep_targets.empty:
        return [run_breakdown_first()]
    wrong = rep_targets[rep_targets["month"] != month]
    if len(wrong):
        row = int(wrong.index[0])
        found = wrong["month"].iloc[0]
        return [problem("rep_targets", row, "month", "targets-of-another-month",
                        f"业务员目标是 {found} 的，计划月份是 {month}：请先重新运行目标分解",
                        f"the Rep Targets are for {found} but the plan month is {month}: run the breakdown again")]
    return []


def run_breakdown_first() -> Problem:
    return problem("rep_targets", None, None, "run-breakdown-first",
                   "没有业务员目标：请先运行目标分解（salesxl breakdown），再编制费用预算",
                   "there are no Rep Targets: run the breakdown first (salesxl breakdown), then the expenses")


def developing_outlets(outlets: pd.DataFrame, rep_region: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Developing outlets with who holds their funds: the serving rep, or the region if that rep has no target."""
    frame = outlets[outlets["developing"].fillna(False).astype(bool)].copy()
    problems = []
    frame["targeted"] = frame["rep_id"].isin(list(rep_region))
    for row, outlet in frame[~frame["targeted"]].iterrows():
        problems.append(problem("outlets", row, "rep_id", "developing-outlet-without-rep-target",
                                f"培育网点 {outlet['outlet_id']} 的业务员 {outlet['rep_id']} 本月没有目标，其开发费由区域"
                                f"{outlet['region']}持有",
                                f"developing outlet {outlet['outlet_id']}: rep {outlet['rep_id']} has no target this "
                                f"month, so its development fund is held by the region {outlet['region']}", "warning"))
    return frame, problems


def holder_amounts(rule, level: str, targets: pd.DataFrame, regions: list[str], developing: pd.DataFrame):
    """``(level, region, rep_id, amount, basis)`` for every holder of one policy line, before the cap.

    Rep-based methods count a quantity per rep — 1 for ``per_rep``, the developing outlets for
    ``per_developing_outlet``, the target for ``rate_on_target`` — times the policy's amount or rate; a
    region holding the category gets the sum over its reps.
    """
    method = rule["method"]
    if method == "per_region":
        value = float(rule["amount"])
        return [("region", region, None, value, basis(method, 1, value, "region")) for region in regions]
    factor = float(rule["rate"]) if method == "rate_on_target" else float(rule["amount"])
    if method == "per_rep":
        per_rep = pd.Series(1.0, index=targets["rep_id"])
    elif method == "rate_on_target":
        per_rep = pd.Series(targets["target"].to_numpy(dtype="float64"), index=targets["rep_id"])
    else:
        counts = developing[developing["targeted"]].groupby("rep_id").size()
        per_rep = pd.Series([float(counts.get(rep, 0)) for rep in targets["rep_id"]], index=targets["rep_id"])
    # Developing outlets whose rep has no target this month: their funds stay with the outlet's region.
    orphans = (developing[~developing["targeted"]].groupby("region", sort=False).size().astype("float64")
               if method == "per_developing_outlet" else pd.Series(dtype="float64"))
    rep_region = dict(zip(targets["rep_id"], targets["region"]))
    if level == "rep":
        out = [("rep", rep_region[rep], rep, q * factor, basis(method, q, factor, "rep")) for rep, q in per_rep.items()]
        out += [("region", region, None, q * factor, basis(method, q, factor, "region")) for region, q in orphans.items()]
        return out
    by_region = per_rep.groupby(per_rep.index.map(rep_region), sort=False).sum().add(orphans, fill_value=0.0)
    return [("region", region, None, float(by_region.get(region, 0.0)) * factor,
             basis(method, float(by_region.get(region, 0.0)), factor, "region"))
            for region in dict.fromkeys(list(regions) + list(orphans.index))]


def basis(method: str, quantity: float, factor: float, level: str) -> str:
    """How a holder's amount was worked out, in words, so every number shows its source."""
    if method == "per_region":
        return f"每区 {money(factor)} per region"
    if method == "per_rep":
        return f"每人 {money(factor)} per rep" if level == "rep" else f"{quantity:g} 人 reps × {money(factor)}"
    if method == "per_developing_outlet":
        return f"{quantity:g} 个培育网点 developing outlets × {money(factor)}"
    whose = "目标 target" if level == "rep" else "区域目标 region target"
    return f"{whose} {money(quantity)} × {factor:.2%}"


def expense_ceiling(settings: Settings, total_target: float) -> tuple[float | None, str | None]:
    """The lower of the amount ceiling and the rate ceiling (× total target); None when neither is set."""
    options = []
    amount = settings.expense_ceiling
    rate = settings.expense_ceiling_rate
    if amount > 0:
        options.append((float(amount), "expense_ceiling"))
    if rate > 0:
        options.append((float(rate) * total_target, "expense_ceiling_rate"))
    if not options:
        return None, None
    return min(options)


def scale_down(amounts: pd.Series, ceiling: float, unit: float) -> np.ndarray:
    """Every line in proportion, summing exactly to the ceiling (rounded down to the unit)."""
    whole = math.floor(ceiling / unit + 1e-9) * unit
    return allocate(whole, amounts.to_numpy(dtype="float64"), unit)


def budget_by_rep(lines: pd.DataFrame, targets: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    held = lines[lines["level"] == "rep"].pivot_table(index="rep_id", columns="category", values="budget",
                                                      aggfunc="sum")
    out = targets[["rep_id", "name", "region", "target"]].reset_index(drop=True).copy()
    for category in categories:
        column = held[category] if category in held else pd.Series(dtype="float64")
        out[category_column(category)] = out["rep_id"].map(column).fillna(0.0).astype("float64")
    out["total"] = out[[category_column(c) for c in categories]].sum(axis=1)
    out["ratio"] = ratio(out["total"], out["target"])
    return out


def budget_by_region(lines: pd.DataFrame, targets: pd.DataFrame, regions: list[str],
                     categories: list[str]) -> pd.DataFrame:
    all_regions = list(dict.fromkeys(regions + list(lines["region"])))
    target = targets.groupby("region")["target"].sum()
    out = pd.DataFrame({"region": all_regions})
    out["target"] = out["region"].map(target).fillna(0.0).astype("float64")
    by = lines.pivot_table(index="region", columns="category", values="budget", aggfunc="sum")
    for category in categories:
        column = by[category] if category in by else pd.Series(dtype="float64")
        out[category_column(category)] = out["region"].map(column).fillna(0.0).astype("float64")
    held = lines.groupby(["region", "level"])["budget"].sum()
    out["held_by_region"] = [float(held.get((r, "region"), 0.0)) for r in out["region"]]
    out["held_by_reps"] = [float(held.get((r, "rep"), 0.0)) for r in out["region"]]
    out["total"] = out["held_by_region"] + out["held_by_reps"]
    out["ratio"] = ratio(out["total"], out["target"])
    return out


def budget_by_category(lines: pd.DataFrame, policy: pd.DataFrame, total_target: float) -> pd.DataFrame:
    sums = lines.groupby("category")[["policy_amount", "budget"]].sum()
    out = pd.DataFrame({"category": list(policy["category"]), "method": list(policy["method"]),
                        "held_by": [h if isinstance(h, str) else DEFAULT_HOLDER[m]
                                    for h, m in zip(policy["held_by"], policy["method"])]})
    out["policy_amount"] = out["category"].map(sums["policy_amount"]).fillna(0.0).astype("float64")
    out["budget"] = out["category"].map(sums["budget"]).fillna(0.0).astype("float64")
    total = out["budget"].sum()
    out["share"] = out["budget"] / total if total > 0 else np.nan
    out["ratio"] = out["budget"] / total_target if total_target > 0 else np.nan
    return out


def ratio(amount: pd.Series, target: pd.Series) -> pd.Series:
    """Expense to target; blank where the target is zero."""
    return (amount / target.where(target > 0)).astype("float64")
