"""回测 Backtest: how the four-factor target would have done in past months, and which weights fit best.

The article's second principle is a sound data reference 合理的数据参考: reps
accept a target they can see is grounded. Planners set the four weights
(budget, same-month history, industry growth, benchmark growth) by feel; the
backtest shows how their weights would have done on their own history, and
which weights would have done better.

**Replay, no peeking.** Each month m of the window (the ``months`` months before
the plan month) is planned again by :func:`salesxl.core.targets.monthly_target`
— the same code as the month-target step — from what was known at the end of
month m−1: the history before m, the Budget sheet's row(s) for m, the growth
rates the Factors sheet gives for m's year (rows with a blank year are the
current ones and count for the plan month's year only), and the current
weights, history method and year weights. The replayed target is then set
against what was actually sold in m.

**Enough history.** A month can be replayed when it has sales and at least one
of its same months in the three years before it (otherwise history, industry
and benchmark have no base). At least ``MIN_MONTHS`` such months are needed.

**Factors that cannot be replayed.** The budget needs a Budget row (every
region's, when the budget is regional) for every replayed month; industry and
benchmark need a growth rate for every replayed month's year. A factor missing
in any replayed month is dropped, visibly: it weighs 0 in every suggestion, and
the replay spreads the current weights over the factors that remain.

**Reps' tiers.** A rep's part of a replayed target is their share of the reps'
sales in the history window before m (``history_window_months``, as the
breakdown uses), among the reps who sold both in that window and in m (a rep
who sold nothing in m is taken to have left, a rep with no sales before m to
have been new). A rep reached base, challenge or sprint when their sales in m
are at least the tier multiplier (Settings ``tier_base/challenge/sprint``) ×
their part. Parts are plain shares, not rounded: hit rates do not need cents.

**Weight search.** Every weight set on a grid of ``GRID_STEP`` (weights ≥ 0,
summing to 1, dropped factors at 0) is scored at once. The core gives each
month's factor values per scope once; the targets of all grid points are then
one matrix product, rounded per scope to the rounding unit exactly as the core
rounds, so the planner's own weights score the same on the grid as in the
replay. ``mape`` ranks by the mean absolute % error; ``base_hit`` by how far the
share of reps reaching base falls outside 70 %–90 % ("on tiptoe" 踮起脚够得着),
averaged over the months, ties broken by MAPE, then by nearness to the current
weights. The planner's weights are never changed: the best sets are shown next
to theirs, and the planner copies one into the Factors sheet if they want it.

Over 600 lines because the replay and the weight search share the replayed months (their factor values,
rounding scopes and rep ratios) and must round exactly alike; they are kept in one module, replay first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
import pandas as pd

from ..problems import Problem, has_errors, problem
from ..terms import FACTOR_KEYS
from .allocation import unit_decimals
from .formulas import WEIGHT_TOLERANCE
from .history import in_window, monthly_sales
from .settings import Settings
from .targets import COMPANY, FACTOR_LABELS, budget_scopes, factor_inputs, factors_for_year, monthly_target

MIN_MONTHS = 3
"""Fewer replayable months than this say nothing about weights."""
ENOUGH_MONTHS = 12
"""Below this many months the sheet says the result rests on little history."""
GRID_STEP = 0.05
BASE_BAND = (0.70, 0.90)
"""The share of reps who should reach base: a target reachable on tiptoe."""
LOSSES = ("mape", "base_hit")
TOP = 5
RATE_FACTORS = ("industry", "benchmark")

MONTH_COLUMNS = ["month", *FACTOR_KEYS, "target", "actual", "error", "abs_pct_error", "bias", "reps",
                 "base_share", "challenge_share", "sprint_share", "note"]
FACTOR_COLUMNS = ["factor", "label", "weight_set", "weight_replayed", "in_search", "missing"]
SUGGESTION_COLUMNS = ["rank", *FACTOR_KEYS, "mape", "bias", "base_share", "months_in_band", "score", "current"]
SUMMARY_COLUMNS = ["months", "first", "last", "mape", "bias", "over", "under", "target_total", "actual_total",
                   "total_error", "base_share", "challenge_share", "sprint_share", "months_in_band", "grid_size"]


@dataclass(frozen=True)
class Backtest:
    """The replayed months, how they scored, and the weights that would have scored best.

    Attributes:
        months: one row per replayed month: the four factor values (company totals), the
            replayed target, the actual, error (target − actual), absolute % error, bias
            ((target − actual) / actual: + over target, − under), reps with a part, and the
            shares of those reps who reached base, challenge and sprint; ``note`` holds the
            core's notes for that month.
        summary: one row: months replayed, MAPE, mean bias, months over / under, totals,
            mean tier shares, months with the base share in 70 %–90 %, grid size.
        factors: one row per factor: weight set, weight used in the replay, whether it is in
            the search, and what was missing when it is not.
        suggestions: the current weights (as replayed) first, then the ``TOP`` best grid
            points, with MAPE, bias, mean base share, months in band and the loss (``score``).
        notes: sentences the sheet shows (dropped factors, skipped months...).
        plan_month, loss, window_months: what was asked.
    """

    months: pd.DataFrame
    summary: pd.DataFrame
    factors: pd.DataFrame
    suggestions: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    plan_month: pd.Period | None = None
    loss: str = "mape"
    window_months: int = 24


def no_backtest(plan_month=None, loss="mape", window_months=24) -> Backtest:
    return Backtest(pd.DataFrame(columns=MONTH_COLUMNS), pd.DataFrame(columns=SUMMARY_COLUMNS),
                    pd.DataFrame(columns=FACTOR_COLUMNS), pd.DataFrame(columns=SUGGESTION_COLUMNS), [],
                    plan_month, loss, window_months)


@dataclass(frozen=True)
class Replayed:
    """One replayed month: per-scope factor values (scopes × 4), the core's target, its notes."""

    month: pd.Period
    values: np.ndarray
    target: float
    notes: tuple[str, ...]


