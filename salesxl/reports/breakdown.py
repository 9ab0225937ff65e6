"""The release sheets: 业务员目标 Rep Targets, 网点目标 Outlet Targets, 日目标 Daily Targets.

The first tables of each sheet are the issued figures later steps read back
(``ISSUED_SHEETS`` in :mod:`salesxl.workbook.contract.breakdown`), so their headers are taken
from those schemas and cannot drift. Every long table carries a totals row, and
a check table on each sheet shows each level summing to the level above, so a
planner can see the release reconcile to the month target without a formula.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.breakdown import Breakdown
from ..core.calendar import WEEKDAYS_ZH
from ..core.settings import DEFAULT_CURRENCY
from ..terms import ROLE_LABEL
from ..workbook.backend import Kind, OutColumn, OutTable, SheetOutput
from ..workbook.schema import SheetSchema
from ..workbook.contract.breakdown import (DAILY_TARGETS, ISSUED_CORE_OUTLET_SKU_TARGETS, ISSUED_DAILY_TARGETS,
                                           ISSUED_OUTLET_TARGETS, ISSUED_REP_SKU_TARGETS, ISSUED_REP_TARGETS,
                                           OUTLET_TARGETS, REP_TARGETS)

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def issued(schema: SheetSchema, key: str, kind: Kind = "text", total: bool = False) -> OutColumn:
    """A column of an issued table, labelled exactly as the schema that reads it back."""
    c = schema.column(key)
    return OutColumn(c.key, c.zh, c.en, kind, total)


def breakdown_sheets(result: Breakdown, unit: float, currency: str = DEFAULT_CURRENCY) -> list[SheetOutput]:
    return [rep_sheet(result, unit, currency), outlet_sheet(result, unit, currency), daily_sheet(result, unit, currency)]


def subtitle(result: Breakdown, unit: float, currency: str) -> str:
    return (f"{result.month} · 月度目标 Month target {result.total:,.2f} {currency} · "
            f"取整单位 rounding unit {unit:g}")


def fit_note(what_zh: str, what_en: str, fit) -> str:
    return (f"{what_zh}拟合 {what_en} fit: {fit.iterations} 次迭代 iterations, 最大边际误差 largest margin error "
            f"{fit.max_error:,.4f}; 取整后列合计最大差 after rounding, largest column-total difference "
            f"{fit.rounded_max_error:,.2f}")


# ---- 业务员目标 Rep Targets ----

def rep_sheet(result: Breakdown, unit: float, currency: str) -> SheetOutput:
    R, RS = ISSUED_REP_TARGETS, ISSUED_REP_SKU_TARGETS
    reps = result.reps
    rep_columns = [
        issued(R, "month", "month"), issued(R, "rep_id"), issued(R, "name"), issued(R, "region"),
        issued(R, "target", "amount", True), issued(R, "base", "amount", True),
        issued(R, "challenge", "amount", True), issued(R, "sprint", "amount", True),
        OutColumn("history", "历史销售", "History", "amount", True),
        OutColumn("history_share", "历史份额", "History share", "percent", look="share"),
        OutColumn("share", "目标份额", "Share of region", "percent", look="share"),
        OutColumn("last_year", "去年同月", "Last year", "amount", True),
        OutColumn("growth", "同比增长", "Growth vs last year", "percent"),
        OutColumn("new", "新人", "New rep", "bool"),
        OutColumn("held", "手工锁定", "Held", "bool"),
        OutColumn("agreed", "已约定", "Agreed", "bool"),
    ]
    rep_sku_columns = [
        issued(RS, "rep_id"), OutColumn("name", "姓名", "Name"), OutColumn("region", "区域", "Region"),
        issued(RS, "sku"), issued(RS, "role"), issued(RS, "sku_target", "amount", True),
        OutColumn("history", "历史销售", "History", "amount", True),
        OutColumn("share_of_rep", "占业务员目标", "Share of rep target", "percent", look="share"),
    ]
    rep_skus = result.rep_skus.assign(role=result.rep_skus["role"].map(ROLE_LABEL).fillna(result.rep_skus["role"]))
    regions = result.regions.assign(difference=result.regions["reps_total"] - result.regions["target"])
    skus = result.skus.assign(difference=result.skus["reps_total"] - result.skus["target"],
                              role=result.skus["role"].map(ROLE_LABEL).fillna(result.skus["role"]))
    check = [
        OutColumn("structure", "结构目标", "Structure target", "amount", True),
        OutColumn("target", "下达目标", "Issued target", "amount", True),
        OutColumn("held", "手工锁定", "Held", "bool"),
        OutColumn("reps_total", "业务员合计", "Sum of reps", "amount", True),
        OutColumn("difference", "差额", "Difference", "amount", True),
    ]
    notes = [fit_note("业务员×产品", "rep × SKU", result.rep_sku_fit)] + result.notes.get("reps", [])
    return SheetOutput(REP_TARGETS, subtitle(result, unit, currency), notes, [
        OutTable(reps, rep_columns, heading="业务员月目标与三档目标 Rep month targets and tiers"),
        OutTable(rep_skus, rep_sku_columns, heading="业务员×产品目标 Rep × SKU targets"),
        OutTable(regions, [OutColumn("region", "区域", "Region")] + check,
                 heading="区域核对 Regions: issued vs the sum of their reps"),
        OutTable(skus, [OutColumn("sku", "产品编码", "SKU"), OutColumn("role", "产品角色", "Role")] + check,
                 heading="产品核对 SKUs: issued vs the sum over reps"),
    ])


# ---- 网点目标 Outlet Targets ----

def outlet_sheet(result: Breakdown, unit: float, currency: str) -> SheetOutput:
    O, OS = ISSUED_OUTLET_TARGETS, ISSUED_CORE_OUTLET_SKU_TARGETS
    outlet_columns = [
        issued(O, "outlet_id"), OutColumn("name", "网点名称", "Outlet name"), issued(O, "rep_id"),
        issued(O, "region"), OutColumn("rep_region", "业务员区域", "Rep's region"), issued(O, "core", "bool"),
        issued(O, "outlet_target", "amount", True),
        OutColumn("history", "历史销售", "History", "amount", True),
        OutColumn("potential", "潜力", "Potential", "amount", True),
        OutColumn("share_of_rep", "占业务员目标", "Share of rep target", "percent", look="share"),
        OutColumn("held", "手工锁定", "Held", "bool"),
    ]
    outlet_sku_columns = [
        issued(OS, "outlet_id"), OutColumn("rep_id", "业务员编号", "Rep ID"), issued(OS, "sku"),
        OutColumn("role", "产品角色", "Role"), issued(OS, "outlet_sku_target", "amount", True),
        OutColumn("history", "历史销售", "History", "amount", True),
    ]
    outlets, outlet_skus = result.outlets, result.outlet_skus
    outlet_skus = outlet_skus.assign(role=outlet_skus["role"].map(ROLE_LABEL).fillna(outlet_skus["role"]))
    by_rep = outlets.groupby("rep_id")
    check = result.reps[["rep_id", "name", "region", "target"]].copy()
    check["outlets_total"] = check["rep_id"].map(by_rep["outlet_target"].sum()).fillna(0.0)
    check["core_total"] = check["rep_id"].map(
        outlets[outlets["core"]].groupby("rep_id")["outlet_target"].sum()).fillna(0.0)
    check["core_sku_total"] = check["rep_id"].map(outlet_skus.groupby("rep_id")["outlet_sku_target"].sum()).fillna(0.0)
    check["difference"] = check["outlets_total"] - check["target"]
    notes = [fit_note("核心店×产品", "core outlet × SKU", result.outlet_sku_fit)]
    notes += result.notes.get("outlets", [])
    return SheetOutput(OUTLET_TARGETS, subtitle(result, unit, currency), notes, [
        OutTable(outlets, outlet_columns, heading="网点目标 Outlet targets"),
        OutTable(outlet_skus, outlet_sku_columns, heading="核心店×产品目标 Core outlet × SKU targets"),
        OutTable(check, [
            OutColumn("rep_id", "业务员", "Rep"), OutColumn("name", "姓名", "Name"),
            OutColumn("region", "区域", "Region"),
            OutColumn("target", "业务员目标", "Rep target", "amount", True),
            OutColumn("outlets_total", "网点合计", "Sum of outlets", "amount", True),
            OutColumn("core_total", "核心店合计", "Sum of core outlets", "amount", True),
            OutColumn("core_sku_total", "核心店产品合计", "Sum of core outlet SKUs", "amount", True),
            OutColumn("difference", "差额", "Difference", "amount", True),
        ], heading="业务员核对 Reps: target vs the sum of their outlets"),
    ])


# ---- 日目标 Daily Targets ----

def weekday_label(weekday: pd.Series) -> pd.Series:
    return weekday.map(lambda d: f"周{WEEKDAYS_ZH[d - 1]} {WEEKDAYS_EN[d - 1]}")


def daily_sheet(result: Breakdown, unit: float, currency: str) -> SheetOutput:
    D = ISSUED_DAILY_TARGETS
    days = result.days.assign(weekday=weekday_label(result.days["weekday"]),
                              name=result.days["rep_id"].map(result.reps.set_index("rep_id")["name"]))
    day_columns = [
        issued(D, "date", "date"), OutColumn("weekday", "星期", "Weekday"), issued(D, "rep_id"),
        OutColumn("name", "姓名", "Name"), issued(D, "daily_target", "amount", True),
        issued(D, "target_to_date", "amount"),
    ]
    calendar = result.calendar
    company = calendar.assign(
        weekday=weekday_label(calendar["weekday"]),
        status=np.where(calendar["working"], "工作日 working", "休息日 off"),
        source=calendar["source"].map({"calendar": "国家日历 country calendar", "override": "日历表 Calendar sheet"}),
    )
    company_columns = [
        OutColumn("date", "日期", "Date", "date"), OutColumn("weekday", "星期", "Weekday"),
        OutColumn("holiday", "节假日", "Holiday"), OutColumn("status", "状态", "Status"),
        OutColumn("source", "依据", "Source"), OutColumn("weight", "权重", "Weight", "decimal"),
        OutColumn("target", "公司日目标", "Company daily target", "amount", True),
        OutColumn("cumulative", "公司累计", "Company to date", "amount"),
    ]
    worked = int(calendar["working"].sum())
    notes = [f"工作日 {worked} 天 working days: {worked}; 日历国家与日历表覆盖见下表 / country calendar with the "
             "Calendar sheet's overrides, below"]
    notes += result.notes.get("days", [])
    if result.pattern is not None:
        factors = ", ".join(f"{WEEKDAYS_EN[d - 1]} {f:.2f}" for d, f in result.pattern.items())
        notes.append(f"按历史星期规律拆分 split by the weekday pattern of history: {factors}")
    else:
        notes.append("每个工作日平均（按权重）拆分 each working day gets an equal share (by its weight)")
    return SheetOutput(DAILY_TARGETS, subtitle(result, unit, currency), notes, [
        OutTable(days, day_columns, heading="业务员日目标 Rep daily targets"),
        OutTable(*calendar_grid(calendar), heading="公司日历 Company calendar (daily targets by week)"),
        OutTable(company, company_columns, heading="公司日目标 Company daily targets"),
    ])


def calendar_grid(calendar: pd.DataFrame) -> tuple[pd.DataFrame, list[OutColumn]]:
    """One row per week (Monday first), one column per weekday: the company's target for each day."""
    frame = calendar[["date", "weekday", "target", "working"]].copy()
    frame["week_start"] = frame["date"] - pd.to_timedelta(frame["weekday"] - 1, unit="D")
    frame["target"] = frame["target"].where(frame["working"])
    grid = frame.pivot(index="week_start", columns="weekday", values="target").reindex(columns=range(1, 8))
    first, last = frame.groupby("week_start")["date"].min(), frame.groupby("week_start")["date"].max()
    out = pd.DataFrame({"week": [f"{a:%m-%d} ~ {b:%m-%d}" for a, b in zip(first, last)]})
    for d in range(1, 8):
        out[f"d{d}"] = grid[d].to_numpy()
    out["week_total"] = grid.sum(axis=1, min_count=1).fillna(0.0).to_numpy()
    columns = [OutColumn("week", "周", "Week")]
    columns += [OutColumn(f"d{d}", f"周{WEEKDAYS_ZH[d - 1]}", WEEKDAYS_EN[d - 1], "amount", True) for d in range(1, 8)]
    columns.append(OutColumn("week_total", "周合计", "Week total", "amount", True))
    return out, columns

