"""The ``进度 Progress`` sheet: the month to date against the issued targets, with a burn-up chart.

Top to bottom: the company in one line, the burn-up by day (cumulative
target, actual and forecast, with its chart beside it), what needs attention,
then reps, regions, product roles, core outlets and core outlet × SKU.
"""

from __future__ import annotations

import pandas as pd

from ..core.calendar import WEEKDAYS_ZH
from ..core.tracking import MonthProgress
from ..workbook.backend import Link, OutChart, OutColumn, OutTable, SheetOutput
from ..terms import ROLE_LABEL
from ..workbook.contract.tracking import PROGRESS



def c(key, zh, en, kind="text", total=False) -> OutColumn:
    return OutColumn(key, zh, en, kind, total)


def amount(key, zh, en, total=True) -> OutColumn:
    return OutColumn(key, zh, en, "amount", total)


def percent(key, zh, en, look=None) -> OutColumn:
    return OutColumn(key, zh, en, "percent", look=look)


TARGET_TO_ACTUAL = [
    amount("target", "月目标", "Month target"),
    amount("target_to_date", "累计目标", "Target to date"),
    amount("actual", "累计实际", "Actual to date"),
    amount("ahead", "超欠进度", "Ahead (+) / behind (−)"),
    percent("attainment", "完成率", "Attainment", "tier"),
    percent("pace", "进度比", "Pace", "tier"),
]
FORECASTS = [
    amount("daily_rate", "近期日均", "Recent daily rate", total=False),
    amount("forecast_run_rate", "预测(近期日均)", "Forecast (run rate)"),
    amount("forecast_calendar", "预测(日历加权)", "Forecast (calendar-weighted)"),
    percent("forecast_attainment", "预测完成率", "Forecast attainment", "tier"),
]
TIER_GAPS = [
    amount("gap_base", "距基础", "Gap to base"),
    amount("gap_challenge", "距挑战", "Gap to challenge"),
    amount("gap_sprint", "距冲刺", "Gap to sprint"),
    amount("need_base", "日需(基础)", "Needed per day (base)", total=False),
    amount("need_challenge", "日需(挑战)", "Needed per day (challenge)", total=False),
    amount("need_sprint", "日需(冲刺)", "Needed per day (sprint)", total=False),
]
TIERS = [amount("base", "基础目标", "Base"), amount("challenge", "挑战目标", "Challenge"),
         amount("sprint", "冲刺目标", "Sprint")]
ACTIVITY = [
    c("visits_planned", "计划拜访", "Visits planned", "integer", True),
    c("visits_done", "已拜访", "Visits made", "integer", True),
    c("visits_missed", "计划未拜访", "Planned, not made", "integer", True),
    amount("expense", "费用", "Expenses"),
    percent("expense_ratio", "费用率", "Expense ÷ sales"),
]
GAP_TO_TARGET = [amount("gap_target", "距目标", "Gap to target"),
                 amount("need_target", "日需", "Needed per day", total=False)]