def backtest(budget: pd.DataFrame, history: pd.DataFrame, factors: pd.DataFrame, settings: Settings,
             regions: pd.DataFrame | None = None, months: int = 24, loss: str = "mape"
             ) -> tuple[Backtest, list[Problem]]:
    """Replay the month target for the ``months`` months before ``settings.plan_month`` and search weights."""
    plan = pd.Period(settings.plan_month, freq="M")
    unit = float(settings.rounding_unit)
    empty = no_backtest(plan, loss, months)
    current, problems = factors_for_year(factors, plan.year)
    weights, _, _, found = factor_inputs(current)
    problems += found
    if loss not in LOSSES:
        problems.append(problem("settings", None, "value", "unknown-loss", f"未知的回测评分标准“{loss}”",
                                f"unknown backtest loss '{loss}'; use {' or '.join(LOSSES)}"))
    if has_errors(problems):
        return empty, problems

    sales = monthly_sales(history)
    by_region = sales.groupby(["month", "region"], dropna=False, sort=True)["amount"].sum().reset_index()
    window = list(pd.period_range(plan - months, plan - 1, freq="M"))
    replayable, skipped = months_with_history(by_region, window)
    if len(replayable) < MIN_MONTHS:
        return empty, problems + [too_little_history(window, replayable)]

    available, missing, found = factor_availability(budget, factors, current, replayable, plan, regions)
    problems += found
    replay = replay_weights(weights, available)
    rates = {year: year_rates(factors, year, plan.year) for year in sorted({m.year for m in replayable})}

    replayed: list[Replayed] = []
    failures: dict[str, Problem] = {}  # the first reason of each kind a month could not be replayed
    for month in replayable:
        rows = replay_rows(current, replay, rates[month.year])
        target, found = monthly_target(budget, by_region[by_region["month"] < month], rows,
                                       replace(settings, plan_month=month), regions)
        if any(p.severity == "error" and p.sheet == "settings" for p in found):
            return empty, problems + [p for p in found if p.severity == "error"]
        if has_errors(found):
            first = next(p for p in found if p.severity == "error")
            failures.setdefault(first.code, first)
            skipped.append((month, f"无法回放：{first.message_zh}", f"cannot be replayed: {first.message_en}"))
            continue
        values = scope_values(target.factors, available)
        if values is None:
            skipped.append((month, "有区域缺少因素值", "a region lacks a factor value"))
            continue
        scopes = list(dict.fromkeys(target.factors["scope"]))
        replayed.append(Replayed(month, values, target.total, condensed_notes(target.notes, scopes)))
    if len(replayed) < MIN_MONTHS:
        return empty, problems + [too_little_history(window, [r.month for r in replayed])] + list(failures.values())

    tiers = (float(settings.tier_base), float(settings.tier_challenge), float(settings.tier_sprint))
    window_months = int(settings.history_window_months)
    rep_sales = rep_months(sales)
    ratios = [rep_ratios(rep_sales, r.month, window_months) for r in replayed]
    totals = by_region.groupby("month")["amount"].sum()
    actuals = np.array([float(totals[r.month]) for r in replayed])
    if loss == "base_hit" and not any(len(q) for q in ratios):
        return empty, problems + [problem(
            "history", None, "rep_id", "no-rep-history",
            "按基础目标达成面评分需要业务员的历史销售，但回测月份中没有可用的业务员数据",
            "the base-hit loss needs sales by rep, but no replayed month has reps with sales before and in it")]

    grid = weight_grid(available)
    grid_targets = targets_on_grid(grid, [r.values for r in replayed], unit)
    core_targets = np.array([[r.target for r in replayed]])
    grid_scores = score(grid_targets, actuals, ratios, tiers)
    current_scores = score(core_targets, actuals, ratios, tiers)

    notes = backtest_notes(replayed, skipped, available, missing, weights, replay, plan, months, len(grid))
    month_rows = month_table(replayed, actuals, core_targets[0], current_scores, ratios, available)
    result = Backtest(
        months=month_rows,
        summary=summary_table(month_rows, current_scores, len(grid)),
        factors=factor_table(weights, replay, available, missing),
        suggestions=suggestion_table(grid, grid_scores, replay, current_scores, loss),
        notes=notes,
        plan_month=plan,
        loss=loss,
        window_months=months,
    )
    return result, problems


