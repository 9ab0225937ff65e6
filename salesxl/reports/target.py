"""The sheets of steps 1–2: ``月度目标 Month Target`` and ``任务结构 Target Structure``.

Both are written for a manager who audits the numbers without Python: every
factor shows its base, its growth rate, its derived value, its weight and its
weighted contribution, and every split shows the shares it came from. Values
are numbers with number formats; the text columns only say how a number was
formed and where it came from.
"""

from __future__ import annotations

import pandas as pd

from ..core.settings import Settings
from ..core.structure import Structure
from ..core.targets import FACTOR_LABELS, MonthTarget
from ..workbook.backend import OutColumn, OutTable, SheetOutput
from ..workbook.contract.target import HISTORY_METHODS, MONTH_TARGET, REGION_SPLITS, TARGET_STRUCTURE

SUMMARY_COLUMNS = (
    OutColumn("month", "计划月份", "Plan month", "month"),
    OutColumn("total", "月度目标", "Month target", "amount"),
    OutColumn("last_year", "去年同期实际", "Last year's actual", "amount"),
    OutColumn("growth", "较去年同期增长", "Growth vs last year", "percent"),
    OutColumn("budget", "年度预算当月", "Budget for the month", "amount"),
    OutColumn("vs_budget", "目标/预算", "Target / budget", "percent"),
)

FACTOR_COLUMNS = (
    OutColumn("scope", "范围", "Scope"),
    OutColumn("label", "因素", "Factor"),
    OutColumn("base", "基数", "Base", "amount"),
    OutColumn("base_year", "基数年份", "Base year"),
    OutColumn("growth_rate", "增长率", "Growth rate", "percent"),
    OutColumn("value", "因素值", "Factor value", "amount"),
    OutColumn("weight_set", "设定权重", "Weight set", "percent", total=True, look="share"),
    OutColumn("weight", "采用权重", "Weight used", "percent", total=True, look="share"),
    OutColumn("contribution", "加权贡献", "Weighted contribution", "amount", total=True),
    OutColumn("how", "计算方法", "How it is formed"),
    OutColumn("source", "数据来源", "Source"),
)
"""The same columns for the whole month and, with a regional budget, for each region: they line up."""

YEAR_COLUMNS = (
    OutColumn("scope", "范围", "Scope"),
    OutColumn("month", "同期月份", "Same month", "month"),
    OutColumn("actual", "同期实际", "Actual", "amount"),
    OutColumn("year_weight", "年权重设定", "Year weight set", "decimal"),
    OutColumn("weight_used", "加权平均采用", "Weight used (average)", "percent"),
    OutColumn("yoy_growth", "同比增长", "Year-on-year growth", "percent"),
    OutColumn("rate_weight", "趋势中权重", "Weight in trend", "percent"),
)

REGION_COLUMNS = (
    OutColumn("region", "区域", "Region"),
    OutColumn("budget", "年度预算当月", "Budget for the month", "amount", total=True),
    OutColumn("last_year", "去年同期实际", "Last year's actual", "amount", total=True),
    OutColumn("history", "历史同期因素", "History factor", "amount"),
    OutColumn("industry", "行业增长因素", "Industry factor", "amount"),
    OutColumn("benchmark", "标杆增长因素", "Benchmark factor", "amount"),
    OutColumn("target", "区域月度目标", "Region month target", "amount", total=True),
    OutColumn("growth_vs_last_year", "较去年同期增长", "Growth vs last year", "percent"),
    OutColumn("note", "说明", "Note"),
)
ALL_REGIONS = "全部区域 All regions"


