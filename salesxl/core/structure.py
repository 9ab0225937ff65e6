"""Step 1 任务结构: how the month's target is made up — by product role, SKU and region.

* **Roles.** The RoleMix sheet gives each product role (flagship 战斗机型,
  volume 规模型, profit 利润型, image 形象型) its share of the amount; the
  shares must sum to 100 %. This is what keeps both scale and margin in the plan.
* **SKUs.** Each role's amount goes to its active SKUs by their share of the
  role's sales over the history window (last 12 months by default). A SKU with
  a manual share keeps it; new SKUs (no sales in the window) share the
  new-product reserve equally — all of the role when no SKU in it has sales.
  Quantity is amount ÷ unit price; with unit costs, the gross margin follows.
* **Regions.** weight = α × history share + (1 − α) × potential share, where
  potential is market capacity − last-12-months sales (floored at 0). A
  manual share overrides a region's weight and the others share the rest.
  With a regional budget and ``region_split = budget``, the regions' own
  month targets are the base instead of the formula.

Every split goes through :func:`salesxl.core.allocation.allocate`, so roles,
SKUs and regions each add up to the month total exactly at the rounding unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..problems import Problem, has_errors, problem
from ..terms import ROLES
from .allocation import AllocationError, allocate
from .formulas import WEIGHT_TOLERANCE, region_weight, shares, sku_shares_in_role, with_manual_shares
from .history import in_window, monthly_sales, sales_by
from .settings import Settings
from .targets import MonthTarget

ROLE_LABELS = {c.key: c.bilingual for c in ROLES}
BASIS_LABELS = {
    "history": "历史销售占比 share of sales",
    "manual": "手工份额 manual share",
    "reserve": "新品预留平分 new-product reserve",
    "new": "新品平分 new, equal split",
    "none": "无 none",
}

ROLE_COLUMNS = ["role", "label", "share", "target", "skus", "gross_margin", "margin_rate"]
SKU_COLUMNS = ["sku", "name", "role", "label", "last_12m", "share_in_role", "basis", "target", "unit_price", "qty",
               "unit_cost", "gross_margin", "margin_rate"]
REGION_COLUMNS = ["region", "market_share", "market_capacity", "last_12m", "history_share", "potential",
                  "potential_share", "formula_share", "month_target", "manual_share", "final_share", "target"]


@dataclass(frozen=True)
class Structure:
    """The target's structure: roles, SKUs and regions, each summing to the month total.

    Attributes:
        regions: one row per region: market share, capacity, last-12-months sales, history
            and potential shares, formula share, manual share, final share and ``target``.
        skus: one row per active SKU: role, last-12-months sales, share within its role, how
            that share was set (``basis``), ``target``, quantity and, with unit costs, gross margin.
        roles: one row per role: planned ``share``, ``target``, number of SKUs, gross margin.
        notes: sentences the sheet shows.
        alpha: the α used for region weights.
        region_basis: ``formula`` or ``budget`` (the regions' own month targets).
        has_costs: unit costs were given, so the margin columns mean something.
    """

    regions: pd.DataFrame
    skus: pd.DataFrame
    roles: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    alpha: float = 0.7
    region_basis: str = "formula"
    has_costs: bool = False


def empty_structure() -> Structure:
    return Structure(pd.DataFrame(columns=REGION_COLUMNS), pd.DataFrame(columns=SKU_COLUMNS),
                     pd.DataFrame(columns=ROLE_COLUMNS))


def target_structure(month_target: MonthTarget, products: pd.DataFrame, role_mix: pd.DataFrame,
                     regions: pd.DataFrame, history: pd.DataFrame, settings: dict[str, Any]
                     ) -> tuple[Structure, list[Problem]]:
    """Split the month target by role, SKU and region."""
    month = pd.Period(settings.plan_month, freq="M")
    unit = float(settings.rounding_unit)
    window = in_window(monthly_sales(history), month, int(settings.history_window_months))
    notes: list[str] = []

    roles, problems = role_targets(month_target.total, role_mix, products, unit)
    skus, found = sku_targets(roles, products, sales_by(window, "sku") if "sku" in window else pd.Series(dtype=float),
                              float(settings.new_product_reserve), unit, notes)
    problems += found
    region_rows, alpha, basis, found = region_targets(month_target, regions, sales_by(window, "region"), settings,
                                                      unit, notes)
    problems += found
    if has_errors(problems):
        return empty_structure(), problems
    has_costs = "unit_cost" in skus and skus["unit_cost"].notna().any()
    roles = with_role_margins(roles, skus, has_costs)
    return Structure(region_rows, skus, roles, notes, alpha, basis, bool(has_costs)), problems


def role_targets(total: float, role_mix: pd.DataFrame, products: pd.DataFrame, unit: float):
    """Each role's amount from the RoleMix shares (which must sum to 100 %)."""
    problems: list[Problem] = []
    mix = role_mix[role_mix["role"].notna() & role_mix["share"].notna()]
    if len(mix) == 0:
        problems.append(problem("role_mix", None, "share", "no-role-mix", "产品结构表是空的，请填写各角色的金额占比",
                                "the RoleMix sheet is empty; give each role's share of the amount"))
        return pd.DataFrame(columns=ROLE_COLUMNS), problems
    share_sum = float(mix["share"].sum())
    if abs(share_sum - 1) > WEIGHT_TOLERANCE:
        first, last = int(mix.index[0]), int(mix.index[-1])
        problems.append(problem("role_mix", last, "share", "shares-not-100",
                                f"各角色占比之和为 {share_sum:.2%}，应为 100%（第{first}–{last}行）",
                                f"the role shares sum to {share_sum:.2%}, not 100% (rows {first}–{last})"))
    active = active_products(products)
    for row, role, share in zip(mix.index, mix["role"], mix["share"]):
        if share > 0 and not (active["role"] == role).any():
            problems.append(problem("role_mix", int(row), "role", "role-without-products",
                                    f"角色“{ROLE_LABELS.get(role, role)}”占比 {share:.0%}，但产品表中没有在售的该角色产品",
                                    f"the role '{role}' has a share of {share:.0%} but no active product on the "
                                    "Products sheet"))
    if has_errors(problems):
        return pd.DataFrame(columns=ROLE_COLUMNS), problems
    targets = allocate(total, mix["share"].to_numpy(dtype=float), unit)
    roles = pd.DataFrame({
        "role": mix["role"].to_numpy(), "label": [ROLE_LABELS.get(r, r) for r in mix["role"]],
        "share": mix["share"].to_numpy(dtype=float), "target": targets,
        "skus": [int((active["role"] == r).sum()) for r in mix["role"]],
        "gross_margin": np.nan, "margin_rate": np.nan,
    }, index=mix.index)
    return roles, problems


def active_products(products: pd.DataFrame) -> pd.DataFrame:
    active = products["active"] if "active" in products else pd.Series(True, index=products.index)
    return products[active.fillna(True).astype(bool)]


def sku_targets(roles: pd.DataFrame, products: pd.DataFrame, sales: pd.Series, reserve: float, unit: float,
                notes: list[str]):
    """Each role's amount over its active SKUs; SKUs of roles not on RoleMix get nothing."""
    problems: list[Problem] = []
    active = active_products(products)
    frames = []
    for role, role_target in zip(roles["role"], roles["target"]):
        skus = active[active["role"] == role]
        manual = (skus["manual_share"] if "manual_share" in skus else pd.Series(np.nan, index=skus.index))
        manual = [None if pd.isna(m) else float(m) for m in manual]
        fixed = sum(m for m in manual if m is not None)
        if fixed > 1 + WEIGHT_TOLERANCE:
            row = int(skus.index[[m is not None for m in manual]][-1])
            problems.append(problem("products", row, "manual_share", "manual-shares-over-100",
                                    f"“{ROLE_LABELS.get(role, role)}”角色的手工份额之和为 {fixed:.0%}，超过 100%",
                                    f"the manual shares in the role '{role}' sum to {fixed:.0%}, above 100%"))
            continue
        role_sales = [float(sales.get(s, 0.0)) for s in skus["sku"]]
        weights = sku_shares_in_role(role_sales, manual, reserve)
        try:
            targets = allocate(role_target, weights, unit)
        except AllocationError:
            problems.append(problem("products", int(skus.index[-1]), "manual_share", "role-cannot-split",
                                    f"“{ROLE_LABELS.get(role, role)}”角色的产品份额全为0，无法分配该角色的目标",
                                    f"every SKU of the role '{role}' has a share of 0, so the role's target "
                                    "cannot be split"))
            continue
        selling = [m is None and s > 0 for m, s in zip(manual, role_sales)]
        basis = ["manual" if m is not None else "history" if s > 0 else ("reserve" if any(selling) else "new")
                 for m, s in zip(manual, role_sales)]
        if "new" in basis:
            notes.append(f"“{ROLE_LABELS.get(role, role)}”角色近期没有销售记录的产品，其金额由新品平分。"
                         f" No SKU of the role {role} sold in the history window: its new SKUs share it equally.")
        frame = pd.DataFrame({
            "sku": skus["sku"].to_numpy(), "name": skus["name"].to_numpy() if "name" in skus else None,
            "role": role, "label": ROLE_LABELS.get(role, role), "last_12m": role_sales,
            "share_in_role": weights, "basis": [BASIS_LABELS[b] for b in basis], "target": targets,
            "unit_price": skus["unit_price"].to_numpy(dtype=float),
            "unit_cost": (skus["unit_cost"].to_numpy(dtype=float) if "unit_cost" in skus else np.nan),
        }, index=skus.index)
        frames.append(frame)
    left_out = active[~active["role"].isin(list(roles["role"]))]
    if len(left_out):
        notes.append(f"产品结构表未列出角色 {'、'.join(sorted(set(left_out['role'].astype(str))))}，"
                     f"其 {len(left_out)} 个产品本月没有目标。 Roles not on the RoleMix sheet "
                     f"({', '.join(sorted(set(left_out['role'].astype(str))))}): their {len(left_out)} SKUs get "
                     "no target this month.")
    if not frames:
        return pd.DataFrame(columns=SKU_COLUMNS), problems
    skus = pd.concat(frames)
    price = skus["unit_price"].where(skus["unit_price"] > 0)
    skus["qty"] = (skus["target"] / price).round(0)
    skus["gross_margin"] = skus["target"] * (1 - skus["unit_cost"] / price)
    skus["margin_rate"] = (1 - skus["unit_cost"] / price).where(skus["target"] > 0)
    return skus[SKU_COLUMNS], problems


def with_role_margins(roles: pd.DataFrame, skus: pd.DataFrame, has_costs: bool) -> pd.DataFrame:
    """Gross margin per role: the sum over its SKUs that have a unit cost."""
    roles = roles.copy()
    if not has_costs:
        return roles
    costed = skus[skus["gross_margin"].notna()]
    margin = costed.groupby("role")["gross_margin"].sum()
    amount = costed.groupby("role")["target"].sum()
    roles["gross_margin"] = [float(margin.get(r, np.nan)) for r in roles["role"]]
    roles["margin_rate"] = [float(margin[r] / amount[r]) if r in amount and amount[r] > 0 else np.nan
                            for r in roles["role"]]
    return roles


def region_targets(month_target: MonthTarget, regions: pd.DataFrame, sales: pd.Series, settings: Settings,
                   unit: float, notes: list[str]):
    """Region shares by α × history share + (1 − α) × potential share, manual overrides, then the split."""
    problems: list[Problem] = []
    alpha = float(settings.region_history_weight)
    basis = settings.region_split
    regions = regions[regions["region"].notna()]
    if len(regions) == 0:
        problems.append(problem("regions", None, "region", "no-regions", "区域表是空的，请至少填写一个区域",
                                "the Regions sheet is empty; give at least one region"))
        return pd.DataFrame(columns=REGION_COLUMNS), alpha, basis, problems
    names = regions["region"].astype(str).tolist()
    last_12m = [max(0.0, float(sales.get(r, 0.0))) for r in names]
    capacity = regions["market_capacity"] if "market_capacity" in regions else pd.Series(np.nan, index=regions.index)
    capacity = capacity.astype(float)
    potential = [max(0.0, c - s) if not np.isnan(c) else np.nan for c, s in zip(capacity, last_12m)]
    missing_capacity = [int(row) for row, c in capacity.items() if np.isnan(c)]
    if missing_capacity and len(missing_capacity) < len(regions):
        for row in missing_capacity:
            problems.append(problem("regions", row, "market_capacity", "no-capacity",
                                    "未填写市场容量，该区域的潜力按0计", "no market capacity: this region's "
                                    "potential counts as 0", "warning"))
    history_share = shares(last_12m)
    potential_share = shares([0.0 if np.isnan(p) else p for p in potential])
    a = alpha
    if sum(potential_share) == 0:
        a = 1.0
        if alpha < 1:
            notes.append("各区域没有可用的潜力（未填容量或已饱和），区域权重只按历史份额。"
                         " No region has untapped capacity (none given, or all saturated): region weights "
                         "follow the history share alone.")
    if sum(history_share) == 0:
        if a == 1.0 and sum(potential_share) == 0:
            problems.append(problem("regions", None, "market_capacity", "regions-cannot-weigh",
                                    "各区域既没有近期销售也没有市场容量，无法计算区域权重；请填写市场容量或手工份额",
                                    "no region has recent sales or a market capacity, so regions cannot be "
                                    "weighed; give capacities or manual shares"))
        a = 0.0
        notes.append("各区域在历史窗口内没有销售，区域权重只按潜力份额。"
                     " No region sold in the history window: region weights follow the potential share alone.")
    formula = [region_weight(h, p, a) for h, p in zip(history_share, potential_share)]

    own_targets = None  # the regions' own four-factor targets, when the budget is regional
    if month_target.level == "region" and month_target.regions is not None:
        by_region = dict(zip(month_target.regions["region"], month_target.regions["target"]))
        own_targets = [float(by_region.get(r, 0.0)) for r in names]
    if basis == "budget" and own_targets is None:
        notes.append("预算为公司整体，区域按权重公式拆分。 The budget is company-level, so regions are split "
                     "by the weight formula.")
        basis = "formula"
    base = shares(own_targets) if basis == "budget" else formula

    manual_col = regions["manual_share"] if "manual_share" in regions else pd.Series(np.nan, index=regions.index)
    manual = [None if pd.isna(m) else float(m) for m in manual_col]
    fixed = sum(m for m in manual if m is not None)
    manual_rows = [int(row) for row, m in zip(regions.index, manual) if m is not None]
    if fixed > 1 + WEIGHT_TOLERANCE:
        problems.append(problem("regions", manual_rows[-1], "manual_share", "manual-shares-over-100",
                                f"各区域手工份额之和为 {fixed:.0%}，超过 100%",
                                f"the regions' manual shares sum to {fixed:.0%}, above 100%"))
    elif len(manual_rows) == len(regions) and abs(fixed - 1) > WEIGHT_TOLERANCE:
        problems.append(problem("regions", manual_rows[-1], "manual_share", "manual-shares-not-100",
                                f"每个区域都有手工份额，其和为 {fixed:.0%}，应为 100%",
                                f"every region has a manual share and they sum to {fixed:.0%}, not 100%"))
    if has_errors(problems):
        return pd.DataFrame(columns=REGION_COLUMNS), alpha, basis, problems
    final = with_manual_shares(base, manual)
    try:
        targets = allocate(month_target.total, final, unit)
    except AllocationError:
        problems.append(problem("regions", manual_rows[-1] if manual_rows else None, "manual_share",
                                "regions-cannot-split", "所有区域的份额都为0，无法分配目标",
                                "every region's share is 0, so the target cannot be split"))
        return pd.DataFrame(columns=REGION_COLUMNS), alpha, basis, problems
    frame = pd.DataFrame({
        "region": names,
        "market_share": regions["market_share"].to_numpy(dtype=float) if "market_share" in regions else np.nan,
        "market_capacity": capacity.to_numpy(), "last_12m": last_12m, "history_share": history_share,
        "potential": potential, "potential_share": potential_share, "formula_share": formula,
        "month_target": own_targets if own_targets is not None else np.nan,
        "manual_share": [np.nan if m is None else m for m in manual], "final_share": final, "target": targets,
    }, index=regions.index)
    return frame[REGION_COLUMNS], alpha, basis, problems