# ---- Which months and which factors can be replayed ----

def months_with_history(by_region: pd.DataFrame, window: Sequence[pd.Period]
                        ) -> tuple[list[pd.Period], list[tuple[pd.Period, str, str]]]:
    """The window's months that have sales and a same month in the three years before; the others, with why."""
    totals = by_region.groupby("month")["amount"].sum()
    replayable, skipped = [], []
    for month in window:
        if month not in totals.index:
            skipped.append((month, "当月没有销售记录", "no sales in the month"))
        elif totals[month] <= 0:
            skipped.append((month, f"当月销售合计为 {totals[month]:,.2f}", f"the month's sales sum to "
                                                                        f"{totals[month]:,.2f}"))
        elif not any(month - 12 * back in totals.index for back in (1, 2, 3)):
            skipped.append((month, "前三年没有同期销售", "no sales in the same month of the three years before"))
        else:
            replayable.append(month)
    return replayable, skipped


def too_little_history(window: Sequence[pd.Period], replayable: Sequence[pd.Period]) -> Problem:
    first, last = window[0], window[-1]
    return problem(
        "history", None, None, "too-little-history",
        f"回测需要至少{MIN_MONTHS}个可回放的月份（当月有销售，且前三年有同期销售）；{first}至{last}的"
        f"{len(window)}个月中只有{len(replayable)}个。请补充更早的历史销售，或加大回测月数",
        f"the backtest needs at least {MIN_MONTHS} months it can replay (sales in the month and in the same "
        f"month of one of the three years before); {first} to {last} ({len(window)} months) has only "
        f"{len(replayable)}. Add older sales history or replay more months")