def month_target_sheet(target: MonthTarget, settings: Settings) -> SheetOutput:
    """月度目标 Month Target: the total, the four factors (Table 1) and the history behind H."""
    method = next((f"{c.zh} {c.key}" for c in HISTORY_METHODS if c.key == target.method), target.method)
    unit = settings.rounding_unit
    subtitle = (f"计划月份 Plan month {target.month} · 历史同期算法 History method: {method} · "
                f"取整单位 Rounding unit {unit:g} · 币种 Currency {settings.currency}")
    notes = list(target.notes)
    if target.level == "region":
        notes.insert(0, "预算按区域填写：各区域分别按四因素计算并取整，再相加得到月度目标。"
                        " The budget is by region: each region's target is computed from the four factors and "
                        "rounded, then the regions are summed.")
    factors = target.factors
    budget = factors.loc[factors["factor"] == "budget", "value"].sum(min_count=1)
    summary = pd.DataFrame([{
        "month": target.month, "total": target.total, "last_year": target.last_year,
        "growth": target.growth_vs_last_year, "budget": budget,
        "vs_budget": target.total / budget if pd.notna(budget) and budget > 0 else None,
    }])
    tables = [
        OutTable(summary, SUMMARY_COLUMNS, heading="月度目标 Month target", name="sx_target_summary"),
        OutTable(company_factors(target), FACTOR_COLUMNS,
                 heading="四因素参考表（表1） The four factors (Table 1)", name="sx_target_factors"),
        OutTable(target.years, YEAR_COLUMNS, heading="近三年同期 The same month in the last three years",
                 name="sx_target_years"),
    ]
    if target.level == "region" and target.regions is not None:
        tables.append(OutTable(target.regions, REGION_COLUMNS, heading="分区域月度目标 Month target by region",
                               name="sx_target_regions"))
        tables.append(OutTable(shown_factors(target.factors), FACTOR_COLUMNS,
                               heading="分区域四因素明细 The four factors by region",
                               name="sx_target_region_factors"))
    return SheetOutput(MONTH_TARGET, subtitle, notes, tables)


def company_factors(target: MonthTarget) -> pd.DataFrame:
    """The four factors for the whole month: the company's rows, or the regions' rows added up.

    Added-up rows show the summed base and value; a rate or weight shows only
    when every region used the same one.
    """
    factors = target.factors
    if target.level == "company":
        return shown_factors(factors)
    rows = []
    for key, group in factors.groupby("factor", sort=False):
        def same(column):
            values = group[column].dropna().unique()
            return values[0] if len(values) == 1 and group[column].notna().all() else None
        rows.append({
            "scope": ALL_REGIONS, "label": FACTOR_LABELS[key], "how": group["how"].iloc[0],
            "base": group["base"].sum(min_count=1) if group["base"].notna().all() else None,
            "base_year": same("base_year"), "growth_rate": same("growth_rate") if key != "history" else None,
            "value": group["value"].sum(min_count=1), "weight_set": group["weight_set"].iloc[0],
            "weight": same("weight"), "contribution": group["contribution"].sum(min_count=1),
            "source": group["source"].iloc[0],
        })
    return shown_factors(pd.DataFrame(rows))


def shown_factors(factors: pd.DataFrame) -> pd.DataFrame:
    """The factor rows as shown: a year is a label (``2025``), not an amount (``2,025``)."""
    shown = factors.copy()
    shown["base_year"] = [None if pd.isna(y) else str(int(y)) for y in shown["base_year"]]
    return shown


ROLE_COLUMNS = (
    OutColumn("label", "产品角色", "Role"),
    OutColumn("share", "计划占比", "Planned share", "percent", total=True, look="share"),
    OutColumn("target", "角色目标", "Role target", "amount", total=True),
    OutColumn("skus", "在售产品数", "Active SKUs", "integer", total=True),
)
MARGIN_ROLE_COLUMNS = (
    OutColumn("gross_margin", "毛利", "Gross margin", "amount", total=True),
    OutColumn("margin_rate", "毛利率", "Margin rate", "percent"),
)

