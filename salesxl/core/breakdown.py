"""Official release 正式下达: the month's target split to every rep, outlet, product and working day.

Step 4 of the method. The month's total, its regions and its SKUs come from the
target structure (:func:`salesxl.core.plan.draft_plan`); this module takes them
further down, level by level, so that at every level the parts add up exactly
to the whole at the rounding unit:

1. **Regions** keep the structure's figures, except where the Regions sheet holds
   a manual target: the rest is spread over the other regions in proportion to
   the structure. **SKUs** the same, with holds from the Products sheet.
2. **Region → rep.** Within each region, by the rep's share of the region's sales
   over the history window (``history_window_months``), or equally, like a
   reference month, or by the potential of the rep's outlets (``rep_method``). A
   new rep (no history, or fewer than ``new_rep_months`` months of it) starts at
   ``new_rep_share`` of the region's average rep share unless the Reps sheet gives
   a manual share; inactive reps get nothing; a manual target is a hold.
   A rep's history share uses the rep's average month while present, so a rep
   hired five months ago is not measured against a twelve-month year.
3. **Rep × SKU.** The rep × SKU history matrix, with a small prior in every cell
   (``fit_prior`` times what independence would give it, so new reps and new SKUs
   get a share), is fitted to the rep targets and the SKU targets
   (:mod:`salesxl.core.fitting`) and rounded: rep totals exact, SKU totals exact or
   within one unit per rep.
4. **Rep → outlet.** By the outlet's history share within the rep, blended with its
   potential where the Outlets sheet gives one (``outlet_history_weight`` β: an
   outlet with a potential weighs β × its history share + (1 − β) × its share of
   the rep's potential; one without weighs its history share), or another method
   (``outlet_method``); outlet holds. Core outlets then get a target per SKU: the
   rep's SKU targets, in proportion, over the rep's core outlets, fitted to their
   SKU history the same way.
5. **Month → working day.** Each rep's target over the working days of the country
   calendar with the Calendar sheet's overrides, equally or by the weekday pattern
   of history (``weekday_pattern``); see :mod:`salesxl.core.calendar`.
6. **Tiers.** Base, challenge and sprint: each rep's target times the multipliers
   in Settings, which must rise (base ≤ challenge ≤ sprint).

Targets follow the rep: an outlet served by a rep of another region is part of
its rep's target and so of the rep's region; the outlet sheet shows both regions.

Agreed targets (from the agreement step) replace the rep targets for the reps
they name; the month total becomes their sum and the SKU targets are rescaled to
it, so the rest of the breakdown follows the agreed figures.

Over 600 lines because the release is one chain, read top-down in the order it runs: regions, reps,
rep × SKU, outlets, core outlet × SKU, days, tiers; each level is spread from the one above it, with the
same holds and rounding, and a level on its own would not say what it is spread from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import terms
from ..problems import Problem, has_errors, problem
from .allocation import allocate_groups
from .calendar import month_calendar, split_reps_by_workdays, weekday_pattern
from .fitting import FitReport, fit_margins, round_to_margins
from .settings import Settings
from .spreading import Where, as_units, spread, to_units

METHOD_LABEL = {
    "history": "历史份额 history share",
    "equal": "平均 equal",
    "reference": "参考期 like a reference period",
    "potential": "按潜力 by potential",
}

REP = Where("reps", "manual_target", "业务员", "rep", "区域", "region")
OUTLET = Where("outlets", "manual_target", "网点", "outlet", "业务员", "rep")
REGION = Where("regions", "manual_target", "区域", "region", "公司", "the company")
SKU = Where("products", "manual_target", "产品", "SKU", "公司", "the company")


@dataclass
class Breakdown:
    """Everything the release issues, each frame exact at the rounding unit.

    Attributes:
        month: the plan month.
        total: the month's target (the agreed total when agreed targets were given).
        regions: ``region``, ``structure`` (the structure's figure), ``target``, ``held``,
            ``reps_total`` (the sum of its reps).
        skus: ``sku``, ``role``, ``structure``, ``target``, ``held``, ``reps_total``.
        reps: one row per active rep: ``month``, ``rep_id``, ``name``, ``region``, ``target``,
            ``base``, ``challenge``, ``sprint``, ``history``, ``history_share``, ``last_year``,
            ``growth``, ``share``, ``new``, ``held``, ``agreed``.
        rep_skus: ``rep_id``, ``name``, ``region``, ``sku``, ``role``, ``sku_target``, ``history``,
            ``share_of_rep`` (cells with a target).
        outlets: ``outlet_id``, ``name``, ``rep_id``, ``region``, ``rep_region``, ``core``,
            ``outlet_target``, ``history``, ``potential``, ``share_of_rep``, ``held``.
        outlet_skus: ``outlet_id``, ``rep_id``, ``sku``, ``role``, ``outlet_sku_target``, ``history``.
        days: one row per rep and worked day: ``date``, ``weekday``, ``rep_id``, ``daily_target``,
            ``target_to_date``.
        calendar: every day of the month: ``date``, ``weekday``, ``holiday``, ``working``,
            ``weight``, ``source``, ``target``, ``cumulative`` (the company's day).
        rep_sku_fit, outlet_sku_fit: how the two fits went.
        pattern: the weekday pattern used (1 = Monday), or None for equal days.
        notes: lines for the planner by sheet (``reps``, ``outlets``, ``days``): methods used,
            new reps, fallbacks, outlets outside their rep's region.
    """

    month: pd.Period
    total: float
    regions: pd.DataFrame
    skus: pd.DataFrame
    reps: pd.DataFrame
    rep_skus: pd.DataFrame
    outlets: pd.DataFrame
    outlet_skus: pd.DataFrame
    days: pd.DataFrame
    calendar: pd.DataFrame
    rep_sku_fit: FitReport
    outlet_sku_fit: FitReport
    pattern: pd.Series | None = None
    notes: dict[str, list[str]] = field(default_factory=dict)


def break_down(total: float, region_targets: pd.DataFrame, sku_targets: pd.DataFrame,
               tables: dict[str, pd.DataFrame], settings: Settings,
               agreed: pd.DataFrame | None = None) -> tuple[Breakdown | None, list[Problem]]:
    """Split the month's ``total`` down to reps, SKUs, outlets and days.

    ``region_targets`` has ``region`` and ``target`` (summing to ``total``),
    ``sku_targets`` has ``sku``, ``role`` and ``target`` (the same); ``tables`` holds the
    input sheets ``reps``, ``outlets``, ``products``, ``regions``, ``history`` and
    (optionally) ``calendar``, indexed by Excel row; ``agreed`` optionally has ``rep_id``
    and ``target``. Returns None with the problems when something stops the split.
    """
    month = pd.Period(settings.plan_month, freq="M")
    unit = float(settings.rounding_unit)
    history = with_sales_month(tables["history"])
    notes: dict[str, list[str]] = {"reps": [], "outlets": [], "days": []}
    problems = check_tiers(settings)
    total = float(to_units(total, unit))

    regions, found = region_level(total, region_targets, tables["regions"], unit)
    problems += found
    skus, found = sku_level(total, sku_targets, tables["products"], unit)
    problems += found
    reps, found = rep_level(regions, tables["reps"], tables["outlets"], history, month, settings,
                            notes["reps"], tables["regions"])
    problems += found
    if agreed is not None and len(agreed):
        reps, regions, skus, total, found = apply_agreed(reps, regions, skus, agreed, tables["products"],
                                                         unit, notes["reps"])
        problems += found
    calendar, found = month_calendar(month, str(settings.country), tables.get("calendar"))
    problems += found
    if has_errors(problems):
        return None, problems

    rep_skus, rep_sku_fit = rep_sku_level(reps, skus, history, month, settings)
    outlets, found = outlet_level(reps, tables["outlets"], history, month, settings, notes["outlets"])
    problems += found
    if has_errors(problems):
        return None, problems
    outlet_skus, outlet_sku_fit = core_outlet_sku_level(outlets, rep_skus, history, month, settings)
    for fit, zh, en in ((rep_sku_fit, "业务员×产品", "rep × SKU"), (outlet_sku_fit, "核心店×产品", "core outlet × SKU")):
        if not fit.converged:
            problems.append(problem(None, None, None, "fit-not-converged",
                                    f"{zh}拟合未收敛，产品合计最多相差 {fit.rounded_max_error:,.2f}；可调大“拟合先验”",
                                    f"the {en} fit did not converge; SKU totals may be off by up to "
                                    f"{fit.rounded_max_error:,.2f}; a larger fitting prior helps", "warning"))

    pattern = None
    if settings.weekday_pattern:
        pattern = weekday_pattern(history, month, int(settings.history_window_months),
                                  str(settings.country))
        if pattern is None:
            notes["days"].append("历史中没有日明细，日目标按工作日平均拆分 / no daily history: days are split equally")
    days, company = split_reps_by_workdays(reps.set_index("rep_id")["target"], calendar, unit, pattern)
    days = days.rename(columns={"target": "daily_target", "cumulative": "target_to_date"})
    days = days[["date", "weekday", "rep_id", "daily_target", "target_to_date"]]

    reps = add_tiers(reps, settings, unit)
    regions["reps_total"] = regions["region"].map(reps.groupby("region")["target"].sum()).fillna(0.0)
    skus["reps_total"] = skus["sku"].map(rep_skus.groupby("sku")["sku_target"].sum()).fillna(0.0)
    result = Breakdown(month, total, regions, skus, reps, rep_skus, outlets, outlet_skus, days, company,
                       rep_sku_fit, outlet_sku_fit, pattern, notes)
    return result, problems


# ---- history ----

def with_sales_month(history: pd.DataFrame) -> pd.DataFrame:
    """History with ``sales_month``: the month column, or the month of the date for daily rows."""
    out = history.copy()
    month = pd.Series(pd.PeriodIndex(out["month"], freq="M"), index=out.index)
    from_date = pd.Series(pd.PeriodIndex(pd.to_datetime(out["date"]).dt.to_period("M"), freq="M"), index=out.index)
    out["sales_month"] = month.where(month.notna(), from_date)
    return out


def in_window(history: pd.DataFrame, month: pd.Period, months: int) -> pd.DataFrame:
    """Rows of the ``months`` months before ``month``."""
    when = history["sales_month"]
    return history[(when >= month - months) & (when <= month - 1)]


def sales_by(history: pd.DataFrame, keys: list[str]) -> pd.Series:
    return history.dropna(subset=keys).groupby(keys)["amount"].sum()


def month_number(periods: pd.Series) -> pd.Series:
    """Months counted from year 0, so periods compare and subtract as numbers (NaN stays NaN)."""
    return periods.dt.year * 12 + periods.dt.month


# ---- regions and SKUs: the structure, with holds ----

def region_level(total: float, region_targets: pd.DataFrame, regions_sheet: pd.DataFrame,
                 unit: float) -> tuple[pd.DataFrame, list[Problem]]:
    """The structure's region targets, with the Regions sheet's holds; exact sum to ``total``."""
    frame = region_targets[["region", "target"]].rename(columns={"target": "structure"}).reset_index(drop=True)
    holds = hold_column(regions_sheet).groupby(regions_sheet["region"]).first()
    rows = pd.Series(regions_sheet.index, index=regions_sheet["region"]).groupby(level=0).first()
    parts = frame.set_index(frame["region"].map(rows).fillna(0).astype(int).to_numpy())
    result = spread(pd.Series({"company": total}), pd.Series("company", index=parts.index),
                    parts["structure"], parts["region"].map(holds), unit, REGION)
    frame["target"], frame["held"] = result.amount, result.held
    return frame, result.problems


def sku_level(total: float, sku_targets: pd.DataFrame, products: pd.DataFrame,
              unit: float) -> tuple[pd.DataFrame, list[Problem]]:
    """The structure's SKU targets, with the Products sheet's holds; exact sum to ``total``."""
    frame = sku_targets[["sku", "role", "target"]].rename(columns={"target": "structure"}).reset_index(drop=True)
    active = products["active"].fillna(True).astype(bool) if "active" in products else True
    holds = hold_column(products).where(active)
    holds = holds.groupby(products["sku"]).first()
    rows = pd.Series(products.index, index=products["sku"]).groupby(level=0).first()
    parts = frame.set_index(frame["sku"].map(rows).fillna(0).astype(int).to_numpy())
    result = spread(pd.Series({"company": total}), pd.Series("company", index=parts.index),
                    parts["structure"], parts["sku"].map(holds), unit, SKU)
    frame["target"], frame["held"] = result.amount, result.held
    ignored = [problem("products", int(row), "manual_target", "hold-on-inactive-product",
                       "产品不在售，手工目标已忽略", "the product is not active; the manual target is ignored", "warning")
               for row in products.index[hold_column(products).notna() & ~pd.Series(active, index=products.index)]]
    return frame, result.problems + ignored


def hold_column(sheet: pd.DataFrame) -> pd.Series:
    if "manual_target" in sheet:
        return pd.to_numeric(sheet["manual_target"], errors="coerce")
    return pd.Series(np.nan, index=sheet.index)


# ---- region -> rep ----

def rep_level(regions: pd.DataFrame, reps_sheet: pd.DataFrame, outlets: pd.DataFrame, history: pd.DataFrame,
              month: pd.Period, settings: Settings, notes: list[str],
              regions_sheet: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Each active rep's target within the region, with history, shares and the growth it implies."""
    unit = float(settings.rounding_unit)
    window_months = int(settings.history_window_months)
    method = str(settings.rep_method)
    problems: list[Problem] = []
    reps = reps_sheet.copy()
    reps["active"] = reps["active"].fillna(True).astype(bool) if "active" in reps else True
    reps["manual_share"] = pd.to_numeric(reps.get("manual_share"), errors="coerce") if "manual_share" in reps \
        else np.nan
    reps["manual_target"] = hold_column(reps_sheet)
    for row in reps.index[~reps["active"] & reps["manual_target"].notna()]:
        problems.append(problem("reps", int(row), "manual_target", "hold-on-inactive-rep",
                                "业务员不在岗，手工目标已忽略", "the rep is not active; the manual target is ignored",
                                "warning"))

    window = in_window(history, month, window_months)
    reps["history"] = reps["rep_id"].map(sales_by(window, ["rep_id"])).fillna(0.0)
    region_sales = sales_by(window, ["region"])
    reps["history_share"] = (reps["history"] / reps["region"].map(region_sales)).replace([np.inf], np.nan)
    reps["last_year"] = reps["rep_id"].map(sales_by(history[history["sales_month"] == month - 12],
                                                    ["rep_id"])).fillna(0.0)

    # Months the rep was there to sell: from the later of the window start and the hire date
    # (or, without a hire date, the first sale in the window) to the end of the window.
    first_sale = month_number(window.dropna(subset=["rep_id"]).groupby("rep_id")["sales_month"].min())
    window_start, window_end = month_number(pd.Series([month - window_months, month - 1]))
    hired = month_number(pd.to_datetime(reps["hire_date"]).dt.to_period("M")) if "hire_date" in reps \
        else pd.Series(np.nan, index=reps.index)
    first = reps["rep_id"].map(first_sale).astype("float64")
    present_from = hired.where(hired.notna(), first).clip(lower=window_start)
    months_present = (window_end - present_from + 1).clip(lower=0, upper=window_months).fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        reps["monthly_rate"] = np.where(months_present > 0, reps["history"] / months_present, 0.0)
    reps["new"] = (reps["history"] <= 0) | (months_present < int(settings.new_rep_months))

    reference = sales_by(history[history["sales_month"] == month - int(settings.reference_offset)],
                         ["rep_id"])
    potential = outlets.groupby("rep_id")["potential"].sum(min_count=1) if len(outlets) else pd.Series(dtype=float)
    basis = {
        "history": reps["monthly_rate"],
        "reference": reps["rep_id"].map(reference).fillna(0.0),
        "equal": pd.Series(1.0, index=reps.index),
        "potential": reps["rep_id"].map(potential).fillna(0.0),
    }[method]

    active = reps[reps["active"]].copy()
    active["basis"] = basis[active.index]
    weight, found = rep_weights(active, method, float(settings.new_rep_share))
    problems += found
    wholes = regions.set_index("region")["target"]
    result = spread(wholes, active["region"], weight, active["manual_target"], unit, REP)
    problems += result.problems
    active["target"], active["held"] = result.amount, result.held
    if result.equal_fallback:
        notes.append(f"以下区域没有可用的{METHOD_LABEL[method]}数据，已平均分配 / no data for the rep method in "
                     f"these regions, split equally: {', '.join(map(str, result.equal_fallback))}")
    problems += regions_without_reps(wholes, active, unit, regions_sheet)

    active["month"] = month
    region_target = active["region"].map(wholes)
    active["share"] = (active["target"] / region_target).where(region_target > 0)
    active["growth"] = (active["target"] / active["last_year"] - 1).where(active["last_year"] > 0)
    active["agreed"] = False
    new = active.loc[active["new"] & ~active["held"] & active["manual_share"].isna(), "rep_id"]
    notes.append(f"业务员拆分方法 rep method: {METHOD_LABEL[method]}; 历史窗口 history window: {window_months} 个月 months")
    if len(new) and method in ("history", "reference"):
        notes.append(f"新人按起始份额 new reps at the starting share "
                     f"({float(settings.new_rep_share):.0%} of the region's average): {', '.join(new)}")
    inactive = reps.loc[~reps["active"], "rep_id"]
    if len(inactive):
        notes.append(f"不在岗业务员不分配目标 inactive reps get nothing: {', '.join(inactive)}")
    columns = ["month", "rep_id", "name", "region", "target", "history", "history_share", "last_year", "growth",
               "share", "new", "held", "agreed", "manual_share"]
    return active[columns].sort_values(["region", "rep_id"], kind="stable"), problems


def rep_weights(active: pd.DataFrame, method: str, new_rep_share: float) -> tuple[pd.Series, list[Problem]]:
    """Each unheld rep's share of what the region spreads.

    A manual share is taken as given; a new rep (history-like methods only) gets
    ``new_rep_share`` of the region's average rep share (1 / number of unheld reps);
    the established reps share what is left by their basis.
    """
    unheld = active["manual_target"].isna()
    count = unheld.groupby(active["region"]).transform("sum").clip(lower=1)
    starting = active["new"] & (method in ("history", "reference"))
    fixed = active["manual_share"].where(active["manual_share"].notna(),
                                         (new_rep_share / count).where(starting))
    fixed = fixed.where(unheld)
    established = unheld & fixed.isna()
    fixed_sum = fixed.fillna(0).groupby(active["region"]).transform("sum")
    problems = []
    manual = active["manual_share"].notna() & unheld
    over = (fixed_sum > 1 + 1e-9) & manual.groupby(active["region"]).transform("any")
    for row in active.index[over & manual]:
        region = active.at[row, "region"]
        problems.append(problem("reps", int(row), "manual_share", "shares-exceed-whole",
                                f"区域“{region}”的手工份额与新人份额合计 {fixed_sum[row]:.1%}，超过100%",
                                f"manual and new-rep shares in region '{region}' add up to {fixed_sum[row]:.1%}, "
                                "more than 100%"))
    mass = (1 - fixed_sum).clip(lower=0)
    basis = active["basis"].where(established, 0.0)
    basis_sum = basis.groupby(active["region"]).transform("sum")
    est_count = established.groupby(active["region"]).transform("sum")
    # Established reps with no basis at all share their part equally.
    est_share = np.where(basis_sum > 0, basis / basis_sum.where(basis_sum > 0, 1), 1 / est_count.clip(lower=1))
    weight = fixed.where(fixed.notna(), mass * est_share * established)
    return weight.fillna(0.0), problems


def regions_without_reps(wholes: pd.Series, active: pd.DataFrame, unit: float,
                         regions_sheet: pd.DataFrame | None) -> list[Problem]:
    """A region with a target and no active rep to carry it, located at its row on the Regions sheet."""
    served = set(active["region"])
    rows = {} if regions_sheet is None else dict(zip(regions_sheet["region"], regions_sheet.index))
    return [problem("regions", int(rows[region]) if region in rows else None, "region", "region-without-reps",
                    f"区域“{region}”有目标 {amount:,.2f}，但没有在岗业务员；请指派业务员，或将该区域手工目标设为0",
                    f"region '{region}' has a target of {amount:,.2f} but no active rep; assign a rep, or hold "
                    "the region at 0")
            for region, amount in wholes.items() if as_units(amount, unit) > 0 and region not in served]


def apply_agreed(reps, regions, skus, agreed, products, unit, notes):
    """Agreed targets replace the draft for the reps they name; the rest follows their total."""
    problems = []
    agreed = agreed.copy()
    agreed["target"] = pd.to_numeric(agreed["target"], errors="coerce")
    known = agreed["rep_id"].isin(reps["rep_id"])
    for row in agreed.index[~known]:
        problems.append(problem("agreement", int(row), "rep_id", "agreed-unknown-rep",
                                f"约定目标中的业务员“{agreed.at[row, 'rep_id']}”不是在岗业务员",
                                f"the agreed target names '{agreed.at[row, 'rep_id']}', who is not an active rep"))
    for row in agreed.index[~(agreed["target"] >= 0)]:
        problems.append(problem("agreement", int(row), "target", "agreed-negative",
                                "约定目标必须是0或正数", "an agreed target must be zero or more"))
    agreed = agreed[known & (agreed["target"] >= 0)].drop_duplicates("rep_id", keep="last")
    by_rep = agreed.set_index("rep_id")["target"]
    hit = reps["rep_id"].isin(by_rep.index)
    reps = reps.copy()
    reps.loc[hit, "target"] = to_units(reps.loc[hit, "rep_id"].map(by_rep).to_numpy(), unit)
    reps.loc[hit, "agreed"] = True
    draft = float(regions["target"].sum())
    total = float(np.round(reps["target"].sum() / unit) * unit)
    regions = regions.copy()
    regions["target"] = regions["region"].map(reps.groupby("region")["target"].sum()).fillna(0.0)
    region_target = reps["region"].map(regions.set_index("region")["target"])
    reps["share"] = (reps["target"] / region_target).where(region_target > 0)
    reps["growth"] = (reps["target"] / reps["last_year"] - 1).where(reps["last_year"] > 0)
    skus, found = sku_level(total, skus.rename(columns={"target": "draft"}).assign(target=skus["structure"]),
                            products, unit)
    problems += found
    notes.append(f"约定目标已替换 {int(hit.sum())} 名业务员的目标 agreed targets replace {int(hit.sum())} reps' targets")
    if round(total - draft, 6) != 0:
        notes.append(f"约定合计 {total:,.2f} 与草案 {draft:,.2f} 不同，产品目标已按比例调整 / the agreed total "
                     f"{total:,.2f} differs from the draft {draft:,.2f}; SKU targets were rescaled to it")
    return reps, regions, skus, total, problems


# ---- rep x SKU ----

def seed_cells(history: pd.DataFrame, month: pd.Period, settings: Settings,
               keys: list[str], window: pd.Series | None = None) -> pd.Series:
    """The amounts that shape a fit, by ``keys``: history window, reference month, or nothing (equal).

    ``window`` is the history window's sales by ``keys`` when the caller has it already (it is
    then the seed itself, not summed again from millions of history rows).
    """
    method = str(settings.sku_method)
    if method == "equal":
        return pd.Series(dtype="float64")
    if method == "reference":
        rows = history[history["sales_month"] == month - int(settings.reference_offset)]
    elif window is not None:
        return window
    else:
        rows = in_window(history, month, int(settings.history_window_months))
    return sales_by(rows, keys)


def fitted_cells(rows: np.ndarray, cols: np.ndarray, block: np.ndarray, seed: np.ndarray,
                 row_targets: np.ndarray, col_targets: np.ndarray, prior: float,
                 unit: float) -> tuple[np.ndarray, FitReport]:
    """Fit and round one or many blocks of cells (a block: one rep's core outlets × SKUs).

    Within a block the seed is taken as shares of its history, plus ``prior`` times the
    share independence would give the cell (row share × column share); a row or column
    with a target but no seed at all gets the independent share even when the prior is 0.
    """
    block_rows = np.bincount(rows, minlength=len(row_targets)) > 0
    block_of_row = np.zeros(len(row_targets), dtype="int64")
    block_of_row[rows] = block
    n_blocks = int(block.max(initial=-1)) + 1
    block_total = np.bincount(block_of_row[block_rows], weights=row_targets[block_rows], minlength=n_blocks)
    seed_total = np.bincount(block, weights=seed, minlength=n_blocks)
    with np.errstate(divide="ignore", invalid="ignore"):
        pattern = np.where(seed_total[block] > 0, seed / seed_total[block], 0.0)
        independent = np.where(block_total[block] > 0,
                               row_targets[rows] * col_targets[cols] / block_total[block] ** 2, 0.0)
    cells = pattern + prior * independent
    empty_row = np.bincount(rows, weights=cells, minlength=len(row_targets)) <= 0
    empty_col = np.bincount(cols, weights=cells, minlength=len(col_targets)) <= 0
    cells = np.where(empty_row[rows] | empty_col[cols], cells + independent, cells)
    tolerance = unit * 1e-3
    fitted, report = fit_margins(rows, cols, cells, row_targets, col_targets, tolerance)
    rounded, gap = round_to_margins(rows, cols, fitted, row_targets, col_targets, unit)
    return rounded, FitReport(report.iterations, report.max_error, report.converged, gap)


def rep_sku_level(reps: pd.DataFrame, skus: pd.DataFrame, history: pd.DataFrame, month: pd.Period,
                  settings: Settings) -> tuple[pd.DataFrame, FitReport]:
    """Each rep's target over the SKUs: rep totals exact, SKU totals fitted (RAS) and repaired."""
    unit = float(settings.rounding_unit)
    row_frame = reps[reps["target"] > 0].reset_index(drop=True)
    col_frame = skus[skus["target"] > 0].reset_index(drop=True)
    rows = np.repeat(np.arange(len(row_frame)), len(col_frame))
    cols = np.tile(np.arange(len(col_frame)), len(row_frame))
    cells = pd.DataFrame({"rep_id": row_frame["rep_id"].to_numpy()[rows], "sku": col_frame["sku"].to_numpy()[cols]})
    seed = seed_cells(history, month, settings, ["rep_id", "sku"])
    window = sales_by(in_window(history, month, int(settings.history_window_months)), ["rep_id", "sku"])
    index = pd.MultiIndex.from_frame(cells)
    amounts, report = fitted_cells(rows, cols, np.zeros(len(rows), dtype="int64"),
                                   seed.reindex(index).fillna(0.0).to_numpy() if len(seed) else np.ones(len(rows)),
                                   row_frame["target"].to_numpy(dtype="float64"),
                                   col_frame["target"].to_numpy(dtype="float64"),
                                   float(settings.fit_prior), unit)
    cells["name"] = row_frame["name"].to_numpy()[rows]
    cells["region"] = row_frame["region"].to_numpy()[rows]
    cells["role"] = col_frame["role"].to_numpy()[cols]
    cells["sku_target"] = amounts
    cells["history"] = window.reindex(index).fillna(0.0).to_numpy()
    cells["share_of_rep"] = amounts / row_frame["target"].to_numpy()[rows] if len(rows) else amounts
    cells = cells[cells["sku_target"] > 0]
    columns = ["rep_id", "name", "region", "sku", "role", "sku_target", "history", "share_of_rep"]
    return cells[columns].reset_index(drop=True), report


# ---- rep -> outlet ----

def outlet_level(reps: pd.DataFrame, outlets_sheet: pd.DataFrame, history: pd.DataFrame, month: pd.Period,
                 settings: Settings, notes: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Each rep's target over the rep's outlets (history blended with potential by default), with holds."""
    unit = float(settings.rounding_unit)
    method = str(settings.outlet_method)
    beta = float(settings.outlet_history_weight)
    problems: list[Problem] = []
    outlets = outlets_sheet.copy()
    outlets["manual_target"] = hold_column(outlets_sheet)
    outlets["core"] = outlets["core"].fillna(False).astype(bool) if "core" in outlets else False
    outlets["potential"] = pd.to_numeric(outlets.get("potential"), errors="coerce") if "potential" in outlets \
        else np.nan
    served = outlets["rep_id"].isin(reps["rep_id"])
    for row in outlets.index[~served]:
        problems.append(problem("outlets", int(row), "rep_id", "outlet-rep-inactive",
                                f"网点的业务员“{outlets.at[row, 'rep_id']}”不在岗，此网点没有目标",
                                f"the outlet's rep '{outlets.at[row, 'rep_id']}' is not active; the outlet gets no "
                                "target", "warning"))
    outlets = outlets[served].copy()
    window = in_window(history, month, int(settings.history_window_months))
    outlets["history"] = outlets["outlet_id"].map(sales_by(window, ["outlet_id"])).fillna(0.0)
    by_rep = outlets.groupby("rep_id")
    history_share = (outlets["history"] / by_rep["history"].transform("sum")).fillna(0.0)
    potential_share = (outlets["potential"] / by_rep["potential"].transform("sum")).fillna(0.0)
    reference = sales_by(history[history["sales_month"] == month - int(settings.reference_offset)],
                         ["outlet_id"])
    weight = {
        "history": history_share.where(outlets["potential"].isna(),
                                       beta * history_share + (1 - beta) * potential_share),
        "equal": pd.Series(1.0, index=outlets.index),
        "reference": outlets["outlet_id"].map(reference).fillna(0.0),
        "potential": outlets["potential"].fillna(0.0),
    }[method]
    wholes = reps.set_index("rep_id")["target"]
    result = spread(wholes, outlets["rep_id"], weight, outlets["manual_target"], unit, OUTLET)
    problems += result.problems
    outlets["outlet_target"], outlets["held"] = result.amount, result.held
    stranded = wholes[(as_units(wholes.to_numpy(), unit) > 0) & ~wholes.index.isin(outlets["rep_id"])]
    rep_rows = pd.Series(reps.index, index=reps["rep_id"])
    for rep_id in stranded.index:
        row = rep_rows[rep_id]
        problems.append(problem("reps", int(row), "rep_id", "rep-without-outlets",
                                f"业务员“{rep_id}”有目标 {wholes[rep_id]:,.2f}，但在网点表中没有网点",
                                f"rep '{rep_id}' has a target of {wholes[rep_id]:,.2f} but no outlet on the Outlets "
                                "sheet; assign outlets, or hold the rep at 0"))
    if result.equal_fallback:
        notes.append(f"以下业务员的网点没有可用数据，已平均分配 / no outlet data for these reps, split equally: "
                     f"{', '.join(map(str, result.equal_fallback))}")
    outlets["rep_region"] = outlets["rep_id"].map(reps.set_index("rep_id")["region"])
    elsewhere = outlets.loc[outlets["region"] != outlets["rep_region"], "outlet_id"]
    if len(elsewhere):
        notes.append(f"以下网点不在其业务员的区域，目标计入业务员所在区域 / these outlets lie outside their rep's region; "
                     f"their targets count in the rep's region: {', '.join(elsewhere)}")
    rep_target = outlets["rep_id"].map(wholes)
    outlets["share_of_rep"] = (outlets["outlet_target"] / rep_target).where(rep_target > 0)
    note = f"网点拆分方法 outlet method: {METHOD_LABEL[method]}"
    notes.append(note + (f" (历史 history β = {beta:.0%}, 潜力 potential {1 - beta:.0%})" if method == "history"
                         else ""))
    columns = ["outlet_id", "name", "rep_id", "region", "rep_region", "core", "outlet_target", "history",
               "potential", "share_of_rep", "held"]
    return outlets[columns].sort_values(["rep_id", "outlet_id"], kind="stable"), problems


def core_outlet_sku_level(outlets: pd.DataFrame, rep_skus: pd.DataFrame, history: pd.DataFrame,
                          month: pd.Period, settings: Settings) -> tuple[pd.DataFrame, FitReport]:
    """Core outlets × SKUs: the rep's SKU targets, scaled to the rep's core outlets, fitted to their history."""
    unit = float(settings.rounding_unit)
    core = outlets[outlets["core"] & (outlets["outlet_target"] > 0)].reset_index(drop=True)
    core_total = core.groupby("rep_id")["outlet_target"].sum()
    # Columns: each rep's SKUs, with the rep's SKU targets scaled to what the rep's core outlets carry.
    columns = rep_skus[rep_skus["rep_id"].isin(core_total.index)][["rep_id", "sku", "role", "sku_target"]]
    columns = columns.reset_index(drop=True)
    rep_codes = pd.Index(core_total.index)
    columns["core_target"] = allocate_groups(core_total.to_numpy(), columns["sku_target"].to_numpy(),
                                             rep_codes.get_indexer(columns["rep_id"]), unit)
    columns = columns[columns["core_target"] > 0].reset_index(drop=True)
    cells = core[["outlet_id", "rep_id"]].reset_index(names="row").merge(
        columns.reset_index(names="col")[["col", "rep_id", "sku", "role"]], on="rep_id", how="inner", sort=False)
    cells = cells.sort_values(["row", "col"], kind="stable").reset_index(drop=True)
    window = sales_by(in_window(history, month, int(settings.history_window_months)),
                      ["outlet_id", "sku"])
    index = pd.MultiIndex.from_frame(cells[["outlet_id", "sku"]])
    cell_history = window.reindex(index).fillna(0.0).to_numpy() if len(cells) else np.zeros(0)
    seed = seed_cells(history, month, settings, ["outlet_id", "sku"], window)
    if not len(seed):
        cell_seed = np.ones(len(cells))
    elif seed is window:  # the history window shapes the fit: its cells are looked up once, above
        cell_seed = cell_history
    else:
        cell_seed = seed.reindex(index).fillna(0.0).to_numpy()
    # A block is a rep; coded per core outlet (thousands) rather than per cell (millions of lookups).
    rep_of_row = rep_codes.get_indexer(core["rep_id"])
    amounts, report = fitted_cells(
        cells["row"].to_numpy(), cells["col"].to_numpy(), rep_of_row[cells["row"].to_numpy()], cell_seed,
        core["outlet_target"].to_numpy(dtype="float64"), columns["core_target"].to_numpy(dtype="float64"),
        float(settings.fit_prior), unit)
    cells["outlet_sku_target"] = amounts
    cells["history"] = cell_history
    cells = cells[cells["outlet_sku_target"] > 0]
    return cells[["outlet_id", "rep_id", "sku", "role", "outlet_sku_target", "history"]].reset_index(drop=True), report


# ---- tiers ----

TIERS = tuple((f"tier_{c.key}", c.key, c.zh) for c in terms.TIERS)
"""Each tier's multiplier setting, key and Chinese name."""


def check_tiers(settings: Settings) -> list[Problem]:
    """Base ≤ challenge ≤ sprint, or the tiers make no sense."""
    values = [float(getattr(settings, key)) for key, _, _ in TIERS]
    problems = []
    for (low_key, low, low_zh), (key, name, zh), a, b in zip(TIERS, TIERS[1:], values, values[1:]):
        if b < a:
            problems.append(problem("settings", None, key, "tiers-out-of-order",
                                    f"{zh}倍数 {b:g} 小于{low_zh}倍数 {a:g}；须 基础 ≤ 挑战 ≤ 冲刺",
                                    f"the {name} multiplier {b:g} is below the {low} multiplier {a:g}; "
                                    "base ≤ challenge ≤ sprint"))
    return problems


def add_tiers(reps: pd.DataFrame, settings: Settings, unit: float) -> pd.DataFrame:
    """Base, challenge and sprint: the target times each multiplier, rounded to the unit."""
    reps = reps.copy()
    for key, name, _ in TIERS:
        reps[name] = to_units(reps["target"].to_numpy() * float(getattr(settings, key)), unit)
    return reps