def year_rates(factors: pd.DataFrame, year: int, plan_year: int) -> dict[str, tuple[float | None, int | None]]:
    """Industry and benchmark growth for ``year`` as ``key -> (rate, excel_row)``.

    Past years take only rows marked with their year; the plan month's year
    also takes the current rows (blank year).
    """
    rows, _ = factors_for_year(factors, year, general=year == plan_year)
    found: dict[str, tuple[float | None, int | None]] = {key: (None, None) for key in RATE_FACTORS}
    for row, record in rows.iterrows():
        if record.get("factor") in RATE_FACTORS:
            rate = record.get("growth_rate")
            found[record["factor"]] = (None if pd.isna(rate) else float(rate), int(row))
    return found


def budget_available(budget: pd.DataFrame, month: pd.Period, regions: pd.DataFrame | None
                     ) -> tuple[bool, list[Problem]]:
    """Whether the Budget sheet gives a positive amount for ``month`` (for every region when regional).

    A company row that differs from the regions' sum is an input mistake worth
    a warning; it also keeps the budget out of that month.
    """
    scopes, found = budget_scopes(budget, month, regions, {"budget": 1.0})
    warnings = [p.at(severity="warning") for p in found if p.code == "company-budget-differs"]
    ok = not found and all(amount is not None and amount > 0 for _, amount, _ in scopes)
    return ok, warnings


def factor_availability(budget: pd.DataFrame, factors: pd.DataFrame, current: pd.DataFrame,
                        months: Sequence[pd.Period], plan: pd.Period, regions: pd.DataFrame | None):
    """Which factors every replayed month can form: ``(available, missing, problems)``.

    ``available`` maps factor -> bool; ``missing`` maps a dropped factor to the
    months (budget) or years (growth rates) that lack it. Each dropped factor is
    also a located warning, so the command line shows it too.
    """
    problems: list[Problem] = []
    missing: dict[str, list[str]] = {key: [] for key in FACTOR_KEYS}
    for month in months:
        ok, found = budget_available(budget, month, regions)
        problems += found
        if not ok:
            missing["budget"].append(str(month))
    for year in sorted({m.year for m in months}):
        for key, (rate, _) in year_rates(factors, year, plan.year).items():
            if rate is None:
                missing[key].append(str(year))
    available = {key: not missing[key] for key in FACTOR_KEYS}
    for key in FACTOR_KEYS:
        if available[key]:
            continue
        listed = "、".join(missing[key][:6]) + ("…" if len(missing[key]) > 6 else "")
        if key == "budget":
            problems.append(problem("budget", None, "amount", "factor-not-replayed",
                                    f"回测：{listed} 的预算缺少或为0，年度预算因素不参与回放和权重搜索",
                                    f"backtest: no budget (or a zero one) for {listed.replace('、', ', ')}; "
                                    "the budget factor is "
                                    "left out of the replay and the weight search", "warning"))
        else:
            rows = current.index[current["factor"] == key]
            label = FACTOR_LABELS[key]
            problems.append(problem("factors", int(rows[0]) if len(rows) else None, "growth_rate",
                                    "factor-not-replayed",
                                    f"回测：缺少 {listed} 年的{label.split()[0]}率（在参考因素表按年份填写），"
                                    "该因素不参与回放和权重搜索",
                                    f"backtest: no {label.split(' ', 1)[1].lower()} rate for "
                                    f"{listed.replace('、', ', ')} (give one row per year on the Factors sheet); "
                                    "the factor is left out of the replay and the weight search", "warning"))
    return available, missing, problems