def progress_sheet(progress: MonthProgress, month: pd.Period, outlet_names: dict[str, str],
                   log_sheet: str, run_rate_days: int) -> SheetOutput:
    """Build the Progress sheet from the core's results."""
    clock = progress.clock
    weekday = WEEKDAYS_ZH[clock.as_of.weekday()]
    return SheetOutput(
        PROGRESS,
        subtitle=(f"{month} · 截至 as of {clock.as_of:%Y-%m-%d}（周{weekday}）· 已过工作日 working days gone "
                  f"{clock.elapsed:g} / {clock.total:g}（{clock.time_elapsed:.1%}）· 剩余 left {clock.remaining:g}"),
        notes=[
            "完成率 = 累计实际 ÷ 月目标；进度比 = 完成率 ÷ 时间进度（已过工作日占比），100% 表示正好按进度。"
            " Attainment = actual ÷ month target; pace = attainment ÷ share of working days gone (100% = on course).",
            f"预测(近期日均) = 累计实际 + 剩余工作日 × 最近{run_rate_days}个工作日日均；"
            "预测(日历加权) = 累计实际 ÷ (累计目标 ÷ 月目标)。"
            f" Run-rate forecast = actual + remaining working days × the last {run_rate_days} working days' "
            "daily rate; calendar-weighted forecast = actual ÷ (target to date ÷ month target).",
        ],
        tables=[
            OutTable(progress.company, no_totals([c("scope", "范围", "Scope"), TARGET_TO_ACTUAL[0], *TIERS,
                                                  *TARGET_TO_ACTUAL[1:], *FORECASTS, *TIER_GAPS, *ACTIVITY]),
                     heading="全公司 Company", name="progress_company"),
            OutTable(burnup_frame(progress.burnup), [
                c("date", "日期", "Date", "date"), c("weekday", "星期", "Weekday"),
                c("working", "工作日", "Working day", "bool"),
                amount("target", "日目标", "Daily target"), amount("cumulative_target", "累计目标", "Cumulative target",
                                                                   False),
                amount("actual", "日实际", "Daily actual"), amount("cumulative_actual", "累计实际", "Cumulative actual",
                                                                   False),
                amount("forecast", "预测累计", "Forecast (cumulative)", False),
            ], heading="逐日累计 Burn-up by day", name="progress_burnup"),
            OutTable(flag_frame(progress.flags, log_sheet), [
                c("flag", "预警", "Flag"), c("rep_id", "业务员编号", "Rep ID"), c("name", "姓名", "Name"),
                c("subject", "对象", "Subject"), c("detail", "说明", "Detail"), c("source", "来源", "Source"),
            ], heading=f"需要关注 Needs attention（{len(progress.flags)}）", name="progress_flags",
                tone="alert" if len(progress.flags) else "normal"),
            OutTable(progress.reps, [c("rep_id", "业务员编号", "Rep ID"), c("name", "姓名", "Name"),
                                     c("region", "区域", "Region"), TARGET_TO_ACTUAL[0], *TIERS,
                                     *TARGET_TO_ACTUAL[1:], *FORECASTS, *TIER_GAPS, *ACTIVITY,
                                     c("flag", "预警", "Flags")],
                     heading="业务员 Reps", name="progress_reps"),
            OutTable(progress.regions, [c("region", "区域", "Region"), TARGET_TO_ACTUAL[0], *TIERS,
                                        *TARGET_TO_ACTUAL[1:], *FORECASTS, *TIER_GAPS, *ACTIVITY],
                     heading="区域 Regions", name="progress_regions"),
            OutTable(progress.roles.assign(role=progress.roles["role"].map(ROLE_LABEL)), [
                c("role", "产品角色", "Role"), TARGET_TO_ACTUAL[0],
                percent("target_share", "目标结构", "Share of target", "share"), *TARGET_TO_ACTUAL[1:],
                percent("actual_share", "实际结构", "Share of actual", "share"), *FORECASTS, *GAP_TO_TARGET,
            ], heading="产品角色 Product roles", name="progress_roles"),
            OutTable(progress.core_outlets.assign(name=progress.core_outlets["outlet_id"].map(outlet_names)), [
                c("outlet_id", "网点编号", "Outlet ID"), c("name", "网点名称", "Outlet name"),
                c("rep_id", "业务员编号", "Rep ID"), c("region", "区域", "Region"), *TARGET_TO_ACTUAL, *FORECASTS,
                *GAP_TO_TARGET, c("last_visit", "上次拜访", "Last visit", "date"),
                c("days_since_visit", "未拜访天数", "Days since visit", "integer"),
                c("not_visited", "拜访超期", "Visit overdue", "bool"),
            ], heading="核心店 Core outlets", name="progress_core_outlets"),
            OutTable(progress.core_outlet_skus, [
                c("outlet_id", "网点编号", "Outlet ID"), c("rep_id", "业务员编号", "Rep ID"), c("sku", "产品编码", "SKU"),
                amount("target", "产品目标", "SKU target"), amount("actual", "累计实际", "Actual to date"),
                percent("attainment", "完成率", "Attainment", "tier"),
            ], heading="核心店×产品 Core outlet × SKU", name="progress_core_outlet_skus"),
        ],
        charts=[OutChart("line", "累计目标与实际 Cumulative target vs actual", "progress_burnup", "date",
                         ("cumulative_target", "cumulative_actual", "forecast"), "金额 Amount")],
    )


def no_totals(columns: list[OutColumn]) -> list[OutColumn]:
    """The same columns without a totals row (a one-row table needs none)."""
    return [OutColumn(col.key, col.zh, col.en, col.kind, look=col.look) for col in columns]


def burnup_frame(burnup: pd.DataFrame) -> pd.DataFrame:
    return burnup.assign(weekday=[f"周{WEEKDAYS_ZH[w - 1]}" for w in burnup["weekday"]],
                         working=burnup["weight"] > 0)


def flag_frame(flags: pd.DataFrame, log_sheet: str) -> pd.DataFrame:
    """Flags with their source: a link to the Daily Log row a missed visit was planned on."""
    source = [Link(f"{log_sheet}!A{int(r)}", log_sheet, f"A{int(r)}") if pd.notna(r) else "" for r in flags["row"]]
    return flags.assign(source=source)