STRUCTURE_REGION_COLUMNS = (
    OutColumn("region", "区域", "Region"),
    OutColumn("market_share", "市场占有率", "Market share", "percent"),
    OutColumn("market_capacity", "市场容量", "Market capacity", "amount", total=True),
    OutColumn("last_12m", "近12月销售", "Last 12 months' sales", "amount", total=True),
    OutColumn("history_share", "历史份额", "History share", "percent", total=True, look="share"),
    OutColumn("potential", "未开发容量", "Untapped capacity", "amount", total=True),
    OutColumn("potential_share", "潜力份额", "Potential share", "percent", total=True, look="share"),
    OutColumn("formula_share", "公式权重", "Formula share", "percent", total=True, look="share"),
)
REGION_BUDGET_COLUMN = OutColumn("month_target", "按区域预算的目标", "Target from regional budget", "amount",
                                 total=True)
REGION_FINAL_COLUMNS = (
    OutColumn("manual_share", "手工份额", "Manual share", "percent"),
    OutColumn("final_share", "最终份额", "Final share", "percent", total=True, look="share"),
    OutColumn("target", "区域目标", "Region target", "amount", total=True),
)

SKU_COLUMNS = (
    OutColumn("sku", "产品编码", "SKU"),
    OutColumn("name", "产品名称", "Product name"),
    OutColumn("label", "产品角色", "Role"),
    OutColumn("last_12m", "近12月销售", "Last 12 months' sales", "amount", total=True),
    OutColumn("share_in_role", "角色内份额", "Share within role", "percent", look="share"),
    OutColumn("basis", "份额依据", "Share from"),
    OutColumn("target", "产品目标", "SKU target", "amount", total=True),
    OutColumn("unit_price", "单价", "Unit price", "amount"),
    OutColumn("qty", "目标数量", "Target quantity", "integer", total=True),
)
MARGIN_SKU_COLUMNS = (
    OutColumn("unit_cost", "单位成本", "Unit cost", "amount"),
    OutColumn("gross_margin", "毛利", "Gross margin", "amount", total=True),
    OutColumn("margin_rate", "毛利率", "Margin rate", "percent"),
)


def structure_sheet(target: MonthTarget, structure: Structure, settings: Settings) -> SheetOutput:
    """任务结构 Target Structure: the month target by product role, region and SKU."""
    basis = next((f"{c.zh} {c.key}" for c in REGION_SPLITS if c.key == structure.region_basis),
                 structure.region_basis)
    window = int(settings.history_window_months)
    subtitle = (f"计划月份 Plan month {target.month} · 月度目标 Month target {target.total:,.2f} · "
                f"区域拆分依据 Region split: {basis} · α = {structure.alpha:.0%} · "
                f"历史窗口 History window {window} 个月 months")
    notes = ["区域权重 = α × 历史份额 + (1 − α) × 潜力份额；潜力 = 市场容量 − 近12月销售（不小于0）；"
             "有手工份额的区域取手工份额，其余区域按权重分剩余部分。"
             " Region weight = α × history share + (1 − α) × potential share; potential = capacity − last 12 "
             "months' sales (not below 0); a manual share replaces the weight and the other regions share the rest.",
             *structure.notes]
    role_columns = ROLE_COLUMNS + (MARGIN_ROLE_COLUMNS if structure.has_costs else ())
    region_columns = (STRUCTURE_REGION_COLUMNS + ((REGION_BUDGET_COLUMN,) if target.level == "region" else ())
                      + REGION_FINAL_COLUMNS)
    sku_columns = SKU_COLUMNS + (MARGIN_SKU_COLUMNS if structure.has_costs else ())
    return SheetOutput(TARGET_STRUCTURE, subtitle, notes, [
        OutTable(structure.roles, role_columns, heading="产品结构 By product role", name="sx_structure_roles"),
        OutTable(structure.regions, region_columns, heading="区域结构 By region", name="sx_structure_regions"),
        OutTable(structure.skus, sku_columns, heading="产品目标 By SKU", name="sx_structure_skus"),
    ])