def replay_weights(weights: dict[str, float], available: dict[str, bool]) -> dict[str, float]:
    """The current weights over the factors that can be replayed, scaled back to 100 %.

    When every factor with weight is dropped, the factors that remain share equally.
    """
    kept = {key: weights.get(key, 0.0) if available[key] else 0.0 for key in FACTOR_KEYS}
    total = sum(kept.values())
    if abs(total - 1) <= WEIGHT_TOLERANCE:
        return kept  # nothing with weight was dropped: the planner's own weights, unscaled
    if total > 0:
        return {key: w / total for key, w in kept.items()}
    count = sum(available.values())
    return {key: (1 / count if available[key] else 0.0) for key in FACTOR_KEYS}


def replay_rows(current: pd.DataFrame, weights: dict[str, float],
                rates: dict[str, tuple[float | None, int | None]]) -> pd.DataFrame:
    """The Factors rows a replayed month is planned with: replay weights, that year's growth rates.

    Each factor keeps the Excel row of its current row (or, without one, of its
    row for the year), so anything the core says still points at the sheet.
    """
    records, index = [], []
    for key in FACTOR_KEYS:
        rows = current.index[current["factor"] == key]
        row = int(rows[0]) if len(rows) else rates.get(key, (None, None))[1]
        if row is None:
            continue
        records.append({"factor": key, "weight": weights[key],
                        "growth_rate": rates[key][0] if key in rates else None,
                        "source": None})
        index.append(row)
    return pd.DataFrame(records, index=pd.Index(index, name="excel_row"),
                        columns=["factor", "weight", "growth_rate", "source"])


def scope_values(audit: pd.DataFrame, available: dict[str, bool]) -> np.ndarray | None:
    """The month's factor values, one row per scope and one column per factor.

    A scope with no same-month history has no history, industry or benchmark
    value and the core moves their weights to the budget: for the weight search
    those factors are then worth the budget, which gives the same target.
    Factors that are not replayed are 0 (they always weigh 0). None when a
    replayed factor has no value in some scope.
    """
    rows = []
    for _, frame in audit.groupby("scope", sort=False):
        value = dict(zip(frame["factor"], frame["value"]))
        if value["history"] is None or pd.isna(value["history"]):
            value.update(history=value["budget"], industry=value["budget"], benchmark=value["budget"])
        row = []
        for key in FACTOR_KEYS:
            v = value.get(key)
            missing = v is None or pd.isna(v)
            if missing and available[key]:
                return None
            row.append(0.0 if missing or not available[key] else float(v))
        rows.append(row)
    return np.array(rows, dtype="float64")


def condensed_notes(notes: Sequence[str], scopes: Sequence[str]) -> tuple[str, ...]:
    """The core's notes once each: the same sentence for several regions becomes one, naming them.

    ``"华东: No sales…"`` and ``"华南: No sales…"`` become ``"华东、华南: No sales…"``;
    a sentence every region shares loses its prefix.
    """
    regions = [s for s in scopes if s != COMPANY]
    grouped: dict[str, list[str]] = {}
    for note in notes:
        text, owner = note, None
        for scope in regions:
            if f"{scope}: " in text:
                text, owner = text.replace(f"{scope}: ", ""), scope
        grouped.setdefault(text, [])
        if owner:
            grouped[text].append(owner)
    out = []
    for text, owners in grouped.items():
        owners = list(dict.fromkeys(owners))
        out.append(text if not owners or len(owners) == len(regions) else f"{'、'.join(owners)}: {text}")
    return tuple(out)


# ---- Reps ----

def rep_months(sales: pd.DataFrame) -> pd.DataFrame:
    """Sales per month and rep (rows without a rep are left out)."""
    if "rep_id" not in sales:
        return pd.DataFrame(columns=["month", "rep_id", "amount"])
    rows = sales[sales["rep_id"].notna()]
    return rows.groupby(["month", "rep_id"], sort=True)["amount"].sum().reset_index()


