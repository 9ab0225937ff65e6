"""Step 2 当月指标: the month's draft target from four weighted factors.

The target is computed at the level the Budget sheet is given: for the whole
company when the month's budget row has no region, or for each region when the
budget is regional — then the regions' targets (each rounded to the rounding
unit) are summed, so the month total is exact at the unit.

The maths is in :mod:`salesxl.core.formulas`; this module finds the numbers on
the sheets (the month's budget, the same month in the last three years, the
weights and growth rates on the Factors sheet), checks them, and returns an
audit table a manager can follow, with every problem located at its row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..problems import Problem, has_errors, problem
from ..terms import FACTOR_KEYS, FACTORS
from .allocation import to_unit
from .formulas import WEIGHT_TOLERANCE, FourFactors, four_factors
from .history import monthly_sales, same_month_actuals
from .settings import Settings

COMPANY = "公司 Company"
"""The scope name of a company-level target."""

FACTOR_LABELS = {c.key: c.bilingual for c in FACTORS}

FACTOR_COLUMNS = ["scope", "factor", "label", "base", "base_year", "growth_rate", "value", "weight_set",
                  "weight", "contribution", "how", "source"]
REGION_COLUMNS = ["region", "budget", "last_year", "history", "industry", "benchmark", "target",
                  "growth_vs_last_year", "note"]
YEAR_COLUMNS = ["scope", "year", "month", "actual", "year_weight", "weight_used", "yoy_growth", "rate_weight"]


@dataclass(frozen=True)
class MonthTarget:
    """The month's draft target and how it was made.

    Attributes:
        total: the target, rounded to the rounding unit (the sum of the regions' when regional).
        factors: the audit table, one row per scope × factor: base, growth rate, derived value,
            weight set and used, weighted contribution, how it is formed and the data source.
        regions: per-region rows when the budget is regional (budget, last year, H, I, C,
            target, growth vs last year), else None.
        notes: sentences the sheet shows (missing years, weights moved to the budget...).
        month: the plan month.
        level: ``"company"`` or ``"region"``.
        years: the same-month actuals behind H, per scope and year, with the weights used.
        last_year: last year's same-month actual (summed over regions), None if missing.
        growth_vs_last_year: total / last year − 1, None without last year.
        method: the history method used (``trend`` or ``average``).
        weights: factor key -> weight from the Factors sheet.
    """

    total: float
    factors: pd.DataFrame
    regions: pd.DataFrame | None
    notes: list[str]
    month: pd.Period | None = None
    level: str = "company"
    years: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=YEAR_COLUMNS))
    last_year: float | None = None
    growth_vs_last_year: float | None = None
    method: str = "trend"
    weights: dict[str, float] = field(default_factory=dict)


def no_target(month=None) -> MonthTarget:
    return MonthTarget(0.0, pd.DataFrame(columns=FACTOR_COLUMNS), None, [], month)


def monthly_target(budget: pd.DataFrame, history: pd.DataFrame, factors: pd.DataFrame, settings: Settings,
                   regions: pd.DataFrame | None = None) -> tuple[MonthTarget, list[Problem]]:
    """The draft target for ``settings.plan_month`` from the Budget, History and Factors sheets.

    ``regions`` (the Regions sheet), when given, lets a regional budget be
    checked for regions that have no budget row for the month.
    """
    month = pd.Period(settings.plan_month, freq="M")
    unit = float(settings.rounding_unit)
    method = settings.history_method
    year_weights = (float(settings.year_weight_1), float(settings.year_weight_2), float(settings.year_weight_3))

    factors, problems = factors_for_year(factors, month.year)
    weights, rates, sources, found = factor_inputs(factors)
    problems += found
    scopes, found = budget_scopes(budget, month, regions, weights)
    problems += found
    if has_errors(problems):
        return no_target(month), problems

    monthly = monthly_sales(history)
    labels = [str(month.year - back) for back in (1, 2, 3)]
    results: list[tuple[str, float | None, int | None, FourFactors]] = []
    for scope, amount, row in scopes:
        rows = monthly if scope == COMPANY else monthly[monthly["region"] == scope]
        actuals = same_month_actuals(rows, month)
        result = four_factors(amount, *actuals, rates.get("industry"), rates.get("benchmark"),
                              *(weights.get(k, 0.0) for k in FACTOR_KEYS), method, year_weights, labels,
                              "" if scope == COMPANY else scope)
        problems += [issue_problem(i, row, factors) for i in result.issues]
        results.append((scope, amount, row, result))
    problems = list(dict.fromkeys(problems))  # the same growth-rate issue would repeat per region
    if has_errors(problems):
        return no_target(month), problems

    targets = {scope: to_unit(r.total, unit) for scope, _, _, r in results}
    total = round(sum(targets.values()), 10)
    total = to_unit(total, unit)
    last_year = sum_or_none([r.actuals[0] for *_, r in results])
    notes = [n for *_, r in results for n in r.notes]
    level = "company" if scopes[0][0] == COMPANY else "region"
    region_rows = None
    if level == "region":
        region_rows = pd.DataFrame([{
            "region": scope, "budget": amount, "last_year": r.actuals[0], "history": r.values["history"],
            "industry": r.values["industry"], "benchmark": r.values["benchmark"], "target": targets[scope],
            "growth_vs_last_year": growth(targets[scope], r.actuals[0]),
            "note": " ".join(r.notes) or None,
        } for scope, amount, _, r in results], columns=REGION_COLUMNS)
    target = MonthTarget(
        total=total,
        factors=audit_table(results, month, sources, method),
        regions=region_rows,
        notes=notes,
        month=month,
        level=level,
        years=year_table(results, month, year_weights),
        last_year=last_year,
        growth_vs_last_year=growth(total, last_year),
        method=method,
        weights={k: weights.get(k, 0.0) for k in FACTOR_KEYS},
    )
    return target, problems


def factors_for_year(factors: pd.DataFrame, year: int, general: bool = True
                     ) -> tuple[pd.DataFrame, list[Problem]]:
    """The Factors rows that apply to ``year``: per factor, its row for that year, else its row with no year.

    The optional ``year`` column lets the Factors sheet keep past years' growth
    rates (the backtest replays past months with them); a row with no year is
    the current one and applies to every year without a row of its own.
    ``general=False`` leaves the rows with no year out (the backtest replays a
    past year with that year's own rows only). Rows keep their Excel row order.
    """
    if "year" not in factors:
        return factors, []
    years = pd.to_numeric(factors["year"], errors="coerce").astype("float64")
    dated = factors[years == year]
    keep = list(dated.index)
    if general:
        given = set(dated["factor"])
        keep += [row for row, key in factors.loc[years.isna(), "factor"].items() if key not in given]
    chosen = factors.loc[sorted(keep)]
    problems = []
    if general and len(chosen) == 0 and len(factors) > 0:
        problems.append(problem("factors", int(factors.index[0]), "year", "no-factors-for-year",
                                f"参考因素表没有适用于{year}年的行（年份留空的行适用于当前各年）",
                                f"the Factors sheet has no row for {year} (rows with a blank year are the "
                                "current ones)"))
    return chosen, problems


def factor_inputs(factors: pd.DataFrame):
    """Weights, growth rates and sources from the Factors sheet, with located problems.

    A factor without a row weighs 0. Weights must be ≥ 0 and sum to 1.
    """
    weights, rates, sources, problems = {}, {}, {}, []
    for row, record in factors.iterrows():
        key = record.get("factor")
        if key not in FACTOR_KEYS:
            continue
        weight = record.get("weight")
        if pd.isna(weight):
            problems.append(problem("factors", int(row), "weight", "empty-required", "权重为空", "the weight is blank"))
            continue
        if weight < 0:
            problems.append(problem("factors", int(row), "weight", "negative-weight",
                                    f"权重 {weight:.0%} 不能为负", f"the weight {weight:.0%} is negative"))
        weights[key] = float(weight)
        rate = record.get("growth_rate")
        rates[key] = None if pd.isna(rate) else float(rate)
        source = record.get("source")
        sources[key] = None if source is None or pd.isna(source) else str(source)
    if len(factors) == 0:
        problems.append(problem("factors", None, "factor", "no-factors", "参考因素表是空的，请填写四个因素及权重",
                                "the Factors sheet is empty; give the four factors and their weights"))
    elif not has_errors(problems):
        total = sum(weights.values())
        if abs(total - 1) > WEIGHT_TOLERANCE:
            last = int(factors.index[-1])
            problems.append(problem("factors", last, "weight", "weights-not-100",
                                    f"四项权重之和为 {total:.2%}，应为 100%（第{int(factors.index[0])}–{last}行）",
                                    f"the weights sum to {total:.2%}, not 100% (rows {int(factors.index[0])}–{last})"))
    return weights, rates, sources, problems


def budget_scopes(budget: pd.DataFrame, month: pd.Period, regions: pd.DataFrame | None,
                  weights: dict[str, float]) -> tuple[list[tuple[str, float | None, int | None]], list[Problem]]:
    """The month's budget as ``[(scope, amount, excel_row)]``: one company row, or one per region.

    A month with both a company row and regional rows uses the regions; the
    company row must then equal their sum.
    """
    problems: list[Problem] = []
    rows = budget[(budget["year"] == month.year) & (budget["month"] == month.month)]
    has_region = rows["region"].notna() & (rows["region"].astype(str).str.strip() != "")
    company, regional = rows[~has_region], rows[has_region]
    if len(regional) == 0:
        if len(company) == 0:
            return [(COMPANY, None, None)], problems
        row = int(company.index[0])
        return [(COMPANY, float(company["amount"].iloc[0]), row)], problems
    if len(company):
        row, amount = int(company.index[0]), float(company["amount"].iloc[0])
        regional_sum = float(regional["amount"].sum())
        if abs(amount - regional_sum) > 0.005:
            problems.append(problem("budget", row, "amount", "company-budget-differs",
                                    f"{month}公司预算 {amount:,.2f} 与各区域预算之和 {regional_sum:,.2f} 不一致",
                                    f"the company budget for {month}, {amount:,.2f}, differs from the sum of the "
                                    f"regions' budgets, {regional_sum:,.2f}"))
    scopes = [(str(r), float(a), int(i)) for i, r, a in zip(regional.index, regional["region"], regional["amount"])]
    if regions is not None:
        given = {s for s, _, _ in scopes}
        for region in regions["region"].dropna().astype(str):
            if region in given:
                continue
            if weights.get("budget", 0) == 0:
                scopes.append((region, None, None))  # the budget does not count: history alone sets it
            else:
                problems.append(problem("budget", None, "region", "missing-budget",
                                        f"预算按区域填写，但区域“{region}”没有{month}的预算行",
                                        f"the budget is by region, but the region '{region}' has no budget row "
                                        f"for {month}"))
    return scopes, problems


def issue_problem(issue, budget_row: int | None, factors: pd.DataFrame) -> Problem:
    """Place a four-factor issue: budget issues on the budget row, the others on the Factors row."""
    if issue.factor == "budget" and issue.code in ("missing-budget", "zero-budget"):
        return problem("budget", budget_row, "amount", issue.code, issue.message_zh, issue.message_en)
    rows = factors.index[factors["factor"] == issue.factor] if issue.factor else factors.index[-1:]
    row = int(rows[0]) if len(rows) else None
    column = "growth_rate" if issue.code == "missing-growth-rate" else "weight"
    if issue.code in ("unknown-method", "bad-year-weights"):
        return problem("settings", None, "value", issue.code, issue.message_zh, issue.message_en)
    return problem("factors", row, column, issue.code, issue.message_zh, issue.message_en)


HOW = {
    "budget": ("年度预算中计划月份的金额", "the annual budget's amount for the month"),
    "average": ("近三年同期实际的加权平均", "weighted mean of the same month in the last three years"),
    "trend": ("去年同期 ×（1 + 加权同比增长）", "last year's month × (1 + weighted year-on-year growth)"),
    "industry": ("去年同期 ×（1 + 行业年增长率）", "last year's month × (1 + industry growth)"),
    "benchmark": ("去年同期 ×（1 + 标杆年增长率）", "last year's month × (1 + benchmark growth)"),
}


def audit_table(results, month: pd.Period, sources: dict[str, str | None], method: str) -> pd.DataFrame:
    records = []
    for scope, amount, _, r in results:
        for key in FACTOR_KEYS:
            how = HOW[method if key == "history" else key]
            base = amount if key == "budget" else (r.base if method == "trend" or key != "history" else None)
            records.append({
                "scope": scope, "factor": key, "label": FACTOR_LABELS[key], "base": base,
                "base_year": (month.year if key == "budget" else
                              (month.year - r.base_back if r.base_back and base is not None else None)),
                "growth_rate": r.growth_rates.get(key), "value": r.values[key], "weight_set": r.weights_set[key],
                "weight": r.weights[key], "contribution": r.contributions[key],
                "how": f"{how[0]} {how[1]}", "source": sources.get(key),
            })
    return pd.DataFrame(records, columns=FACTOR_COLUMNS)


def year_table(results, month: pd.Period, year_weights: tuple[float, ...]) -> pd.DataFrame:
    records = []
    for scope, _, _, r in results:
        for back in (1, 2, 3):
            records.append({
                "scope": scope, "year": month.year - back, "month": month - 12 * back, "actual": r.actuals[back - 1],
                "year_weight": year_weights[back - 1], "weight_used": r.year_weights[back - 1],
                "yoy_growth": r.rates[back - 1] if back <= 2 else None,
                "rate_weight": r.rate_weights[back - 1] if back <= 2 else None,
            })
    return pd.DataFrame(records, columns=YEAR_COLUMNS)


def sum_or_none(values) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def growth(target: float, last_year: float | None) -> float | None:
    return target / last_year - 1 if last_year and last_year > 0 else None