def rep_ratios(rep_sales: pd.DataFrame, month: pd.Period, window_months: int) -> np.ndarray:
    """For each rep counted in ``month``: sales in the month ÷ their share of the target, sorted.

    A rep reached tier t of a target T exactly when ratio ≥ t × T, so one
    sorted array answers every target of the grid.
    """
    before = in_window(rep_sales, month, window_months).groupby("rep_id")["amount"].sum()
    during = rep_sales[rep_sales["month"] == month].groupby("rep_id")["amount"].sum()
    counted = before[(before > 0) & before.index.isin(during[during > 0].index)]
    if len(counted) == 0:
        return np.array([])
    share = counted / counted.sum()
    return np.sort((during[counted.index] / share).to_numpy(dtype="float64"))


def hit_shares(targets: np.ndarray, ratios: Sequence[np.ndarray], tier: float) -> np.ndarray:
    """Share of counted reps reaching ``tier`` × target, per grid point and month (NaN without reps)."""
    out = np.full(targets.shape, np.nan)
    for j, q in enumerate(ratios):
        if len(q):
            below = np.searchsorted(q, tier * targets[:, j] * (1 - 1e-12), side="left")
            out[:, j] = (len(q) - below) / len(q)
    return out


# ---- The weight search ----

def weight_grid(available: dict[str, bool], step: float = GRID_STEP) -> np.ndarray:
    """Every weight set on the simplex at ``step`` over the available factors (others 0), one per row.

    With all four factors and a step of 0.05 that is C(23, 3) = 1,771 sets.
    """
    parts = round(1 / step)
    keys = [i for i, key in enumerate(FACTOR_KEYS) if available[key]]
    k = len(keys)
    rows = []
    for bars in itertools.combinations(range(parts + k - 1), k - 1):
        edges = (-1, *bars, parts + k - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(k)])
    grid = np.zeros((len(rows), len(FACTOR_KEYS)))
    grid[:, keys] = np.array(rows, dtype="float64") / parts
    return grid


def to_units(amounts: np.ndarray, unit: float) -> np.ndarray:
    """:func:`salesxl.core.allocation.to_unit` on a whole array (amounts ≥ 0)."""
    return np.round(np.floor(amounts / unit + 0.5 + 1e-9) * unit, unit_decimals(unit))


def targets_on_grid(grid: np.ndarray, values: Sequence[np.ndarray], unit: float) -> np.ndarray:
    """The target of every grid point in every month: ``(grid points × months)``.

    Per month the scopes' targets are weights · factor values, each rounded to
    the unit, then summed and rounded again — as the core does.
    """
    scopes = max(v.shape[0] for v in values)
    stack = np.zeros((len(values), scopes, len(FACTOR_KEYS)))
    for m, v in enumerate(values):
        stack[m, :v.shape[0]] = v
    per_scope = to_units(np.einsum("gk,msk->gms", grid, stack), unit)
    return to_units(np.round(per_scope.sum(axis=2), 10), unit)


def score(targets: np.ndarray, actuals: np.ndarray, ratios: Sequence[np.ndarray], tiers: Sequence[float]
          ) -> dict[str, np.ndarray]:
    """Errors and hit rates of each row of ``targets`` (grid points × months) against the actuals."""
    pct = (targets - actuals) / actuals
    shares = [hit_shares(targets, ratios, t) for t in tiers]
    base = shares[0][:, [len(q) > 0 for q in ratios]]  # months with reps only
    low, high = BASE_BAND
    has_reps = base.shape[1] > 0
    return {
        "pct": pct,
        "mape": np.abs(pct).mean(axis=1),
        "bias": pct.mean(axis=1),
        "shares": shares,
        "base_share": base.mean(axis=1) if has_reps else np.full(len(targets), np.nan),
        "in_band": ((base >= low - 1e-12) & (base <= high + 1e-12)).sum(axis=1),
        "band_loss": ((np.clip(low - base, 0, None) + np.clip(base - high, 0, None)).mean(axis=1) if has_reps
                      else np.full(len(targets), np.nan)),
    }


def ranking(scores: dict[str, np.ndarray], grid: np.ndarray, current: dict[str, float], loss: str) -> np.ndarray:
    """Grid rows best first: by the loss, then MAPE, then nearness to the current weights."""
    distance = np.abs(grid - np.array([current[k] for k in FACTOR_KEYS])).sum(axis=1)
    primary = scores["mape"] if loss == "mape" else scores["band_loss"]
    return np.lexsort((np.arange(len(grid)), np.round(distance, 9), np.round(scores["mape"], 12),
                       np.round(primary, 12)))


# ---- The tables ----

def month_table(replayed: Sequence[Replayed], actuals: np.ndarray, targets: np.ndarray, scores: dict,
                ratios: Sequence[np.ndarray], available: dict[str, bool]) -> pd.DataFrame:
    records = []
    base, challenge, sprint = (s[0] for s in scores["shares"])
    for j, r in enumerate(replayed):
        totals = r.values.sum(axis=0)
        records.append({
            "month": r.month,
            **{key: (float(totals[i]) if available[key] else None) for i, key in enumerate(FACTOR_KEYS)},
            "target": float(targets[j]),
            "actual": float(actuals[j]),
            "error": float(targets[j] - actuals[j]),
            "abs_pct_error": float(abs(scores["pct"][0, j])),
            "bias": float(scores["pct"][0, j]),
            "reps": len(ratios[j]),
            "base_share": none_if_nan(base[j]),
            "challenge_share": none_if_nan(challenge[j]),
            "sprint_share": none_if_nan(sprint[j]),
            "note": " ".join(dict.fromkeys(r.notes)) or None,
        })
    return pd.DataFrame(records, columns=MONTH_COLUMNS)


def none_if_nan(value) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def mean_or_none(series: pd.Series) -> float | None:
    known = pd.to_numeric(series, errors="coerce").dropna()
    return float(known.mean()) if len(known) else None


def summary_table(months: pd.DataFrame, scores: dict, grid_size: int) -> pd.DataFrame:
    target_total, actual_total = float(months["target"].sum()), float(months["actual"].sum())
    return pd.DataFrame([{
        "months": len(months),
        "first": months["month"].iloc[0],
        "last": months["month"].iloc[-1],
        "mape": float(scores["mape"][0]),
        "bias": float(scores["bias"][0]),
        "over": int((months["error"] > 0).sum()),
        "under": int((months["error"] < 0).sum()),
        "target_total": target_total,
        "actual_total": actual_total,
        "total_error": target_total / actual_total - 1,
        "base_share": mean_or_none(months["base_share"]),
        "challenge_share": mean_or_none(months["challenge_share"]),
        "sprint_share": mean_or_none(months["sprint_share"]),
        "months_in_band": int(scores["in_band"][0]),
        "grid_size": grid_size,
    }], columns=SUMMARY_COLUMNS)


def factor_table(weights: dict[str, float], replay: dict[str, float], available: dict[str, bool],
                 missing: dict[str, list[str]]) -> pd.DataFrame:
    records = []
    for key in FACTOR_KEYS:
        gap = missing[key]
        what = ("缺少预算（或为0）的月份 no budget for " if key == "budget" else "缺少增长率年份 no growth rate for ")
        records.append({
            "factor": key, "label": FACTOR_LABELS[key], "weight_set": weights.get(key, 0.0),
            "weight_replayed": replay[key], "in_search": available[key],
            "missing": what + ", ".join(gap) if gap else None,
        })
    return pd.DataFrame(records, columns=FACTOR_COLUMNS)


def suggestion_table(grid: np.ndarray, scores: dict, replay: dict[str, float], current: dict, loss: str
                     ) -> pd.DataFrame:
    """The current weights (as replayed) first, then the ``TOP`` best grid points."""
    primary = "mape" if loss == "mape" else "band_loss"

    def row(rank, weights, at, source, is_current):
        return {"rank": rank, **{key: float(weights[i]) for i, key in enumerate(FACTOR_KEYS)},
                "mape": float(source["mape"][at]), "bias": float(source["bias"][at]),
                "base_share": none_if_nan(source["base_share"][at]), "months_in_band": int(source["in_band"][at]),
                "score": float(source[primary][at]), "current": is_current}

    order = ranking(scores, grid, replay, loss)[:TOP]
    records = [row("当前 Current", [replay[k] for k in FACTOR_KEYS], 0, current, True)]
    records += [row(str(n), grid[i], i, scores, False) for n, i in enumerate(order, start=1)]
    return pd.DataFrame(records, columns=SUGGESTION_COLUMNS)


def month_runs(skipped: Sequence[tuple[pd.Period, str, str]]) -> list[tuple[str, str, str]]:
    """Consecutive months skipped for the same reason as one span: ``2023-01–2023-11``."""
    runs: list[list] = []
    for month, zh, en in sorted(skipped, key=lambda s: s[0]):
        if runs and runs[-1][2] == zh and runs[-1][1] + 1 == month:
            runs[-1][1] = month
        else:
            runs.append([month, month, zh, en])
    return [(str(a) if a == b else f"{a}–{b}", zh, en) for a, b, zh, en in runs]


def backtest_notes(replayed, skipped, available, missing, weights, replay, plan, months, grid_size) -> list[str]:
    first, last = plan - months, plan - 1
    notes = [
        f"回放 {first} 至 {last} 中的 {len(replayed)} 个月：每个月只用上月末已知的数据（此前的历史销售、该月预算、"
        f"该年增长率），按当前的权重与历史同期算法重新计算目标，再与实际销售比较。"
        f" Replays {len(replayed)} months of {first} to {last}: each month is planned again from what was known at "
        "the end of the month before (earlier sales, that month's budget, that year's growth rates) with the "
        "current weights and history method, then set against what was actually sold.",
    ]
    dropped = [key for key in FACTOR_KEYS if not available[key]]
    if dropped:
        labels = "、".join(FACTOR_LABELS[k].split()[0] for k in dropped)
        labels_en = ", ".join(FACTOR_LABELS[k].split(" ", 1)[1] for k in dropped)
        notes.append(f"无法回放的因素：{labels}（见下方因素表中缺少的月份或年份）——不参与权重搜索，其权重为0。"
                     f" Factors that cannot be replayed: {labels_en} (see what is missing in the factor table "
                     "below); they are left out of the weight search and weigh 0.")
    if any(abs(weights.get(k, 0.0) - replay[k]) > 1e-9 for k in FACTOR_KEYS):
        shown = "、".join(f"{FACTOR_LABELS[k].split()[0]} {replay[k]:.0%}" for k in FACTOR_KEYS if replay[k] > 0)
        shown_en = ", ".join(f"{FACTOR_LABELS[k].split(' ', 1)[1]} {replay[k]:.0%}" for k in FACTOR_KEYS
                             if replay[k] > 0)
        notes.append(f"回放所用权重：{shown}（当前权重按可回放的因素重新归一）。"
                     f" Weights used in the replay: {shown_en} (the current weights scaled over the factors that "
                     "can be replayed).")
    if skipped:
        runs = month_runs(skipped)
        listed = "；".join(f"{span}：{zh}" for span, zh, _ in runs)
        listed_en = "; ".join(f"{span}: {en}" for span, _, en in runs)
        notes.append(f"未回放的月份：{listed}。 Months not replayed: {listed_en}.")
    if len(replayed) < ENOUGH_MONTHS:
        notes.append(f"只有 {len(replayed)} 个月可回放，建议的权重仅供参考。"
                     f" Only {len(replayed)} months could be replayed: treat the suggestions with care.")
    notes.append(f"权重搜索：在 {grid_size:,} 组权重（步长 {GRID_STEP:.0%}，和为100%）中评分。建议仅供参考，"
                 "参考因素表中的权重未被修改；如要采用，请手工填入。"
                 f" Weight search: {grid_size:,} weight sets scored (steps of {GRID_STEP:.0%}, summing to 100%). "
                 "Suggestions only: the weights on the Factors sheet are unchanged; copy one there to use it.")
    return notes

